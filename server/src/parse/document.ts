/**
 * A Python document kept in sync with its tree-sitter tree. Changes are applied incrementally
 * (`tree.edit` + re-parse with the old tree). Positions are LSP positions: zero-based line and
 * UTF-16 code-unit character, which is also what web-tree-sitter reports for JS strings.
 */
import { Edit, type Parser, type Tree, type Point } from 'web-tree-sitter';
import { createParser, parserReady, safeParse } from './parser';
import { lineStarts, positionAt, type Position } from './lines';

export { lineStarts, positionAt, type Position };

export interface Range { start: Position; end: Position }
export interface ContentChange { range?: Range; text: string }

/** Why a document is not analysed (shown to the user). */
export type SkipReason = { kind: 'too-large' | 'binary' | 'parse-failed'; message: string };

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;


/**
 * Line starts of `newText`, the old text with [start, oldEnd) replaced by `insertedLength` characters,
 * from the old text's `starts`: lines before the change keep their starts, lines after it move by the
 * change in length, and only the changed stretch is scanned, from the start of the line holding the
 * character before the change (a CR there may join or leave a CRLF). Equal to `lineStarts(newText)`.
 */
export function editLineStarts(starts: number[], newText: string, start: number, oldEnd: number, insertedLength: number): number[] {
  const delta = insertedLength - (oldEnd - start);
  // The line holding the character before the change: the last start <= start - 1.
  const first = positionAt(starts, Math.max(0, start - 1)).line;
  // Old starts after the change (s - 1 >= oldEnd: the break before them is unchanged) stay starts.
  let lo = first + 1;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] > oldEnd) hi = mid;
    else lo = mid + 1;
  }
  const kept = lo;
  const stop = kept < starts.length ? starts[kept] + delta : newText.length + 1;
  const changed: number[] = [];
  for (let i = starts[first]; i < newText.length; i++) {
    const c = newText.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    if (c === 13 && newText.charCodeAt(i + 1) === 10) i++;
    if (i + 1 >= stop) break;
    changed.push(i + 1);
  }
  // Made at its final length (pushing 5,000 starts one by one regrew the array every keystroke).
  const out = new Array<number>(first + 1 + changed.length + starts.length - kept);
  let o = 0;
  for (let j = 0; j <= first; j++) out[o++] = starts[j];
  for (const s of changed) out[o++] = s;
  for (let j = kept; j < starts.length; j++) out[o++] = starts[j] + delta;
  return out;
}

/**
 * Offset of an LSP position. A character past the end of the line means the end of the line, before
 * its line break (LSP: "defaults back to the line length"), never a place on the next line.
 */
export function offsetAt(starts: number[], text: string, pos: Position): number {
  if (pos.line < 0) return 0;
  if (pos.line >= starts.length) return text.length;
  const lineStart = starts[pos.line];
  let lineEnd = pos.line + 1 < starts.length ? starts[pos.line + 1] : text.length;
  if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 10) lineEnd--;
  if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
  return Math.min(lineStart + Math.max(0, pos.character), lineEnd);
}


/**
 * Tree-sitter point of an offset. Tree-sitter counts only '\n' as a line break, but the parser is given
 * lone CRs as '\n' (`parserText`), so its rows are LSP lines and its columns LSP characters.
 */
function pointAt(starts: number[], offset: number): Point {
  const p = positionAt(starts, offset);
  return { row: p.line, column: p.character };
}

function looksBinary(text: string): boolean {
  // NUL characters do not occur in Python source; invalid UTF-8 decodes to U+FFFD.
  const sample = text.length > 65536 ? text.slice(0, 65536) : text;
  if (sample.includes('\u0000')) return true;
  // Counted with indexOf (a native scan): this runs on every keystroke, and most text has none.
  let bad = 0;
  for (let i = sample.indexOf('\ufffd'); i >= 0; i = sample.indexOf('\ufffd', i + 1)) bad++;
  return bad > 8 && bad > sample.length / 100;
}

