/**
 * Messages between the equivalence panel's webview and the extension, the panel's persisted state,
 * and the documentation-link allow-list. Pure (no 'vscode' import) so it is unit-tested directly.
 *
 * Everything that comes from the webview is untrusted: `parseWebviewMessage` accepts exactly the
 * shapes below (no extra keys, ids matching CONCEPT_ID_RE, frameworks among the three) and returns
 * undefined for anything else. The webview never sends snippet text or URLs: it names a concept and
 * a framework, and the extension looks the text up in the concept it rendered.
 */
import { isConceptId, isFramework, type FrameworkId } from './protocol';

/** Webview → extension. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'pick' }
  | { type: 'setPinned'; pinned: boolean }
  | { type: 'copy'; conceptId: string; framework: FrameworkId }
  | { type: 'insert'; conceptId: string; framework: FrameworkId }
  | { type: 'openDocs'; conceptId: string; framework: FrameworkId };

export type ConceptAction = Extract<WebviewMessage, { conceptId: string }>['type'];
export const CONCEPT_ACTIONS: readonly ConceptAction[] = ['copy', 'insert', 'openDocs'];

/** Extension → webview. */
export type HostMessage =
  | { type: 'pinned'; pinned: boolean }
  | { type: 'editor'; canInsert: boolean; hasSelection: boolean }
  | { type: 'status'; text: string };

/** What the webview persists with setState and the serializer restores after a reload. */
export interface PanelState {
  conceptId: string | null;
  pinned: boolean;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function hasExactKeys(o: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(o);
  return own.length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(o, k));
}

export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (!isPlainObject(raw)) return undefined;
  switch (raw.type) {
    case 'ready':
    case 'pick':
      return hasExactKeys(raw, ['type']) ? { type: raw.type } : undefined;
    case 'setPinned':
      return hasExactKeys(raw, ['type', 'pinned']) && typeof raw.pinned === 'boolean' ? { type: 'setPinned', pinned: raw.pinned } : undefined;
    case 'copy':
    case 'insert':
    case 'openDocs':
      if (!hasExactKeys(raw, ['type', 'conceptId', 'framework'])) return undefined;
      if (!isConceptId(raw.conceptId) || !isFramework(raw.framework)) return undefined;
      return { type: raw.type, conceptId: raw.conceptId, framework: raw.framework };
    default:
      return undefined;
  }
}

/** The restored state, or the default (nothing shown, following) when the stored value is malformed. */
export function parsePanelState(raw: unknown): PanelState {
  if (!isPlainObject(raw)) return { conceptId: null, pinned: false };
  const conceptId = isConceptId(raw.conceptId) ? raw.conceptId : null;
  const pinned = raw.pinned === true && conceptId !== null;
  return { conceptId, pinned };
}

// ---------------------------------------------------------------------------------------------
// Documentation links: https only, no credentials or explicit port, and a host the catalog uses.

/** Hosts whose whole site is framework documentation. */
const DOCS_HOSTS: ReadonlySet<string> = new Set([
  'pytorch.org',
  'docs.pytorch.org',
  'docs.jax.dev',
  'jax.readthedocs.io',
  'flax.readthedocs.io',
  'flax-linen.readthedocs.io',
  'optax.readthedocs.io',
  'orbax.readthedocs.io',
  'www.tensorflow.org',
  'tensorflow.org',
  'keras.io',
]);

/** github.com is allowed only below the frameworks' own organisations/repositories. */
const GITHUB_PREFIXES: readonly string[] = [
  '/pytorch/',
  '/jax-ml/',
  '/google/jax/',
  '/google/flax/',
  '/google-deepmind/optax/',
  '/google/orbax/',
  '/tensorflow/',
  '/keras-team/',
];

/** The normalised URL when it is an https link to known framework documentation, else undefined. */
export function allowedDocsUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 2048) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.port !== '') return undefined;
  const host = url.hostname.toLowerCase();
  if (DOCS_HOSTS.has(host)) return url.href;
  if (host === 'github.com' && GITHUB_PREFIXES.some((p) => url.pathname.startsWith(p))) return url.href;
  return undefined;
}
