/**
 * The one HTML-escaping function of the panel. Every piece of catalog, server or user text that
 * reaches the webview's HTML — element content and (always double-quoted) attribute values alike —
 * goes through it. Pure; unit-tested in tests/panel/escape.test.ts.
 */
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
