/**
 * A Python document kept in sync with its tree-sitter tree. Changes are applied incrementally
 * (`tree.edit` + re-parse with the old tree). Positions are LSP positions: zero-based line and
 * UTF-16 code-unit character, which is also what web-tree-sitter reports for JS strings.
 */
import { Edit, Node as TSNode, Tree as TSTree, type Parser, type Tree, type Point } from 'web-tree-sitter';
import { createParser, safeParse } from './parser';

/**
 * Memoised node properties. Each read of `type`, `endIndex`, `endPosition`, `text`, `parent` or a
 * field child on a web-tree-sitter Node copies the node into WASM memory, calls into WASM and builds
 * new JS objects; the analysis reads the same properties of the same nodes many times (facts, then
 * every rule), and those crossings were most of its time. A tree never changes once parsed
 * (`Tree.edit` leaves already-created Node objects as they were, and `Node.edit` drops the memo), so
 * the first answer is kept on the Node object. Field children are memoised too, so asking twice for
 * `call.childForFieldName('function')` returns the same Node object.
 */
interface NodeMemo {
  /** children / namedChildren arrays already made canonical */
  kids: number;
  type: string | undefined;
  typeId: number;
  endIndex: number;
  endRow: number;
  endColumn: number;
  text: string | undefined;
  parent: TSNode | null | undefined;
  fields: Array<TSNode | null | undefined> | undefined;
}
type MemoNode = TSNode & { _fwMemo?: NodeMemo };
type MemoTree = Tree & { _fwNodes?: Map<number, TSNode> };
let memoOf: ((n: MemoNode) => NodeMemo) | undefined;

/** Drop the tree's node registry (the nodes stay valid; later reads start a new one). */
export function forgetNodes(tree: Tree): void {
  (tree as MemoTree)._fwNodes = undefined;
}

/** Record a node's type when the caller knows it (a capture of a `(type) @type` pattern), saving a WASM call. */
export function knownNodeType(node: TSNode, type: string): void {
  if (memoOf) memoOf(node).type ??= type;
}

/**
 * The one Node object for a node of a tree (ids are unique within a tree), so that its memo is shared
 * by every path that reaches it: a capture, a parent link, a field child, a child list.
 */
export function canonicalNode<N extends TSNode | null>(node: N): N {
  if (!node) return node;
  const tree = node.tree as MemoTree;
  const nodes = (tree._fwNodes ??= new Map());
  const known = nodes.get(node.id);
  if (known) return known as N;
  nodes.set(node.id, node);
  return node;
}

function installNodeMemo(): void {
  const proto = TSNode.prototype as unknown as Record<string, unknown> & { _fwInstalled?: boolean };
  if (proto._fwInstalled) return;
  const getter = (name: string) => Object.getOwnPropertyDescriptor(proto, name)?.get;
  const typeId = getter('typeId');
  const endIndex = getter('endIndex');
  const endPosition = getter('endPosition');
  const text = getter('text');
  const parent = getter('parent');
  const childForFieldId = proto.childForFieldId as ((id: number) => TSNode | null) | undefined;
  const edit = proto.edit as ((e: Edit) => void) | undefined;
  const children = getter('children');
  const namedChildren = getter('namedChildren');
  const treeProto = TSTree.prototype as unknown as { edit?: (e: Edit) => void };
  const treeEdit = treeProto.edit;
  // A web-tree-sitter version with a different Node shape: leave it alone (correct, only slower).
  if (!typeId || !endIndex || !endPosition || !text || !parent || !childForFieldId || !edit || !children || !namedChildren || !treeEdit) return;
  proto._fwInstalled = true;
  proto._fwMemo = undefined;
  const memo = (n: MemoNode): NodeMemo =>
    (n._fwMemo ??= { kids: 0, type: undefined, typeId: -1, endIndex: -1, endRow: -1, endColumn: -1, text: undefined, parent: undefined, fields: undefined });
  memoOf = memo;
  const define = (name: string, get: (this: MemoNode) => unknown) => Object.defineProperty(proto, name, { get, configurable: true, enumerable: false });
  define('typeId', function () {
    const m = memo(this);
    if (m.typeId < 0) m.typeId = typeId.call(this) as number;
    return m.typeId;
  });
  define('type', function () {
    const m = memo(this);
    return (m.type ??= this.tree.language.types[this.typeId] || 'ERROR');
  });
  define('endIndex', function () {
    const m = memo(this);
    if (m.endIndex < 0) m.endIndex = endIndex.call(this) as number;
    return m.endIndex;
  });
  define('endPosition', function () {
    const m = memo(this);
    if (m.endRow < 0) {
      const p = endPosition.call(this) as Point;
      m.endRow = p.row;
      m.endColumn = p.column;
    }
    return { row: m.endRow, column: m.endColumn };
  });
  define('text', function () {
    const m = memo(this);
    return (m.text ??= text.call(this) as string);
  });
  define('parent', function () {
    const m = memo(this);
    if (m.parent === undefined) m.parent = canonicalNode(parent.call(this) as TSNode | null);
    return m.parent;
  });
  // The library keeps these arrays on the node; their elements are made canonical once.
  const canonicalKids = (get: () => unknown, bit: number) => function (this: MemoNode) {
    const list = get.call(this) as Array<TSNode | null>;
    const m = memo(this);
    if (!(m.kids & bit)) {
      m.kids |= bit;
      for (let i = 0; i < list.length; i++) list[i] = canonicalNode(list[i]);
    }
    return list;
  };
  define('children', canonicalKids(children, 1));
  define('namedChildren', canonicalKids(namedChildren, 2));
  proto.childForFieldId = function (this: MemoNode, fieldId: number): TSNode | null {
    const m = memo(this);
    const fields = (m.fields ??= []);
    let child = fields[fieldId];
    if (child === undefined) child = fields[fieldId] = canonicalNode(childForFieldId.call(this, fieldId));
    return child;
  };
  proto.edit = function (this: MemoNode, e: Edit): void {
    this._fwMemo = undefined;
    edit.call(this, e);
  };
  // Nodes read from an edited tree have new positions: they must not be answered from the registry.
  treeProto.edit = function (this: MemoTree, e: Edit): void {
    this._fwNodes = undefined;
    treeEdit.call(this, e);
  };
}
installNodeMemo();

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface ContentChange { range?: Range; text: string }

/** Why a document is not analysed (shown to the user). */
export type SkipReason = { kind: 'too-large' | 'binary' | 'parse-failed'; message: string };

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

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
  const out = starts.slice(0, first + 1);
  for (let i = starts[first]; i < newText.length; i++) {
    const c = newText.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    if (c === 13 && newText.charCodeAt(i + 1) === 10) i++;
    if (i + 1 >= stop) break;
    out.push(i + 1);
  }
  for (let j = kept; j < starts.length; j++) out.push(starts[j] + delta);
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

export function positionAt(starts: number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
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
  let bad = 0;
  for (let i = 0; i < sample.length; i++) if (sample.charCodeAt(i) === 0xfffd) bad++;
  return bad > 8 && bad > sample.length / 100;
}

export class PythonDocument {
  private parser: Parser | undefined;
  private _text: string;
  private _starts: number[];
  private _tree: Tree | undefined;
  private dirty = true;
  private _skip: SkipReason | undefined;

  constructor(
    readonly uri: string,
    public version: number,
    text: string,
    private readonly maxBytes = DEFAULT_MAX_FILE_BYTES,
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
    if (!this.dirty) return;
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
    this.parser ??= createParser();
    const tree = safeParse(this.parser, this._text, this._tree);
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
