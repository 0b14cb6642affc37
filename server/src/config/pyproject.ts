/**
 * `[tool.framewise]` in pyproject.toml: find the nearest one above a file, read it (cached by path,
 * mtime and size), parse it with smol-toml and validate it against the rule registry.
 *
 *   [tool.framewise]
 *   select = ["JAX", "PT"]          # replaces the default rule set; "ALL" = every rule
 *   ignore = ["PT201"]              # removes rules (codes or prefixes)
 *   severity = { JAX002 = "warning", TF001 = "off" }
 *   max-file-size = 1048576         # bytes; larger Python files are not analysed
 *
 * A file that cannot configure Framewise (it never mentions `framewise`, or parses without a
 * `[tool.framewise]` table) is passed over and the search goes on upward, as Ruff does with
 * `[tool.ruff]`. A file that mentions Framewise but cannot be read, is over 1 MB or is not valid TOML
 * is *broken*: one problem says why, and none of its settings apply. Invalid entries (wrong types,
 * unknown rule codes, bad severities) are reported and dropped; the valid ones still apply. Unknown
 * keys are warnings.
 *
 * Nothing here knows about LSP: positions are zero-based line/character, as in `parse/document`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, TomlError } from 'smol-toml';
import type { Range } from '../parse/document';
import { ALL_RULES } from '../rules/index';
import type { Severity } from '../rules/types';
import { SEVERITY_VALUES, type Settings } from './settings';

export const PYPROJECT = 'pyproject.toml';
/** Larger configuration files are refused unread. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Smallest accepted `max-file-size`, as in the VS Code setting's schema. */
export const MIN_MAX_FILE_SIZE = 1024;

export interface ConfigProblem {
  severity: 'error' | 'warning';
  message: string;
  range: Range;
}

export interface PyprojectConfig {
  /** Absolute path of the pyproject.toml. */
  path: string;
  /** Settings from `[tool.framewise]`, invalid entries dropped; `{}` when broken. */
  settings: Settings;
  problems: ConfigProblem[];
  /** Unreadable, too large or not valid TOML: nothing from it applies. */
  broken: boolean;
}

const KNOWN_KEYS = ['select', 'ignore', 'severity', 'max-file-size'];

// ---------------------------------------------------------------------------------------------------
// Parsing and validation (pure)

/**
 * Parse the text of a pyproject.toml. Returns undefined when it holds no `[tool.framewise]` table
 * (and is valid TOML, or does not mention Framewise at all).
 */
export function parsePyproject(text: string, file = PYPROJECT): PyprojectConfig | undefined {
  if (!/framewise/i.test(text)) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    return brokenConfig(file, tomlProblem(e, text, path.basename(file)));
  }
  const tool = doc.tool;
  if (!isTable(tool) || !('framewise' in tool)) return undefined;
  const table = tool.framewise;
  const loc = new Locator(text);
  if (!isTable(table)) {
    return {
      path: file,
      settings: {},
      broken: false,
      problems: [{ severity: 'error', message: `\`tool.framewise\` must be a table ([tool.framewise]), not ${describe(table)}.`, range: loc.key('framewise') }],
    };
  }
  return { path: file, ...validateTable(table, loc) };
}

