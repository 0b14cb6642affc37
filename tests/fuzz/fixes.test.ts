/**
 * Fix safety, over stdio with the real server: every quick fix ("fix", "fix all <CODE>", "disable for
 * this line", source.fixAll) and every translation code action offered on samples/, the rule
 * fixtures and a generated corpus with known rule triggers is applied, one at a time, and checked:
 *
 * - it is a versioned `documentChanges` edit for the version it was asked for (never `changes`);
 * - its edits do not overlap and lie inside the text;
 * - the result parses with no more syntax errors than before;
 * - it changes nothing outside the reported range(s), except for inserted import lines (and, for
 *   translations, `# framewise:` note lines above the statement);
 * - it is idempotent: re-analysing the result does not offer the same fix at the same place (a
 *   translated call is not offered the same translation again).
 *
 * And stale fixes are refused: actions asked for with the diagnostics of an older version offer no
 * fix for them, and every edit carries the current version.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { CodeActionRequest, type CodeAction, type Diagnostic, type TextDocumentEdit, type TextEdit } from 'vscode-languageserver-protocol';
import type { Node } from 'web-tree-sitter';
import { startServer, TEST_ENV, type TestClient } from '../helpers/lsp';
import { ready, check, parseExpectations } from '../helpers/analyze';
import { createParser, safeParse } from '../../server/src/parse/parser';
import { syntaxErrors as treeSyntaxErrors } from '../../server/src/parse/syntax';
import { lineStarts, offsetAt } from '../../server/src/parse/document';
import { generatedFile } from './corpus';

const SEED = process.env.FRAMEWISE_FUZZ_SEED === 'random' ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(process.env.FRAMEWISE_FUZZ_SEED ?? 4_242);
const GENERATED = Number(process.env.FRAMEWISE_FUZZ_FILES ?? 40);
const VERBOSE = !!process.env.FRAMEWISE_FUZZ_VERBOSE;
const ROOT = path.resolve(__dirname, '..', '..');
const WAIT = 60_000;
const TRANSLATE_KIND = 'refactor.rewrite.framewise';
const FIX_ALL_KIND = 'source.fixAll.framewise';

interface CorpusFile { name: string; text: string }

function corpus(): CorpusFile[] {
  const files: CorpusFile[] = [];
  for (const f of fs.readdirSync(path.join(ROOT, 'samples')).filter((x) => x.endsWith('.py')).sort()) {
    files.push({ name: `samples/${f}`, text: fs.readFileSync(path.join(ROOT, 'samples', f), 'utf8') });
  }
  const fixtures = path.join(ROOT, 'tests', 'rules', 'fixtures');
  for (const f of fs.readdirSync(fixtures).filter((x) => x.endsWith('.py') && !x.endsWith('.fixed.py')).sort()) {
    files.push({ name: `fixtures/${f}`, text: parseExpectations(fs.readFileSync(path.join(fixtures, f), 'utf8')).stripped });
  }
  fc.sample(generatedFile, { seed: SEED, numRuns: GENERATED }).forEach((g, i) => files.push({ name: `generated/${i}.py (seed ${SEED})`, text: g.text }));
  return files;
}

// ---------------------------------------------------------------------------------------------------
// Text helpers

interface Span { s: number; e: number }

const toSpan = (text: string, r: { start: { line: number; character: number }; end: { line: number; character: number } }): Span => {
  const starts = lineStarts(text);
  return { s: offsetAt(starts, text, r.start), e: offsetAt(starts, text, r.end) };
};

/** Apply simultaneous edits (LSP TextEdit[] semantics: insertions at one point keep array order). */
function applyEdits(text: string, edits: TextEdit[]): string {
  const spans = edits.map((e, i) => ({ ...toSpan(text, e.range), t: e.newText, i })).sort((a, b) => b.s - a.s || b.e - a.e || b.i - a.i);
  let out = text;
  for (const x of spans) out = out.slice(0, x.s) + x.t + out.slice(x.e);
  return out;
}

