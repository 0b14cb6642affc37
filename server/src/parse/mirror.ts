/**
 * The syntax tree as plain JavaScript: one walk over a web-tree-sitter tree (`flatten`) gives columns
 * of numbers, and `SyntaxNode` objects, made on each use, answer from them. The analysis (facts,
 * rules, translation) reads nodes through this instead of the library's `Node`, whose every property
 * read copies the node into WASM memory and calls into it: on a 5,000-line file that was most of the
 * analysis time. The API is the subset of web-tree-sitter's `Node` the analysis uses, with the same
 * meanings (tests compare the two on real code), so rules read as they would against the library.
 *
 * A `SyntaxTree` is a snapshot: it stays valid after the web-tree-sitter tree it came from is edited
 * or deleted.
 */
import type { Language, Point, Tree } from 'web-tree-sitter';
import { parserText } from './parser';
import { lineStarts, positionAt } from './lines';
import { ERROR_TYPE_ID, FLAG_MISSING, FLAG_NAMED, bufferOf, flatten, splice, topLevelOf, type FlatTree, type Splice, type SpliceReuse, type TopLevel } from './syntax';

/** The buffer of `SyntaxTree.numbersOfTypes(…, true)`: as long as the longest tree analysed, plus an eighth. */
let numbersScratch = new Int32Array(0);

export class SyntaxTree {
  readonly text: string;
  private flat: FlatTree;
  private readonly types: string[];
  private readonly fieldIds: Record<string, number>;
  private readonly fieldNames: Array<string | null>;
  private readonly typeIds: Map<string, number[]>;
  private lines: number[] | undefined;
  private byNodeId: Map<number, number> | undefined;
  /** Node number of each top-level statement, then the node count (`topLevel`). */
  private tops: Int32Array | undefined;
  /**
   * Set by MirrorCache on a spliced tree: the version it was made from, and its numbering against
   * that one's (numbers below `prefix` the same, those from `oldSuffix` on moved to `newSuffix`).
   */
  private origin: { from: SyntaxTree; prefix: number; oldSuffix: number; newSuffix: number } | undefined;
  /**
   * A tree from a MirrorCache keeps its last `numbersOfTypes(…, true)` (the type table asked for and
   * the numbers, in a buffer of its own): the next version's are then mostly copied (`origin`).
   */
  private kept: { wanted: Uint8Array; numbers: Int32Array } | undefined;
  /** The buffer for `kept`, when this tree keeps its numbers (a retired version's, or a new one). */
  private keepInto: Int32Array | undefined;

  /**
   * `source` is the text the tree was parsed from, before `parserText` (positions and offsets agree).
   * `lines`: the source's line starts when the caller has them (a document keeps them up to date
   * across edits); they are those of the parser's text too, and scanning 5,000 lines again for them
   * costs a few percent of a keystroke's analysis.
   */
  constructor(tree: Tree, source: string, flat: FlatTree = flatten(tree), lines?: number[]) {
    this.flat = flat;
    this.text = parserText(source);
    this.lines = lines;
    const names = namesOf(tree.language);
    this.types = names.types;
    this.fieldNames = names.fieldNames;
    this.fieldIds = names.fieldIds;
    this.typeIds = names.typeIds;
  }

  /**
   * Stop reading the columns (MirrorCache writes a later version into their buffer): a column read of
   * this tree then gives undefined (types read as ERROR), never a node of another version.
   */
  retire(): void {
    this.flat = RETIRED;
    this.origin = undefined;
    this.kept = undefined;
  }

  /**
   * For MirrorCache: this tree keeps its numbers (`numbersOfTypes(…, true)`) in `buffer` (when it is
   * long enough) for the next version; with `origin`, it was spliced from that version.
   */
  keepNumbers(buffer: Int32Array, origin?: { from: SyntaxTree; prefix: number; oldSuffix: number; newSuffix: number }): void {
    this.keepInto = buffer;
    this.origin = origin;
  }

  /** Take the buffer a retired tree kept its numbers in (MirrorCache hands it to a new version). */
  takeNumbersBuffer(): Int32Array | undefined {
    const buffer = this.keepInto;
    this.keepInto = undefined;
    return buffer;
  }

