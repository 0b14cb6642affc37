/**
 * Code actions beyond a finding's own fix (which server.ts offers): for each Framewise diagnostic,
 * "Fix all <CODE> problems in this file", "Disable <CODE> for this line" and "Open documentation for
 * <CODE>"; for the document, `source.fixAll.framewise` (every fix, as on save with
 * `editor.codeActionsOnSave`).
 *
 * Every edit is a versioned `documentChanges` entry, so a client refuses it once the document has
 * moved on. Combined fixes keep only non-overlapping edits (identical import edits are applied once),
 * and are checked by re-parsing: a combination that would add syntax errors is not offered, nor is a
 * suppression comment that would not parse as a comment at the end of the line. Results are cached
 * per document version, so the lightbulb asking again on every cursor move costs nothing.
 *
 * A fix marked `suggestion` (it changes behaviour in some programs, per its doc's "Fix safety") is
 * offered on its own diagnostic only, never in "fix all" or `source.fixAll`.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit as LspTextEdit } from 'vscode-languageserver/node';
import { Edit, type Node, type Parser, type Point, type Tree } from 'web-tree-sitter';
import { createParser, safeParse } from '../parse/parser';
import { syntaxErrors } from '../parse/syntax';
import { offsetAt, type PythonDocument, type Range } from '../parse/document';
import type { Finding, TextEdit } from '../rules/types';
import type { DocState, FramewiseServer } from './server';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.framewise`;
export const OPEN_DOCS_COMMAND = 'framewise.openRuleDocs';

export function registerCodeActions(server: FramewiseServer): void {
  server.codeActionProviders.push((state, params) => codeActionsFor(server, state, params));
}

export function codeActionsFor(server: FramewiseServer, state: DocState, params: CodeActionParams): CodeAction[] {
  const { doc } = state;
  if (!doc.tree) return [];
  const findings = server.analyze(state);
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const actions: CodeAction[] = [];
  const versioned = (edits: LspTextEdit[]) => ({ documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits }] });

  if (wants(CodeActionKind.QuickFix)) {
    const doneCodes = new Set<string>();
    const doneLines = new Set<string>();
    for (const d of params.context.diagnostics) {
      if (d.source !== 'framewise' || typeof d.code !== 'string') continue;
      // Only diagnostics of the current version: a stale one matches no current finding.
      const f = findings.find((x) => x.code === d.code && sameRange(x.range, d.range));
      if (!f) continue;
      const sameCode = findings.filter((x) => x.code === f.code && x.fix && !x.fix.suggestion);
      if (!doneCodes.has(f.code) && sameCode.length > 1) {
        const edits = cached(state, findings, `code:${f.code}`, () => combineFixes(doc, sameCode));
        if (edits) actions.push({ title: `Fix all ${f.code} problems in this file`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: versioned(edits) });
      }
      const lineKey = `${f.code}:${f.range.start.line}`;
      if (!doneLines.has(lineKey)) {
        doneLines.add(lineKey);
        const edit = cached(state, findings, `disable:${lineKey}`, () => disableForLine(doc, f.range.start.line, f.code));
        if (edit) actions.push({ title: `Disable ${f.code} for this line`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: versioned(edit) });
      }
      if (!doneCodes.has(f.code)) {
        actions.push({
          title: `Open documentation for ${f.code}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          command: { title: `Open documentation for ${f.code}`, command: OPEN_DOCS_COMMAND, arguments: [f.code] },
        });
      }
      doneCodes.add(f.code);
    }
  }

  if (wants(FIX_ALL_KIND)) {
    const fixable = findings.filter((f) => f.fix && !f.fix.suggestion);
    const edits = fixable.length ? cached(state, findings, 'all', () => combineFixes(doc, fixable)) : undefined;
    if (edits && edits.length) {
      actions.push({ title: 'Fix all auto-fixable Framewise problems', kind: FIX_ALL_KIND, diagnostics: diagnosticsOf(params.context.diagnostics), edit: versioned(edits) });
    }
  }
  return actions;
}

function diagnosticsOf(list: Diagnostic[]): Diagnostic[] {
  return list.filter((d) => d.source === 'framewise');
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

// ---------------------------------------------------------------------------------------------------
// Per-version cache

const cache = new WeakMap<DocState, { findings: Finding[]; text: string; entries: Map<string, unknown> }>();

/**
 * Memoise per analysis: `findings` is the server's version-keyed result, a new array whenever the
 * document or the settings changed; the text check covers a document rebuilt at the same version.
 */
