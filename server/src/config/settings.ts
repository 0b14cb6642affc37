/** Analysis settings shared by the server and the CLI (from VS Code settings or `[tool.framewise]`). */
import type { Severity } from '../rules/types';

export interface Settings {
  /** Rule codes or prefixes to enable (empty/undefined = the defaults). `ALL` enables every rule. */
  select?: string[];
  /** Rule codes or prefixes to disable. */
  ignore?: string[];
  /** Per-rule severity override, or 'off'. */
  severity?: Record<string, Severity | 'off'>;
  /** Maximum file size analysed, in bytes. */
  maxFileSize?: number;
}

function matches(code: string, patterns: string[] | undefined): boolean {
  return !!patterns?.some((p) => p === 'ALL' || code === p || (p.length < code.length && code.startsWith(p)));
}

export function isRuleEnabled(code: string, enabledByDefault: boolean, s: Settings): boolean {
  if (s.severity?.[code] === 'off') return false;
  if (matches(code, s.ignore)) {
    // An exact select wins over a prefix ignore.
    if (!s.select?.includes(code)) return false;
  }
  if (s.select && s.select.length > 0) return matches(code, s.select) || (enabledByDefault && false);
  return enabledByDefault;
}

export function severityFor(code: string, fallback: Severity, s: Settings): Severity {
  const v = s.severity?.[code];
  return v && v !== 'off' ? v : fallback;
}