  /** For MirrorCache: the top level, as the splice or the walk found it (`topLevel`). */
  setTopLevel(tops: Int32Array): void {
    this.tops = tops;
  }

  /** Node number of each top-level statement (the root's children), then the node count. */
  topLevel(): Int32Array {
    if (!this.tops) {
      const kids: number[] = [];
      for (let c = 1; c < this.flat.count; c = this.flat.after[c]) kids.push(c);
      kids.push(this.flat.count);
      this.tops = Int32Array.from(kids);
    }
    return this.tops;
  }

  /** The columns themselves (tests compare them). */
  get columns(): FlatTree { return this.flat; }

  /** Number of nodes (the root included). */
  get count(): number { return this.flat.count; }

  get rootNode(): SyntaxNode { return this.node(0); }

  /**
   * The node numbered `i` (pre-order): a new object on every call, as web-tree-sitter makes a new
   * `Node` on every read. Nodes are told apart by `id` (or `equals`), never by `===`. Kept, one object
   * per node, every node an analysis touched lived until it ended, and each young-generation scavenge
   * copied them: on the 50,000-line benchmark file, a fifth of the analysis time. Made afresh, most
   * die young, where collecting them costs nothing.
   */
  node(i: number): SyntaxNode {
    return new SyntaxNode(this, i);
  }

  // ---- columns, for SyntaxNode and for whole-tree scans ------------------------------------------