function cached<T>(state: DocState, findings: Finding[], key: string, compute: () => T): T {
  let c = cache.get(state);
  if (!c || c.findings !== findings || c.text !== state.doc.text) {
    c = { findings, text: state.doc.text, entries: new Map() };
    cache.set(state, c);
  }
  if (!c.entries.has(key)) c.entries.set(key, compute());
  return c.entries.get(key) as T;
}

// ---------------------------------------------------------------------------------------------------
// Combining fixes

interface OffsetEdit { s: number; e: number; text: string; edit: TextEdit }

/**
 * The edits of `findings`' fixes that can be applied together: fixes are taken in document order,
 * a fix whose edits overlap an accepted edit is left out whole, and an edit identical to an accepted
 * one (the same import added twice) is applied once. Undefined when nothing remains, or when the
 * result would parse with more syntax errors than the document has now.
 */
export function combineFixes(doc: PythonDocument, findings: Finding[]): LspTextEdit[] | undefined {
  const { text, lineStarts: starts } = doc;
  const accepted: OffsetEdit[] = [];
  for (const f of findings) {
    if (!f.fix) continue;
    const mine: OffsetEdit[] = [];
    let ok = true;
    for (const edit of f.fix.edits) {
      const oe = { s: offsetAt(starts, text, edit.range.start), e: offsetAt(starts, text, edit.range.end), text: edit.newText, edit };
      if (oe.e < oe.s) { ok = false; break; }
      if (accepted.some((a) => a.s === oe.s && a.e === oe.e && a.text === oe.text) || mine.some((a) => a.s === oe.s && a.e === oe.e && a.text === oe.text)) continue;
      if ([...accepted, ...mine].some((a) => overlaps(a, oe))) { ok = false; break; }
      mine.push(oe);
    }
    if (ok) accepted.push(...mine);
  }
  if (accepted.length === 0) return undefined;
  const after = applyOffsetEdits(text, accepted);
  if (!parsesNoWorse(doc, after)) return undefined;
  return accepted.map((a) => ({ range: a.edit.range, newText: a.edit.newText }));
}

/** Two edits conflict if their ranges share text, or an insertion falls strictly inside a replacement. */
function overlaps(a: OffsetEdit, b: OffsetEdit): boolean {
  if (a.s === a.e && b.s === b.e) return false; // two insertions: both apply, in array order
  if (a.s === a.e) return b.s < a.s && a.s < b.e;
  if (b.s === b.e) return a.s < b.s && b.s < a.e;
  return a.s < b.e && b.s < a.e;
}

/** Apply non-overlapping edits; insertions at one offset keep their array order, before a replacement starting there. */
export function applyOffsetEdits(text: string, edits: Array<{ s: number; e: number; text: string }>): string {
  const order = edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.s - a.s || b.e - a.e || b.i - a.i);
  let out = text;
  for (const e of order) out = out.slice(0, e.s) + e.text + out.slice(e.e);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Syntax checks

let checkParser: Parser | undefined;

function parsesNoWorse(doc: PythonDocument, after: string): boolean {
  const before = doc.tree;
  if (!before) return false;
  checkParser ??= createParser();
  const tree = safeParse(checkParser, after);
  if (!tree) return false;
  try {
    return syntaxErrors(tree) <= syntaxErrors(before);
  } finally {
    tree.delete();
  }
}

// ---------------------------------------------------------------------------------------------------
// Disable for this line

const IGNORE_LIST = /#\s*framewise:\s*ignore\[([^\]]*)\]/i;

/**
 * The edit that suppresses `code` on `line`: append `  # framewise: ignore[CODE]` to the line, or add
 * the code to a `# framewise: ignore[...]` comment already ending it. Undefined where a comment cannot
 * go: the line ends inside a string that continues on the next line, or with a backslash
 * continuation.
 */