export class PythonDocument {
  private parser: Parser | undefined;
  private _text: string;
  private _starts: number[];
  private _tree: Tree | undefined;
  private dirty = true;
  private _skip: SkipReason | undefined;

  /** `parser`: one to use instead of a parser of its own (kept by the caller: `dispose` leaves it). */
  constructor(
    readonly uri: string,
    public version: number,
    text: string,
    private readonly maxBytes = DEFAULT_MAX_FILE_BYTES,
    private readonly sharedParser?: Parser,
  ) {
    this._text = text;
    this._starts = lineStarts(text);
  }

  get text(): string { return this._text; }
  get lineStarts(): number[] { return this._starts; }

  /** Apply LSP content changes in order; a change without range replaces the whole text. */
  applyChanges(changes: ContentChange[], version: number): void {
    for (const change of changes) {
      if (!change.range) {
        this._text = change.text;
        this._starts = lineStarts(this._text);
        this._tree?.delete();
        this._tree = undefined;
        continue;
      }
      let startIndex = offsetAt(this._starts, this._text, change.range.start);
      const oldEndIndex = Math.max(startIndex, offsetAt(this._starts, this._text, change.range.end));
      const newText = this._text.slice(0, startIndex) + change.text + this._text.slice(oldEndIndex);
      const newStarts = editLineStarts(this._starts, newText, startIndex, oldEndIndex, change.text.length);
      if (this._tree) {
        const newEndIndex = startIndex + change.text.length;
        // A CR just before the change is a line break of its own or half of a CRLF depending on the
        // character after it, so the parser's view of it ('\n' or '\r') may change: include it.
        if (startIndex > 0 && this._text.charCodeAt(startIndex - 1) === 13) startIndex--;
        const startPosition = pointAt(this._starts, startIndex);
        const oldEndPosition = pointAt(this._starts, oldEndIndex);
        const newEndPosition = pointAt(newStarts, newEndIndex);
        try {
          this._tree.edit(new Edit({ startIndex, oldEndIndex, newEndIndex, startPosition, oldEndPosition, newEndPosition }));
        } catch {
          this.dropTree(); // the text stays right; the next parse starts afresh
        }
      }
      this._text = newText;
      this._starts = newStarts;
    }
    this.version = version;
    this.dirty = true;
  }

  /** Why analysis is skipped, if it is. */
  get skipReason(): SkipReason | undefined {
    this.ensureParsed();
    return this._skip;
  }

  /** The current tree (re-parsed incrementally if the text changed), or undefined if skipped. */
  get tree(): Tree | undefined {
    this.ensureParsed();
    return this._tree;
  }

  private ensureParsed(): void {
    // Before the runtime is loaded (a request that arrives while the server starts) there is no tree
    // yet; the document stays unparsed, not "parsed to nothing", and the next read after
    // `initParser()` parses it.
    if (!this.dirty || !parserReady()) return;
    this.dirty = false;
    this._skip = undefined;
    const bytes = Buffer.byteLength(this._text, 'utf8');
    if (bytes > this.maxBytes) {
      this.dropTree();
      const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
      this._skip = { kind: 'too-large', message: `Framewise skipped this file: ${mb(bytes)} MB is over the ${mb(this.maxBytes)} MB limit (setting framewise.maxFileSize).` };
      return;
    }
    if (looksBinary(this._text)) {
      this.dropTree();
      this._skip = { kind: 'binary', message: 'Framewise skipped this file: it contains NUL or undecodable bytes, so it is not Python source.' };
      return;
    }
    const parser = this.sharedParser ?? (this.parser ??= createParser());
    const tree = safeParse(parser, this._text, this._tree);
    if (!tree) {
      this.dropTree();
      this._skip = { kind: 'parse-failed', message: 'Framewise skipped this file: the parser gave up on it (time budget exceeded).' };
      return;
    }
    if (this._tree && this._tree !== tree) this._tree.delete();
    this._tree = tree;
  }

  private dropTree(): void {
    this._tree?.delete();
    this._tree = undefined;
  }

  dispose(): void {
    this.dropTree();
    this.parser?.delete();
    this.parser = undefined;
  }
}