  typeIdOf(i: number): number { return this.flat.typeId[i]; }
  typeOf(i: number): string { return this.types[this.flat.typeId[i]] || 'ERROR'; }
  startOf(i: number): number { return this.flat.start[i]; }
  endOf(i: number): number { return this.flat.end[i]; }
  parentOf(i: number): number { return this.flat.parent[i]; }
  /** The number after node i's last descendant. */
  afterOf(i: number): number { return this.flat.after[i]; }
  fieldOf(i: number): number { return this.flat.field[i]; }
  isNamed(i: number): boolean { return (this.flat.flags[i] & FLAG_NAMED) !== 0; }
  isMissing(i: number): boolean { return (this.flat.flags[i] & FLAG_MISSING) !== 0; }
  fieldId(name: string): number | undefined {
    const id = this.fieldIds[name];
    return typeof id === 'number' ? id : undefined;
  }
  fieldName(id: number): string | null { return id ? this.fieldNames[id] ?? null : null; }
  /** Number of type ids of the language (ERROR's 0xffff aside). */
  get typeCount(): number { return this.types.length; }
  /** The text of node i. */
  textOf(i: number): string { return this.text.slice(this.flat.start[i], this.flat.end[i]); }
  /**
   * The number of the first child of node i in the named field, -1 if none: `childForFieldName`
   * without a node object (rules ask it of every call, and the objects were a tenth of what an
   * analysis allocated).
   */
  fieldChild(i: number, name: string): number {
    const f = this.fieldId(name);
    return f === undefined ? -1 : this.childInField(i, f);
  }
  /** The number of node i's first child in the field (as `childForFieldName`), -1 when none. */
  childInField(i: number, field: number): number {
    const f = this.flat;
    for (let c = i + 1, end = f.after[i]; c < end; c = f.after[c]) if (f.field[c] === field) return c;
    return -1;
  }
  /**
   * The number of the last node (in pre-order) that starts at or before `offset`, -1 when none:
   * where a token starting at `offset` is, if one does. Pre-order numbers nested spans, so starts
   * never decrease with the number: a binary search.
   */
  lastStartingBy(offset: number): number {
    const start = this.flat.start;
    let lo = 0;
    let hi = this.flat.count - 1;
    if (hi < 0 || start[0] > offset) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (start[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  /** Type ids with this name (named and anonymous). */
  typeIdsFor(name: string): number[] { return this.typeIds.get(name) ?? []; }

  /** Offsets where lines start, made once per tree (the same as `lineStarts` of the source: lone CRs end lines there too). */
  lineStarts(): number[] { return (this.lines ??= lineStarts(this.text)); }

  /**
   * Row and UTF-16 column of an offset, as tree-sitter reports them: it counts '\n' only, and in the
   * parser's text (lone CRs made '\n') those lines are the LSP lines.
   */
  position(offset: number): Point {
    const p = positionAt(this.lineStarts(), offset);
    return { row: p.line, column: p.character };
  }

  /**
   * The named nodes of the given types, in document order (a parent before its children): what a
   * query of `(type) @type` patterns captures.
   */
  nodesOfTypes(types: Iterable<string>): SyntaxNode[] {
    const ids = this.numbersOfTypes(types);
    const out: SyntaxNode[] = new Array(ids.length);
    for (let k = 0; k < ids.length; k++) out[k] = this.node(ids[k]);
    return out;
  }

  /**
   * The numbers of the named nodes of the given types, in document order (no node objects). With
   * `scratch`, in a buffer overwritten by the next such call (the analysis: it reads them until it
   * ends, and a new buffer the length of the tree on every keystroke was memory outside the heap that
   * V8 counts towards starting a full collection): a tree of a MirrorCache its own (`keepNumbers`),
   * any other one shared by all trees.
   */
  numbersOfTypes(types: Iterable<string>, scratch = false): Int32Array {
    const wanted = this.typeTable(types);
    const { count } = this.flat;
    if (scratch && this.keepInto) {
      // A tree of a MirrorCache: into its own buffer, kept for the next version.
      if (this.keepInto.length < count) this.keepInto = new Int32Array(count + (count >> 3));
      const out = this.keepInto;
      const from = this.origin?.from.kept;
      const n = from && sameTable(from.wanted, wanted) ? this.numbersFrom(from.numbers, wanted, out) : this.scan(wanted, out, 0, count, 0);
      const numbers = out.subarray(0, n);
      this.kept = { wanted, numbers };
      return numbers;
    }
    if (scratch && numbersScratch.length < count) numbersScratch = new Int32Array(count + (count >> 3));
    const out = scratch ? numbersScratch : new Int32Array(count);
    return out.subarray(0, this.scan(wanted, out, 0, count, 0));
  }

  /** Numbers [from, to) of the named nodes whose type `wanted` has, written into `out` from `n`; returns the new `n`. */
  private scan(wanted: Uint8Array, out: Int32Array, from: number, to: number, n: number): number {
    const errorSlot = wanted.length - 1;
    const { typeId, flags } = this.flat;
    for (let i = from; i < to; i++) {
      const t = typeId[i];
      if (wanted[t === ERROR_TYPE_ID ? errorSlot : t] && (flags[i] & FLAG_NAMED) !== 0) out[n++] = i;
    }
    return n;
  }

  /**
   * `numbersOfTypes` from the numbers the version this was spliced from had for the same types: those
   * of the kept statements before the edit copied, those after it moved, the statements between scanned.
   */
  private numbersFrom(old: Int32Array, wanted: Uint8Array, out: Int32Array): number {
    const { prefix, oldSuffix, newSuffix } = this.origin!;
    // The root afresh (a splice gives it the new tree's type), then the kept statements before the edit.
    let n = this.scan(wanted, out, 0, 1, 0);
    const first = old.length > 0 && old[0] === 0 ? 1 : 0;
    const head = firstAtOrAfter(old, prefix);
    out.set(old.subarray(first, head), n);
    n += head - first;
    n = this.scan(wanted, out, Math.max(1, prefix), newSuffix, n);
    const tail = firstAtOrAfter(old, oldSuffix);
    const dN = newSuffix - oldSuffix;
    if (dN === 0) {
      out.set(old.subarray(tail), n);
      n += old.length - tail;
    } else {
      for (let k = tail; k < old.length; k++) out[n++] = old[k] + dN;
    }
    return n;
  }

  /**
   * 1 at every type id of the given names, ERROR's (0xffff) in the last slot (an array of 65,536
   * would cost more to allocate than the analysis of a small file).
   */
  typeTable(types: Iterable<string>): Uint8Array {
    const errorSlot = this.types.length;
    const wanted = new Uint8Array(errorSlot + 1);
    for (const name of types) for (const id of this.typeIdsFor(name)) wanted[id === ERROR_TYPE_ID ? errorSlot : id] = 1;
    return wanted;
  }

  /** The node of this tree for a web-tree-sitter node of the tree it was made from (by `Node.id`; tests). */
  fromTreeNode(node: { id: number } | null): SyntaxNode | null {
    if (!node) return null;
    if (!this.byNodeId) {
      this.byNodeId = new Map();
      const ids = this.flat.nodeId;
      if (!ids) throw new Error('SyntaxTree: made without node ids (flatten(tree, { ids: true }))');
      for (let i = this.flat.count - 1; i >= 0; i--) this.byNodeId.set(ids[i], i);
    }
    const i = this.byNodeId.get(node.id >>> 0);
    return i === undefined ? null : this.node(i);
  }
}

/**
 * The mirror of one document across its versions: keeps the columns of the last version mirrored
 * (typed arrays, no node objects) so that the next version re-walks only the top-level statements an
 * edit touched and copies the others (`splice` in syntax.ts). One per document being edited.
 */
export class MirrorCache {
  private last: { flat: FlatTree; top: TopLevel; text: string; syntax: SyntaxTree } | undefined;
  /** With `recycle`: the version before the last one, whose columns the next splice writes over. */
  private spare: { buffer: ArrayBuffer; syntax: SyntaxTree; reuse: SpliceReuse | undefined } | undefined;
  /** How the last mirror was made (tests, benchmark): undefined when the whole tree was walked. */
  lastSplice: Splice | undefined;

  /**
   * `recycle`: a splice writes its columns into the buffer of the version before the last one, which
   * is then retired (`SyntaxTree.retire`). Each version's columns were a megabyte and a half of new
   * memory outside the heap per keystroke on a 5,000-line file, and that much memory allocated
   * outside the heap makes V8 collect the young generation early: most scavenges during keystrokes
   * came from it. The price is a promise from the caller: a `SyntaxTree` this returned is read no
   * more once `mirror` has been called twice after it (IncrementalAnalysis keeps only the last one).
   */
  constructor(private readonly options: { recycle?: boolean } = {}) {}

  mirror(tree: Tree, source: string, lines?: number[]): SyntaxTree {
    const text = parserText(source);
    const spare = this.spare;
    this.spare = undefined;
    if (spare) spare.syntax.retire();
    const spliced = this.last ? splice(this.last, tree, text, { spare: spare?.buffer, reuse: spare?.reuse }) : undefined;
    this.lastSplice = spliced;
    const flat = spliced?.flat ?? flatten(tree);
    const before = this.last;
    const buffer = this.options.recycle && before ? bufferOf(before.flat) : undefined;
    // The last version's buffer, for the splice after the next one, with how the new version relates to it.
    if (buffer && before) this.spare = { buffer, syntax: before.syntax, reuse: spliced?.reuse };
    const syntax = new SyntaxTree(tree, source, flat, lines);
    const top = spliced?.top ?? topLevelOf(flat);
    // The node numbers the splice kept (`SpliceReuse`): the new tree's numbers of types are mostly
    // copied from the last one's.
    const kept = spliced?.reuse;
    const origin = kept && before ? { from: before.syntax, prefix: kept.prefixEnd, oldSuffix: kept.fromSuffix, newSuffix: kept.toSuffix } : undefined;
    syntax.setTopLevel(top.index);
    if (this.options.recycle) syntax.keepNumbers(spare?.syntax.takeNumbersBuffer() ?? new Int32Array(0), origin);
    this.last = { flat, top, text, syntax };
    return syntax;
  }

  /** Forget the last version (the next mirror walks the whole tree). */
  clear(): void { this.last = undefined; this.lastSplice = undefined; this.spare = undefined; }
}

/** The columns of a retired tree: none. */
const RETIRED: FlatTree = { count: 0, typeId: new Uint16Array(0), start: new Uint32Array(0), end: new Uint32Array(0), field: new Uint16Array(0), parent: new Int32Array(0), after: new Int32Array(0), flags: new Uint8Array(0) };

interface LanguageNames { types: string[]; fieldNames: Array<string | null>; fieldIds: Record<string, number>; typeIds: Map<string, number[]> }
const languageNames = new WeakMap<Language, LanguageNames>();

/** A grammar's type and field names both ways, made once per language. */
function namesOf(language: Language): LanguageNames {
  let names = languageNames.get(language);
  if (!names) {
    // A plain object, not a Map: rules look field ids up by name for most nodes they visit, and a
    // keyed load of a constant name is cheaper than Map.get. Its prototype's keys are not numbers
    // (see fieldId).
    const fieldIds: Record<string, number> = {};
    language.fields.forEach((name, id) => { if (name) fieldIds[name] = id; });
    const typeIds = new Map<string, number[]>();
    language.types.forEach((name, id) => {
      if (!name) return;
      const ids = typeIds.get(name);
      if (ids) ids.push(id);
      else typeIds.set(name, [id]);
    });
    typeIds.set('ERROR', [ERROR_TYPE_ID]);
    names = { types: language.types, fieldNames: language.fields, fieldIds, typeIds };
    languageNames.set(language, names);
  }
  return names;
}


/**
 * A node of a `SyntaxTree`; the same names and meanings as web-tree-sitter's `Node`. Two fields and
 * nothing remembered: `children`, `namedChildren` and `text` are made on each read, as the library
 * makes them, and the counts and indexed children are read from the columns without an array. Kept
 * on the node (as this class once did), they went wherever a node was kept: a long-lived node (the
 * facts keep every call, assignment value and container) held its children and their arrays with it,
 * which each scavenge copied, and every node was 60 % larger.
 */
export class SyntaxNode {
  constructor(readonly tree: SyntaxTree, readonly id: number) {}

  get typeId(): number { return this.tree.typeIdOf(this.id); }
  get type(): string { return this.tree.typeOf(this.id); }
  get isNamed(): boolean { return this.tree.isNamed(this.id); }
  get isMissing(): boolean { return this.tree.isMissing(this.id); }
  get isError(): boolean { return this.tree.typeIdOf(this.id) === ERROR_TYPE_ID; }
  get startIndex(): number { return this.tree.startOf(this.id); }
  get endIndex(): number { return this.tree.endOf(this.id); }
  get startPosition(): Point { return this.tree.position(this.tree.startOf(this.id)); }
  get endPosition(): Point { return this.tree.position(this.tree.endOf(this.id)); }
  get text(): string {
    return this.tree.text.slice(this.tree.startOf(this.id), this.tree.endOf(this.id));
  }

  get parent(): SyntaxNode | null {
    const p = this.tree.parentOf(this.id);
    return p < 0 ? null : this.tree.node(p);
  }

  get children(): SyntaxNode[] {
    const t = this.tree;
    const kids: SyntaxNode[] = [];
    for (let c = this.id + 1, end = t.afterOf(this.id); c < end; c = t.afterOf(c)) kids.push(t.node(c));
    return kids;
  }

  get namedChildren(): SyntaxNode[] {
    // From the columns: no objects for the punctuation and keywords between them.
    const t = this.tree;
    const named: SyntaxNode[] = [];
    for (let c = this.id + 1, end = t.afterOf(this.id); c < end; c = t.afterOf(c)) if (t.isNamed(c)) named.push(t.node(c));
    return named;
  }

  get childCount(): number { return this.countChildren(false); }
  get namedChildCount(): number { return this.countChildren(true); }
  child(index: number): SyntaxNode | null { return this.nthChild(index, false); }
  namedChild(index: number): SyntaxNode | null { return this.nthChild(index, true); }
  get firstChild(): SyntaxNode | null { return this.nthChild(0, false); }
  get lastChild(): SyntaxNode | null { return this.lastOf(false); }
  get firstNamedChild(): SyntaxNode | null { return this.nthChild(0, true); }
  get lastNamedChild(): SyntaxNode | null { return this.lastOf(true); }

  private countChildren(named: boolean): number {
    const t = this.tree;
    let n = 0;
    for (let c = this.id + 1, end = t.afterOf(this.id); c < end; c = t.afterOf(c)) if (!named || t.isNamed(c)) n++;
    return n;
  }

  private nthChild(index: number, named: boolean): SyntaxNode | null {
    if (index < 0) return null;
    const t = this.tree;
    for (let c = this.id + 1, end = t.afterOf(this.id); c < end; c = t.afterOf(c)) {
      if (named && !t.isNamed(c)) continue;
      if (index-- === 0) return t.node(c);
    }
    return null;
  }

  private lastOf(named: boolean): SyntaxNode | null {
    const t = this.tree;
    let last = -1;
    for (let c = this.id + 1, end = t.afterOf(this.id); c < end; c = t.afterOf(c)) if (!named || t.isNamed(c)) last = c;
    return last < 0 ? null : t.node(last);
  }

  /** The first child in the field (a field on a hidden node is reported on its visible children, as tree-sitter does). */
  childForFieldName(name: string): SyntaxNode | null {
    const c = this.tree.fieldChild(this.id, name);
    return c < 0 ? null : this.tree.node(c);
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    const f = this.tree.fieldId(name);
    if (f === undefined) return [];
    return this.children.filter((c) => this.tree.fieldOf(c.id) === f);
  }

  /** Field name of the node under its parent, if any. */
  get fieldName(): string | null {
    return this.tree.fieldName(this.tree.fieldOf(this.id));
  }

  /** The node itself and its descendants of the given types, in document order. */
  descendantsOfType(types: string | string[]): SyntaxNode[] {
    const t = this.tree;
    const ids = new Set((typeof types === 'string' ? [types] : types).flatMap((n) => t.typeIdsFor(n)));
    const out: SyntaxNode[] = [];
    for (let i = this.id, end = t.afterOf(this.id); i < end; i++) if (ids.has(t.typeIdOf(i))) out.push(t.node(i));
    return out;
  }

  /** Smallest named node spanning [start, end], as tree-sitter's `namedDescendantForIndex`. */
  namedDescendantForIndex(start: number, end = start): SyntaxNode | null { return this.descendantFor(start, end, true); }
  /** Smallest node spanning [start, end], as tree-sitter's `descendantForIndex`. */
  descendantForIndex(start: number, end = start): SyntaxNode | null { return this.descendantFor(start, end, false); }

  private descendantFor(rangeStart: number, rangeEnd: number, namedOnly: boolean): SyntaxNode | null {
    if (rangeStart > rangeEnd) return null;
    const t = this.tree;
    let node = this.id;
    let last = this.id;
    for (let descended = true; descended;) {
      descended = false;
      for (let c = node + 1, end = t.afterOf(node); c < end; c = t.afterOf(c)) {
        const cEnd = t.endOf(c);
        const cStart = t.startOf(c);
        // It must reach the end of the range, and pass its start (or, when empty, touch it)…
        if (cEnd < rangeEnd) continue;
        if (cStart === cEnd ? cEnd < rangeStart : cEnd <= rangeStart) continue;
        // …and begin at or before the start.
        if (rangeStart < cStart) break;
        node = c;
        if (!namedOnly || t.isNamed(c)) last = c;
        descended = true;
        break;
      }
    }
    return t.node(last);
  }

  equals(other: SyntaxNode | null | undefined): boolean {
    return !!other && other.tree === this.tree && other.id === this.id;
  }

  toString(): string { return `(${this.type} ${this.startIndex}-${this.endIndex})`; }
}

/** Visit every node under `root` (itself included) in pre-order; `visit` returns false to skip a node's children. */
export function preorderSyntax(root: SyntaxNode, visit: (node: SyntaxNode) => boolean | void): void {
  const t = root.tree;
  for (let i = root.id, end = t.afterOf(root.id); i < end;) {
    i = visit(t.node(i)) === false ? t.afterOf(i) : i + 1;
  }
}

/** The place in `numbers` (ascending), from `from` on, of the first number at or after `value`. */
export function firstAtOrAfter(numbers: ArrayLike<number>, value: number, from = 0): number {
  let lo = from;
  let hi = numbers.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (numbers[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sameTable(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
