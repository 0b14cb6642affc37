/**
 * Analysis settings shared by the server and the CLI (from VS Code settings `framewise.*`,
 * `[tool.framewise]` in pyproject.toml and CLI flags), how layers of them merge, and which rules they
 * enable.
 *
 * Rule selection is Ruff-like:
 * - no `select` (or an empty one): the default set, i.e. every rule not marked off by default;
 * - `select`: exactly the rules matching one of its codes or prefixes (`JAX`, `PT1`, `TF002`);
 *   `ALL` matches every rule, including those off by default (PORT002);
 * - `ignore`: removes the rules it matches. When a rule matches both lists, the more specific
 *   (longer) pattern wins, and a tie goes to `ignore`: `select = ["JAX"], ignore = ["JAX002"]` drops
 *   JAX002, `select = ["JAX002"], ignore = ["JAX"]` keeps it, `ignore = ["ALL"]` with no select
 *   disables everything;
 * - `severity = { CODE = "off" }` disables that rule whatever `select` says; any other value only
 *   changes the severity of a rule that is enabled.
 */
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

export const SEVERITY_VALUES: ReadonlyArray<Severity | 'off'> = ['error', 'warning', 'information', 'hint', 'off'];

/**
 * A severity map from an untyped source (VS Code settings): codes upper-cased, values lower-cased,
 * entries that are not a known severity dropped.
 */
export function normalizeSeverity(raw: unknown): Settings['severity'] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const out: Record<string, Severity | 'off'> = {};
  for (const [code, v] of Object.entries(raw as Record<string, unknown>)) {
    const level = typeof v === 'string' ? v.toLowerCase() : undefined;
    if (level && (SEVERITY_VALUES as readonly string[]).includes(level)) out[code.toUpperCase()] = level as Severity | 'off';
  }
  return out;
}

/**
 * How specifically `patterns` match `code`: -1 no match, 0 `ALL`, otherwise the pattern's length
 * (an exact code is more specific than any of its prefixes).
 */
function specificity(code: string, patterns: string[] | undefined): number {
  let best = -1;
  for (const p of patterns ?? []) {
    if (p === 'ALL') best = Math.max(best, 0);
    else if (code === p || (p.length < code.length && code.startsWith(p))) best = Math.max(best, p.length);
  }
  return best;
}

export function isRuleEnabled(code: string, enabledByDefault: boolean, s: Settings): boolean {
  if (s.severity?.[code] === 'off') return false;
  // The default set behaves like a select of specificity 0 (as broad as ALL) over the default rules.
  const selected = s.select && s.select.length > 0 ? specificity(code, s.select) : enabledByDefault ? 0 : -1;
  if (selected < 0) return false;
  return specificity(code, s.ignore) < selected;
}

export function severityFor(code: string, fallback: Severity, s: Settings): Severity {
  const v = s.severity?.[code];
  return v && v !== 'off' ? v : fallback;
}

/**
 * Merge layers of settings, later layers winning: a key a layer sets (`select`, `ignore`,
 * `maxFileSize`) replaces the earlier value; `severity` is merged rule by rule. An undefined key
 * leaves the earlier value alone; an empty `select` means the default set.
 */
export function mergeSettings(...layers: Array<Settings | undefined>): Settings {
  const out: Settings = {};
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.select !== undefined) out.select = [...layer.select];
    if (layer.ignore !== undefined) out.ignore = [...layer.ignore];
    if (layer.severity !== undefined) out.severity = { ...out.severity, ...layer.severity };
    if (layer.maxFileSize !== undefined) out.maxFileSize = layer.maxFileSize;
  }
  return out;
}