function validateTable(table: Record<string, unknown>, loc: Locator): { settings: Settings; problems: ConfigProblem[]; broken: false } {
  const settings: Settings = {};
  const problems: ConfigProblem[] = [];
  const error = (message: string, range: Range) => problems.push({ severity: 'error', message, range });

  for (const [key, value] of Object.entries(table)) {
    switch (key) {
      case 'select':
      case 'ignore': {
        const list = codeList(key, value, loc, error);
        if (list) settings[key] = list;
        break;
      }
      case 'severity': {
        if (!isTable(value)) { error(`\`severity\` must be a table of rule code = severity, e.g. { PT201 = "warning" }, not ${describe(value)}.`, loc.key(key)); break; }
        const out: Record<string, Severity | 'off'> = {};
        for (const [rawCode, level] of Object.entries(value)) {
          const code = rawCode.toUpperCase();
          if (!ALL_RULES.some((r) => r.meta.code === code)) {
            error(`\`severity\`: unknown rule code \`${rawCode}\` (severity takes exact codes; run \`framewise rules\` for the list).`, loc.value(key, rawCode));
            continue;
          }
          const v = typeof level === 'string' ? level.toLowerCase() : level;
          if (typeof v !== 'string' || !(SEVERITY_VALUES as readonly string[]).includes(v)) {
            error(`\`severity.${rawCode}\` must be one of ${SEVERITY_VALUES.map((s) => `"${s}"`).join(', ')}, not ${describe(level)}.`, loc.value(key, rawCode));
            continue;
          }
          out[code] = v as Severity | 'off';
        }
        settings.severity = out;
        break;
      }
      case 'max-file-size': {
        if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_MAX_FILE_SIZE) {
          error(`\`max-file-size\` must be an integer number of bytes, at least ${MIN_MAX_FILE_SIZE}, not ${describe(value)}.`, loc.key(key));
          break;
        }
        settings.maxFileSize = value;
        break;
      }
      default: {
        const close = KNOWN_KEYS.find((k) => k.replace(/-/g, '') === key.replace(/[-_]/g, '').toLowerCase());
        problems.push({
          severity: 'warning',
          message: `Unknown key \`${key}\` in [tool.framewise]${close ? `; did you mean \`${close}\`?` : ''} (known keys: ${KNOWN_KEYS.join(', ')}). It is ignored.`,
          range: loc.key(key),
        });
      }
    }
  }
  return { settings, problems, broken: false };
}

function codeList(key: 'select' | 'ignore', value: unknown, loc: Locator, error: (m: string, r: Range) => void): string[] | undefined {
  if (!Array.isArray(value)) {
    error(`\`${key}\` must be an array of rule codes or prefixes, e.g. ["JAX", "PT201"], not ${describe(value)}.`, loc.key(key));
    return undefined;
  }
  const out: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string') { error(`\`${key}\` entries must be strings (rule codes or prefixes), not ${describe(item)}.`, loc.key(key)); continue; }
    const code = item.trim().toUpperCase();
    if (!isKnownSelector(code)) {
      error(`\`${key}\`: unknown rule code or prefix \`${item}\` (run \`framewise rules\` for the list).`, loc.value(key, item));
      continue;
    }
    out.push(code);
  }
  return out;
}

/** `ALL`, a registered code, or a prefix of one. */
export function isKnownSelector(code: string): boolean {
  return code === 'ALL' || (code.length > 0 && ALL_RULES.some((r) => r.meta.code.startsWith(code)));
}

function tomlProblem(e: unknown, text: string, name: string): ConfigProblem {
  if (e instanceof TomlError) {
    const lines = text.split(/\r?\n/);
    const line = Math.min(Math.max(0, e.line - 1), lines.length - 1);
    const lineText = lines[line] ?? '';
    // From the error to the end of its line, never past it (an error at the end of a line is an empty range there).
    const character = Math.min(Math.max(0, e.column - 1), lineText.length);
    const end = lineText.length;
    const reason = e.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
    return {
      severity: 'error',
      message: `${name} is not valid TOML (line ${e.line}, column ${e.column}): ${reason}. Framewise ignores its [tool.framewise] settings and uses the defaults until this is fixed.`,
      range: { start: { line, character }, end: { line, character: end } },
    };
  }
  return { severity: 'error', message: `${name} could not be parsed: ${(e as Error)?.message ?? String(e)}. Framewise uses the defaults.`, range: ZERO };
}

function brokenConfig(file: string, problem: ConfigProblem): PyprojectConfig {
  return { path: file, settings: {}, problems: [problem], broken: true };
}

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (isTable(v)) return 'a table';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  return `${typeof v === 'bigint' ? 'the integer' : `the ${typeof v}`} ${String(v)}`;
}

/**
 * Finds where a key or a value of `[tool.framewise]` is written, for problem positions. A line
 * scanner, not a TOML parser: it knows table headers (`[tool.framewise]`, `[tool.framewise.severity]`),
 * `key = …` lines (also dotted: `framewise.select = …` under `[tool]`) and quoted values, and falls
 * back to the table header.
 */
