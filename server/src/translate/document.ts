/**
 * Translating within a file: the edits for one call (code actions) or for every catalog idiom of
 * other frameworks (the `translate` CLI). Edits are offsets into the source; a translated call is
 * replaced in place, its notes become `# framewise:` lines above its statement (indented like it),
 * and planned imports go once after the file's last top-level import.
 */
import type { Tree } from 'web-tree-sitter';
import type { SyntaxNode as Node } from '../parse/mirror';
import { createParser, initParser, safeParse } from '../parse/parser';
import { syntaxErrors } from '../parse/syntax';
import { dominantLineBreak, withLineBreak } from '../parse/eol';
import { lineStarts, positionAt, type Range } from '../parse/document';
import type { FrameworkKey } from '../catalog/types';
import { frameworkOfApi, type Catalog } from '../catalog/index';
import { Translator, enclosingStatement, type CallTranslation } from './translator';

export interface OffsetEdit { start: number; end: number; text: string }
export interface LineEdit { range: Range; newText: string }

export interface FilePlan {
  edits: OffsetEdit[];
  /** Per rewritten (or annotated) construct. */
  items: Array<{ call: Node; translation?: CallTranslation; text: string; notes: string[] }>;
}

export const COMMENT_PREFIX = '# framewise: ';

/**
 * A note as one comment line. Notes quote source text, which can span lines (an attribute chain
 * continued inside brackets): its line breaks and the indentation after them become one space, or the
 * rest of the quote would land outside the comment as code.
 */
export function noteComment(indent: string, note: string): string {
  return `${indent}${COMMENT_PREFIX}${oneLine(note)}\n`;
}

function oneLine(note: string): string {
  return note.replace(/[ \t]*(?:\r\n|\r|\n)[ \t]*/g, ' ');
}

/** The outermost calls that are catalog idioms of a framework other than `to`, or calls into such a framework. */
export function idiomCalls(translator: Translator, to: FrameworkKey): Node[] {
  const matched = translator.facts.calls.filter((c) => {
    const m = translator.match(c);
    if (m) return m.form.framework !== to;
    const q = translator.facts.callee(c);
    const fw = q ? frameworkOfApi(q) : undefined;
    return !!fw && fw !== to;
  });
  // Bare decorators (`@jax.jit`) are calls too.
  for (const d of translator.facts.root.descendantsOfType('decorator')) {
    const expr = d?.namedChildren[0];
    if (expr && expr.type !== 'call') {
      const m = translator.match(expr);
      if (m && m.form.framework !== to) matched.push(expr);
    }
  }
  matched.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  const out: Node[] = [];
  for (const c of matched) {
    const last = out[out.length - 1];
    if (last && c.startIndex >= last.startIndex && c.endIndex <= last.endIndex) continue;
    out.push(c);
  }
  return out;
}

/** Plan the rewrite of `calls` (outermost idioms; nested ones are rewritten inside them). */
export function planCalls(translator: Translator, calls: Node[], to: FrameworkKey): FilePlan {
  const source = translator.source;
  const plan: FilePlan = { edits: [], items: [] };
  const notesByStatement = new Map<number, { stmt: Node; notes: string[] }>();
  for (const call of calls) {
    const notes: string[] = [];
    const translation = translator.translate(call, to);
    const text = translator.render(call, to, notes);
    const item = { call, translation, text, notes: dedupe(notes) };
    if (text === call.text && !item.notes.length) continue;
    plan.items.push(item);
    if (text !== call.text) plan.edits.push({ start: call.startIndex, end: call.endIndex, text });
    if (item.notes.length) {
      const stmt = enclosingStatement(call);
      const entry = notesByStatement.get(stmt.startIndex) ?? { stmt, notes: [] };
      entry.notes.push(...item.notes);
      notesByStatement.set(stmt.startIndex, entry);
    }
  }
  const starts = lineStarts(source);
  const inserts = new Map<number, string>();
  const imports = translator.names.imports;
  if (imports.length) {
    const at = importOffset(translator, starts);
    const needsNewline = at === source.length && source.length > 0 && !source.endsWith('\n');
    inserts.set(at, (needsNewline ? '\n' : '') + imports.map((s) => s + '\n').join(''));
  }
  for (const { stmt, notes } of notesByStatement.values()) {
    const row = stmt.startPosition.row;
    const lineStart = starts[row] ?? 0;
    const indent = /^[ \t]*/.exec(source.slice(lineStart))![0];
    const existing = commentsAbove(source, starts, row);
    const lines = dedupe(notes.map(oneLine)).filter((n) => !existing.has(n)).map((n) => noteComment(indent, n));
    if (!lines.length) continue;
    inserts.set(lineStart, (inserts.get(lineStart) ?? '') + lines.join(''));
  }
  for (const [at, text] of inserts) plan.edits.push({ start: at, end: at, text });
  plan.edits.sort((a, b) => a.start - b.start || a.end - b.end);
  return plan;
}