/** Where `offset` (a position in the text before the edits) ends up after them. */
function mapOffset(text: string, edits: TextEdit[], offset: number): number {
  let delta = 0;
  for (const e of edits) {
    const { s, e: end } = toSpan(text, e.range);
    if (end <= offset && !(s === end && s === offset)) delta += e.newText.length - (end - s);
    else if (s < offset && offset < end) return s + delta;
  }
  return offset + delta;
}

let parser: ReturnType<typeof createParser> | undefined;
function syntaxErrors(text: string): number {
  parser ??= createParser();
  const tree = safeParse(parser, text);
  if (!tree) return Number.POSITIVE_INFINITY;
  try {
    return treeSyntaxErrors(tree);
  } finally {
    tree.delete();
  }
}

/** Every call node (and bare decorator) of the text, as ranges to ask translations for. */
function callRanges(text: string): Array<{ start: { line: number; character: number }; end: { line: number; character: number } }> {
  parser ??= createParser();
  const tree = safeParse(parser, text);
  if (!tree) return [];
  const nodes = [...tree.rootNode.descendantsOfType('call'), ...tree.rootNode.descendantsOfType('decorator').map((d) => d?.namedChildren[0] ?? null)].filter((n): n is Node => !!n);
  const out = nodes.map((n) => ({ start: { line: n.startPosition.row, character: n.startPosition.column }, end: { line: n.endPosition.row, character: n.endPosition.column } }));
  tree.delete();
  return out;
}

const COMPOUND = new Set(['for_statement', 'while_statement', 'if_statement', 'with_statement', 'try_statement', 'function_definition', 'class_definition', 'decorated_definition', 'match_statement']);

/**
 * The statement a diagnostic is on: a finding's range marks the offending part (`print`), its fix
 * rewrites the statement holding it (`print(x)` → `jax.debug.print("{}", x)`). For a compound
 * statement, only its header (up to its body).
 */
function statementSpan(text: string, span: Span): Span {
  parser ??= createParser();
  const tree = safeParse(parser, text);
  if (!tree) return span;
  try {
    let n: Node | null = tree.rootNode.descendantForIndex(span.s, Math.max(span.s, span.e - 1));
    while (n && n.parent && n.parent.type !== 'block' && n.parent.type !== 'module') n = n.parent;
    if (!n || n.type === 'module') return span;
    if (COMPOUND.has(n.type)) {
      const body = n.childForFieldName('body') ?? n.childForFieldName('consequence') ?? n.childForFieldName('definition');
      const end = body && body.startIndex > span.e ? body.startIndex : Math.max(span.e, n.startIndex);
      return { s: Math.min(n.startIndex, span.s), e: end };
    }
    return { s: Math.min(n.startIndex, span.s), e: Math.max(n.endIndex, span.e) };
  } finally {
    tree.delete();
  }
}

/**
 * Rules whose fixes edit other statements of the same function by design (the rule's documentation
 * says so): JAX003 splits the key before its previous use, JAX101 / TF102 hoist a compiled function
 * out of the loop, JAX103 blocks on the value where it is produced, PT001 inserts zero_grad() before
 * backward(), PT003 wraps the loop around the finding in torch.no_grad()/inference_mode(). For them, edits must stay inside the innermost function around the finding (at module
 * level: the module).
 */
const MULTI_STATEMENT = new Set(['JAX003', 'JAX101', 'TF102', 'JAX103', 'PT001', 'PT003']);

function functionSpan(text: string, span: Span): Span {
  parser ??= createParser();
  const tree = safeParse(parser, text);
  if (!tree) return span;
  try {
    for (let n: Node | null = tree.rootNode.descendantForIndex(span.s, Math.max(span.s, span.e - 1)); n; n = n.parent) {
      if (n.type === 'function_definition' || n.type === 'module') return { s: n.startIndex, e: n.endIndex };
    }
    return span;
  } finally {
    tree.delete();
  }
}