export function disableForLine(doc: PythonDocument, line: number, code: string): LspTextEdit[] | undefined {
  const tree = doc.tree;
  const starts = doc.lineStarts;
  if (!tree || line < 0 || line >= starts.length) return undefined;
  const text = doc.text;
  const lineStart = starts[line];
  let lineEnd = line + 1 < starts.length ? starts[line + 1] : text.length;
  while (lineEnd > lineStart && (text[lineEnd - 1] === '\n' || text[lineEnd - 1] === '\r')) lineEnd--;
  const lineText = text.slice(lineStart, lineEnd);
  const contentEnd = lineText.trimEnd().length;
  if (contentEnd === 0) return undefined;

  const lastChar = tree.rootNode.descendantForPosition({ row: line, column: contentEnd - 1 });
  const endsInComment = lastChar?.type === 'comment' && lastChar.startPosition.row === line;
  if (!endsInComment) {
    if (lineText[contentEnd - 1] === '\\') return undefined; // continuation: a comment would break it
    if (insideMultilineString(tree, line, contentEnd)) return undefined;
  }

  let edit: LspTextEdit;
  const existing = endsInComment && lastChar ? IGNORE_LIST.exec(lastChar.text) : null;
  if (existing && lastChar) {
    const codes = existing[1].split(',').map((c) => c.trim()).filter(Boolean);
    if (codes.some((c) => c.toUpperCase() === code)) return undefined; // already there (yet not suppressing: leave it)
    // Replace what follows the last code up to the closing bracket (spaces) with the new code.
    const bracket = lastChar.startPosition.column + existing.index + existing[0].length - 1;
    const listEnd = bracket - (existing[1].length - existing[1].trimEnd().length);
    const sep = codes.length === 0 ? '' : existing[1].trimEnd().endsWith(',') ? ' ' : ', ';
    edit = { range: { start: { line, character: listEnd }, end: { line, character: bracket } }, newText: `${sep}${code}` };
  } else {
    edit = { range: { start: { line, character: contentEnd }, end: { line, character: lineText.length } }, newText: `  # framewise: ignore[${code}]` };
  }
  return commentParses(doc, edit, line, code) ? [edit] : undefined;
}

/** Does a string that continues past `line` contain the end of the line's content? */
function insideMultilineString(tree: Tree, line: number, column: number): boolean {
  for (let n: Node | null = tree.rootNode.descendantForPosition({ row: line, column }); n; n = n.parent) {
    if ((n.type === 'string' || n.type === 'string_content') && n.startPosition.row <= line && n.endPosition.row > line) return true;
  }
  return false;
}

/**
 * Re-parse (incrementally) with the edit applied: the line must end in a comment carrying the code,
 * and the tree must have no more syntax errors than before.
 */
function commentParses(doc: PythonDocument, edit: LspTextEdit, line: number, code: string): boolean {
  const before = doc.tree;
  if (!before) return false;
  const { text, lineStarts: starts } = doc;
  const s = offsetAt(starts, text, edit.range.start);
  const e = offsetAt(starts, text, edit.range.end);
  const after = text.slice(0, s) + edit.newText + text.slice(e);
  const old = before.copy();
  try {
    const startPosition: Point = { row: line, column: edit.range.start.character };
    old.edit(new Edit({
      startIndex: s, oldEndIndex: e, newEndIndex: s + edit.newText.length,
      startPosition, oldEndPosition: { row: line, column: edit.range.end.character }, newEndPosition: { row: line, column: edit.range.start.character + edit.newText.length },
    }));
    checkParser ??= createParser();
    const tree = safeParse(checkParser, after, old);
    if (!tree) return false;
    try {
      const end = s + edit.newText.length - starts[line];
      const comment = tree.rootNode.descendantForPosition({ row: line, column: end - 1 });
      const ok = comment?.type === 'comment' && new RegExp(`framewise:\\s*ignore\\[[^\\]]*\\b${code}\\b`, 'i').test(comment.text);
      return ok && syntaxErrors(tree) <= syntaxErrors(before);
    } finally {
      tree.delete();
    }
  } finally {
    old.delete();
  }
}