/** `# framewise:` notes already written right above a line (re-running does not repeat them). */
function commentsAbove(source: string, starts: number[], row: number): Set<string> {
  const out = new Set<string>();
  for (let r = row - 1; r >= 0; r--) {
    const line = source.slice(starts[r], starts[r + 1] ?? source.length).trim();
    if (!line.startsWith(COMMENT_PREFIX.trim())) break;
    out.add(line.slice(COMMENT_PREFIX.trim().length).trim());
  }
  return out;
}

function importOffset(translator: Translator, starts: number[]): number {
  const facts = translator.facts;
  let line = facts.imports.insertLine;
  if (line <= 0) {
    line = 0;
    for (const child of facts.root.namedChildren) {
      if (!child) continue;
      const isDocstring = child.type === 'expression_statement' && child.namedChildren[0]?.type === 'string';
      if (child.type === 'comment' || isDocstring || child.type === 'future_import_statement') line = child.endPosition.row + 1;
      else break;
    }
  }
  return line < starts.length ? starts[line] : translator.source.length;
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

/** Apply non-overlapping edits in one pass (inserts at one offset keep their order). */
export function applyOffsetEdits(text: string, edits: OffsetEdit[]): string {
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i);
  const parts: string[] = [];
  let pos = 0;
  for (const { e } of sorted) {
    if (e.start < pos) continue; // overlapping: skipped, as an editor would refuse it
    parts.push(text.slice(pos, e.start), e.text);
    pos = e.end;
  }
  parts.push(text.slice(pos));
  return parts.join('');
}

export function toLineEdits(source: string, edits: OffsetEdit[]): LineEdit[] {
  const starts = lineStarts(source);
  return edits.map((e) => ({ range: { start: positionAt(starts, e.start), end: positionAt(starts, e.end) }, newText: e.text }));
}

export interface TranslateResult {
  text: string;
  /** Constructs rewritten. */
  translated: number;
  /** Constructs left as they are (with a note). */
  untranslated: number;
  /** Notes written, in order. */
  notes: string[];
  /** Syntax errors (ERROR/MISSING nodes) before and after. */
  errorsBefore: number;
  errorsAfter: number;
}

/** Translate a whole file (or the constructs starting on `line`, 1-based) to `to`. */
export async function translateSource(source: string, to: FrameworkKey, options: { line?: number; catalog?: Catalog } = {}): Promise<TranslateResult> {
  await initParser();
  return translateSourceSync(source, to, options);
}

export function translateSourceSync(source: string, to: FrameworkKey, options: { line?: number; catalog?: Catalog } = {}): TranslateResult {
  const parser = createParser();
  try {
    const tree = safeParse(parser, source);
    if (!tree) throw new Error('the parser gave up on this file');
    try {
      const translator = Translator.forTree(tree, source, options.catalog);
      let calls = idiomCalls(translator, to);
      if (options.line !== undefined) {
        const row = options.line - 1;
        const onLine = calls.filter((c) => c.startPosition.row === row);
        calls = onLine.length ? onLine : calls.filter((c) => c.startPosition.row <= row && c.endPosition.row >= row);
      }
      const plan = planCalls(translator, calls, to);
      const eol = dominantLineBreak(source);
      const text = applyOffsetEdits(source, plan.edits.map((e) => ({ ...e, text: withLineBreak(e.text, eol) })));
      return {
        text,
        translated: plan.items.filter((i) => i.text !== i.call.text).length,
        untranslated: plan.items.filter((i) => i.text === i.call.text).length,
        notes: plan.items.flatMap((i) => i.notes),
        errorsBefore: syntaxErrors(tree),
        errorsAfter: countErrors(parser, text),
      };
    } finally {
      tree.delete();
    }
  } finally {
    parser.delete();
  }
}

export { syntaxErrors };

function countErrors(parser: ReturnType<typeof createParser>, text: string): number {
  const tree = safeParse(parser, text);
  if (!tree) return Number.POSITIVE_INFINITY;
  try {
    return syntaxErrors(tree);
  } finally {
    tree.delete();
  }
}