const IMPORT_LINES = /^(?:\r?\n)?(?:[ \t]*(?:import [^\r\n]+|from [^\r\n]+ import [^\r\n]+)\r?\n)+$/;
const NOTE_LINES = /^(?:[ \t]*#[^\r\n]*\r?\n)+$/;

/** Is `edit` inside one of `allowed`, or an insertion of whole import (or note) lines? */
function allowedEdit(text: string, edit: TextEdit, allowed: Span[], notes: boolean): boolean {
  const { s, e } = toSpan(text, edit.range);
  if (allowed.some((a) => a.s <= s && e <= a.e)) return true;
  const atLineStart = edit.range.start.character === 0 || s === text.length;
  return s === e && atLineStart && (IMPORT_LINES.test(edit.newText) || (notes && NOTE_LINES.test(edit.newText)));
}

// ---------------------------------------------------------------------------------------------------

describe('fix safety over stdio', () => {
  let client: TestClient;
  const files = corpus();
  const stats = { files: files.length, fixes: 0, fixAllCode: 0, disable: 0, fixAll: 0, translations: 0, translationIdempotence: 0 };
  const problems: string[] = [];
  let n = 0;

  beforeAll(async () => {
    await ready();
    client = await startServer({ env: TEST_ENV, settings: { select: ['ALL'] } });
  });
  afterAll(async () => {
    if (VERBOSE) console.log('fix safety:', JSON.stringify(stats));
    await client.stop();
  });

  const open = async (text: string) => {
    const uri = `file:///fixes/${++n}.py`;
    client.open(uri, text, 1);
    const p = await client.waitForDiagnostics(uri, (d) => d.version === 1, WAIT);
    return { uri, diagnostics: p.diagnostics.filter((d) => d.source === 'framewise' && d.code !== 'skipped') };
  };

  const actions = async (uri: string, range: TextEdit['range'], diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> => {
    const r = await client.request<Array<CodeAction>>(CodeActionRequest.method, { textDocument: { uri }, range, context: { diagnostics, only } }, { timeoutMs: WAIT });
    if (!r.ok) throw new Error(`codeAction failed: ${r.code} ${r.message}`);
    return (r.result ?? []).filter((a) => 'title' in a);
  };

  /** Checks shared by every action with an edit; returns its edits. */
  const editsOf = (file: string, uri: string, text: string, version: number, a: CodeAction): TextEdit[] | undefined => {
    if (!a.edit) return undefined;
    const where = `${file}: "${a.title}"`;
    if (a.edit.changes) problems.push(`${where}: unversioned \`changes\``);
    const dcs = (a.edit.documentChanges ?? []) as TextDocumentEdit[];
    if (dcs.length !== 1 || dcs[0].textDocument.uri !== uri || dcs[0].textDocument.version !== version) {
      problems.push(`${where}: documentChanges ${JSON.stringify(dcs.map((d) => d.textDocument))}, expected one for ${uri} v${version}`);
      return undefined;
    }
    const edits = dcs[0].edits as TextEdit[];
    const spans = edits.map((e) => toSpan(text, e.range)).sort((x, y) => x.s - y.s || x.e - y.e);
    for (let i = 1; i < spans.length; i++) if (spans[i].s < spans[i - 1].e) problems.push(`${where}: overlapping edits`);
    return edits;
  };

  /** Apply, re-parse, check locality; returns the fixed text. */
  const applyChecked = (file: string, text: string, a: CodeAction, edits: TextEdit[], allowed: Span[], notes = false): string => {
    const where = `${file}: "${a.title}"`;
    const after = applyEdits(text, edits);
    const before = syntaxErrors(text);
    const errors = syntaxErrors(after);
    if (errors > before) problems.push(`${where}: ${errors} syntax errors after, ${before} before:\n${after}`);
    for (const e of edits) if (!allowedEdit(text, e, allowed, notes)) problems.push(`${where}: edit outside its range: ${JSON.stringify(e)}`);
    if (after === text) problems.push(`${where}: changes nothing`);
    // A CRLF file stays CRLF: no bare '\n' line breaks mixed in.
    if (/\r\n/.test(text) && !/(^|[^\r])\n/.test(text) && /(^|[^\r])\n/.test(after)) problems.push(`${where}: inserts LF line breaks into a CRLF file: ${JSON.stringify(edits.map((e) => e.newText))}`);
    return after;
  };

  it.each(files.map((f) => [f.name, f] as const))('%s', async (name, file) => {
    const { text } = file;
    const { uri, diagnostics } = await open(text);
    const whole = { start: { line: 0, character: 0 }, end: { line: lineStarts(text).length, character: 0 } };
    const list = await actions(uri, whole, diagnostics);
    const findings = check(text, ['ALL']);
    const span = (d: Diagnostic) => toSpan(text, d.range);
    const stmt = (d: Diagnostic) => (MULTI_STATEMENT.has(String(d.code)) ? functionSpan(text, span(d)) : statementSpan(text, span(d)));
    const lineSpan = (line: number) => { const st = lineStarts(text); return { s: st[line], e: line + 1 < st.length ? st[line + 1] : text.length }; };
    /** Is a fixable finding of `code` still at the (mapped) start of `d` in `after`? */
    const stillFixable = (after: string, edits: TextEdit[], d: Diagnostic, needFix = true) => {
      const at = mapOffset(text, edits, span(d).s);
      return check(after, ['ALL']).some((f) => f.code === d.code && (!needFix || f.fix) && toSpan(after, f.range).s === at);
    };

    for (const a of list) {
      const edits = editsOf(name, uri, text, 1, a);
      if (!edits) continue;
      const d = a.diagnostics?.[0];
      if (a.kind === FIX_ALL_KIND) {
        stats.fixAll++;
        // Fix-all applies every fix but the suggestions (behaviour-changing fixes are offered alone).
        const fixable = diagnostics.filter((x) => findings.some((f) => f.fix && !f.fix.suggestion && f.code === x.code && toSpan(text, f.range).s === span(x).s));
        const after = applyChecked(name, text, a, edits, fixable.map(stmt));
        for (const x of fixable) if (stillFixable(after, edits, x)) problems.push(`${name}: "${a.title}" leaves ${x.code} at line ${x.range.start.line + 1} fixable`);
      } else if (a.title.startsWith('Fix all ') && d) {
        stats.fixAllCode++;
        const same = diagnostics.filter((x) => x.code === d.code);
        const after = applyChecked(name, text, a, edits, same.map(stmt));
        for (const x of same) {
          const fixed = findings.some((f) => f.fix && !f.fix.suggestion && f.code === x.code && toSpan(text, f.range).s === span(x).s);
          if (fixed && stillFixable(after, edits, x)) problems.push(`${name}: "${a.title}" leaves ${x.code} at line ${x.range.start.line + 1} fixable`);
        }
      } else if (a.title.startsWith('Disable ') && d) {
        stats.disable++;
        const after = applyChecked(name, text, a, edits, [lineSpan(d.range.start.line)]);
        if (stillFixable(after, edits, d, false)) problems.push(`${name}: "${a.title}" does not suppress ${d.code} on line ${d.range.start.line + 1}`);
      } else if (d) {
        stats.fixes++;
        const after = applyChecked(name, text, a, edits, [stmt(d)]);
        if (stillFixable(after, edits, d)) problems.push(`${name}: "${a.title}" is offered again at the same place after it is applied`);
      }
    }

    // Translations: ask at every call; apply each offered one.
    for (const range of callRanges(text)) {
      const offered = (await actions(uri, range, [], [TRANSLATE_KIND])).filter((a) => a.kind?.startsWith(TRANSLATE_KIND));
      for (const a of offered) {
        const edits = editsOf(name, uri, text, 1, a);
        if (!edits) continue;
        stats.translations++;
        const after = applyChecked(name, text, a, edits, [statementSpan(text, toSpan(text, range))], true);
        // Idempotent: the translated call is not offered the same translation again (first few per file).
        if (stats.translations % 4 === 0) {
          stats.translationIdempotence++;
          const again = await open(after);
          const at = mapOffset(text, edits, toSpan(text, range).s);
          const starts = lineStarts(after);
          let line = 0;
          while (line + 1 < starts.length && starts[line + 1] <= at) line++;
          const pos = { line, character: at - starts[line] };
          const repeat = (await actions(again.uri, { start: pos, end: pos }, [], [TRANSLATE_KIND])).filter((x) => x.kind === a.kind);
          if (repeat.length) problems.push(`${name}: "${a.title}" at ${JSON.stringify(range.start)} is offered again after it is applied`);
          client.close(again.uri);
        }
      }
    }
    client.close(uri);
    const mine = problems.filter((p) => p.startsWith(name));
    expect(mine).toEqual([]);
  }, 120_000);

  it('offered fixes and translations across the corpus (the suite is not vacuous)', () => {
    expect(stats.fixes).toBeGreaterThan(50);
    expect(stats.fixAllCode).toBeGreaterThan(5);
    expect(stats.disable).toBeGreaterThan(50);
    expect(stats.fixAll).toBeGreaterThan(20);
    expect(stats.translations).toBeGreaterThan(20);
  });
});

describe('stale fixes are refused', () => {
  let client: TestClient;
  beforeAll(async () => { client = await startServer({ env: TEST_ENV }); });
  afterAll(async () => { await client.stop(); });

  const SOURCE = 'import jax\n\n\n@jax.jit\ndef step(x):\n    print("x", x)\n    x[0] = 1.0\n    return x\n';

  it('edits are versioned documentChanges; after an edit, old diagnostics get no fix and every edit is for the new version', async () => {
    const uri = 'file:///stale/a.py';
    client.open(uri, SOURCE, 1);
    const v1 = (await client.waitForDiagnostics(uri, (p) => p.version === 1, WAIT)).diagnostics;
    expect(v1.map((d) => d.code)).toEqual(['JAX001', 'JAX002']);
    const whole = { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } };
    const ask = async (diagnostics: Diagnostic[]) => {
      const r = await client.request<CodeAction[]>(CodeActionRequest.method, { textDocument: { uri }, range: whole, context: { diagnostics } }, { timeoutMs: WAIT });
      expect(r.ok).toBe(true);
      return r.ok ? r.result : [];
    };
    const versions = (list: CodeAction[]) => [...new Set(list.filter((a) => a.edit).map((a) => {
      expect(a.edit!.changes).toBeUndefined();
      return (a.edit!.documentChanges as TextDocumentEdit[]).map((dc) => dc.textDocument.version).join();
    }))];

    const first = await ask(v1);
    expect(first.filter((a) => a.edit).length).toBeGreaterThan(3);
    expect(versions(first)).toEqual(['1']);

    // Version 2: a line inserted at the top moves every finding down. The request comes before the
    // new diagnostics are published, with the old ones, as a lightbulb might ask.
    client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# moved\n' }]);
    const stale = await ask(v1);
    const perDiagnostic = stale.filter((a) => a.kind === 'quickfix' && a.edit);
    expect(perDiagnostic).toEqual([]);
    expect(versions(stale).every((v) => v === '2')).toBe(true);

    const v2 = (await client.waitForDiagnostics(uri, (p) => p.version === 2, WAIT)).diagnostics;
    const fresh = await ask(v2);
    expect(fresh.filter((a) => a.kind === 'quickfix' && a.edit).length).toBeGreaterThan(3);
    expect(versions(fresh)).toEqual(['2']);
    const fix = fresh.find((a) => a.isPreferred && a.diagnostics?.[0]?.code === 'JAX002')!;
    expect((fix.edit!.documentChanges![0] as TextDocumentEdit).edits[0].range.start.line).toBe(7);
    client.close(uri);
  });
});