class Locator {
  private readonly lines: string[];
  /** Table name in force on each line ('' before the first header); header lines name their own table. */
  private readonly tables: string[] = [];
  private readonly header: number;

  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
    let current = '';
    for (const l of this.lines) {
      const h = HEADER.exec(l);
      if (h) current = h[1].replace(/["'\s]/g, '');
      this.tables.push(current);
    }
    this.header = this.tables.findIndex((t) => t === 'tool.framewise' || t.startsWith('tool.framewise.'));
    if (this.header < 0) this.header = Math.max(0, this.lines.findIndex((l) => /framewise/.test(l)));
  }

  private lineRange(line: number, from?: number, to?: number): Range {
    const text = this.lines[line] ?? '';
    return { start: { line, character: from ?? text.length - text.trimStart().length }, end: { line, character: to ?? text.trimEnd().length } };
  }

  /** The line that sets `key` in the framewise table, or opens `[tool.framewise.<key>]`. */
  keyLine(key: string): number {
    const k = key.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
    const prefixes: Record<string, string> = { 'tool.framewise': '', tool: 'framewise\\s*\\.\\s*', '': 'tool\\s*\\.\\s*framewise\\s*\\.\\s*' };
    for (let i = 0; i < this.lines.length; i++) {
      const l = this.lines[i];
      if (HEADER.test(l)) {
        if (this.tables[i] === `tool.framewise.${key}`) return i;
        continue;
      }
      const prefix = prefixes[this.tables[i]];
      if (prefix !== undefined && new RegExp(`^\\s*${prefix}["']?${k}["']?\\s*[=.]`).test(l)) return i;
    }
    return this.header;
  }

  key(key: string): Range {
    return this.lineRange(this.keyLine(key));
  }

  /** Where `needle` (a code in a list, or a severity key) is written, searching from `key`'s line. */
  value(key: string, needle: string): Range {
    const from = this.keyLine(key);
    const n = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (let i = from; i < this.lines.length; i++) {
      const l = this.lines[i];
      if (i > from && HEADER.test(l)) break;
      const m = new RegExp(`(["'])${n}\\1|(?<![A-Za-z0-9_])${n}(?=\\s*=)`).exec(l);
      if (m) return this.lineRange(i, m.index, m.index + m[0].length);
    }
    return this.key(key);
  }
}

/** A table header line: `[a.b]` or `[[a.b]]`, with its name in group 1. */
const HEADER = /^\s*\[\[?\s*([A-Za-z0-9_"' .-]+?)\s*\]\]?\s*(?:#.*)?$/;

// ---------------------------------------------------------------------------------------------------
// Reading files (cached) and finding the nearest configuration

const cache = new Map<string, { mtimeMs: number; size: number; config: PyprojectConfig | undefined }>();

/**
 * Read and parse one pyproject.toml, cached by path + mtime + size. Returns undefined when the file
 * does not exist or does not configure Framewise.
 */
export function loadPyproject(file: string): PyprojectConfig | undefined {
  const abs = path.resolve(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    cache.delete(abs);
    return undefined;
  }
  if (!st.isFile()) return undefined;
  const hit = cache.get(abs);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.config;
  const config = readConfig(abs, st.size);
  cache.set(abs, { mtimeMs: st.mtimeMs, size: st.size, config });
  return config;
}

function readConfig(abs: string, size: number): PyprojectConfig | undefined {
  if (size > MAX_CONFIG_BYTES) {
    const mb = (size / (1024 * 1024)).toFixed(1);
    return brokenConfig(abs, { severity: 'error', message: `${path.basename(abs)} is ${mb} MB, over the 1 MB that Framewise reads; its [tool.framewise] settings are ignored and the defaults apply.`, range: ZERO });
  }
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    return brokenConfig(abs, { severity: 'error', message: `${path.basename(abs)} could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); Framewise uses the defaults.`, range: ZERO });
  }
  return parsePyproject(text, abs);
}

/** Forget cached files (all, or one path). */
export function clearConfigCache(file?: string): void {
  if (file) cache.delete(path.resolve(file));
  else cache.clear();
}

export interface FindOptions {
  /**
   * Search no higher than this directory, and read nothing that resolves (through symbolic links)
   * outside it. The language server passes the workspace folder.
   */
  root?: string;
}

/**
 * The configuration that applies to `file` (a Python file or a directory): the nearest
 * pyproject.toml at or above it that configures Framewise, up to `root` or the filesystem root.
 */
export function findConfig(file: string, options: FindOptions = {}): PyprojectConfig | undefined {
  let dir = path.resolve(file);
  try {
    if (!fs.statSync(dir).isDirectory()) dir = path.dirname(dir);
  } catch {
    dir = path.dirname(dir);
  }
  const root = options.root ? path.resolve(options.root) : undefined;
  if (root && !isInside(dir, root)) return undefined;
  const realRoot = root ? realpath(root) : undefined;
  for (;;) {
    const candidate = path.join(dir, PYPROJECT);
    if (!realRoot || isInside(realpath(candidate) ?? candidate, realRoot)) {
      const config = loadPyproject(candidate);
      if (config) return config;
    }
    if (root && dir === root) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function realpath(p: string): string | undefined {
  try { return fs.realpathSync(p); } catch { return undefined; }
}

/** Is `p` the directory `dir` or inside it? */
export function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
