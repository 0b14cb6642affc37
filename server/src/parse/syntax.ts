/**
 * Whole-tree helpers that are safe on any tree: iterative (no recursion, so 100k-deep nesting is fine)
 * and careful with web-tree-sitter's native handles.
 *
 * A `TreeCursor` must be deleted explicitly. web-tree-sitter registers every cursor with a
 * FinalizationRegistry whose callback frees "the cursor in the shared transfer buffer", not the
 * collected one: a cursor left to the garbage collector frees whatever another cursor last put there,
 * which corrupts the WASM heap ("memory access out of bounds" in a later, unrelated parse). So every
 * cursor in Framewise is created here and deleted in a `finally`.
 */
import { Query, type Language, type Node, type Tree, type TreeCursor } from 'web-tree-sitter';
import { createParser, getLanguage, wasmRuntime } from './parser';
import { ERROR_TYPE_ID, FIELDS_ANY, FIELDS_NONE, makeShape, shapeOf, type Shape } from './shape';
import { languageAddress, MemoryLayoutError, readTables, rootStartBytes, rootSymbol, runtimeHeap, treeAddress, walkMemory, type LanguageTables } from './memory';

/** Visit every node under `root` (itself included) in pre-order. `visit` returns false to skip a node's children. */
export function preorder(root: Node, visit: (node: Node) => boolean | void): void {
  const cursor = root.walk();
  try {
    for (;;) {
      if (visit(cursor.currentNode) !== false && cursor.gotoFirstChild()) continue;
      for (;;) {
        if (cursor.gotoNextSibling()) break;
        if (!cursor.gotoParent()) return;
      }
    }
  } finally {
    cursor.delete();
  }
}

let errorQuery: Query | undefined;

/** ERROR and MISSING nodes in a tree: what "parses no worse" compares before and after an edit. */
export function syntaxErrors(tree: Tree): number {
  if (!tree.rootNode.hasError) return 0;
  errorQuery ??= new Query(getLanguage(), '(ERROR) @error (MISSING) @missing');
  return errorQuery.captures(tree.rootNode).length;
}

/** Per-node flags in a `FlatTree`. */
export const FLAG_NAMED = 1;
export const FLAG_MISSING = 2;
/** tree-sitter's type id of ERROR nodes (defined in shape.ts, with what the walk knows of each type). */
export { ERROR_TYPE_ID };

/**
 * A whole tree as columns, nodes numbered in pre-order (document order, a parent before its
 * children): what `mirror.ts` serves the analysis from, so that reading the tree costs one walk
 * instead of several WASM calls per property per node.
 */
export interface FlatTree {
  count: number;
  typeId: Uint16Array;
  /** UTF-16 offsets, as web-tree-sitter reports them for a tree parsed from a JS string */
  start: Uint32Array;
  end: Uint32Array;
  /** field id under the parent (0: none) */
  field: Uint16Array;
  /** parent's number (-1 for the root) */
  parent: Int32Array;
  /** the number after the node's last descendant */
  after: Int32Array;
  flags: Uint8Array;
  /** web-tree-sitter's `Node.id` of each node (only when asked for: tests map library nodes with it) */
  nodeId?: Uint32Array;
}

type WasmFn = (tree: number, arg?: number) => number;

/**
 * What the walk calls at the cursor, each taking the tree's handle: type id, start, end, field id,
 * node id, is-missing, first child, next sibling, parent (the moves answer 1 or 0), descendant index,
 * go to descendant (by index).
 */
interface CursorReader {
  fns: [WasmFn, WasmFn, WasmFn, WasmFn, WasmFn, WasmFn, WasmFn, WasmFn, WasmFn, WasmFn, WasmFn];
  handle: number;
  /** Leave the cursor's state where `cursor.delete()` expects it. */
  finish: () => void;
}

/**
 * The library's cursor methods copy the cursor into a shared transfer buffer, call the runtime and
 * copy it back, for every move and every property. The runtime's `_ts_tree_cursor_*_wasm` functions
 * read and write the cursor in that same buffer, so a walk that owns the buffer from start to end
 * (synchronously) can call them directly: about four times faster. The cursor walk (what `flatten`
 * and `splice` fall back on when the tree cannot be read out of memory, memory.ts) uses them when
 * the runtime object is at hand and has those functions; otherwise the library's cursor.
 */
function directReader(cursor: TreeCursor, tree: Tree): CursorReader | undefined {
  const rt = wasmRuntime() as Record<string, unknown> & { HEAP32?: Int32Array } | undefined;
  const fn = (name: string) => (rt && typeof rt[name] === 'function' ? rt[name] as WasmFn : undefined);
  const init = fn('_ts_init');
  const fns = [
    '_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_start_index_wasm', '_ts_tree_cursor_end_index_wasm',
    '_ts_tree_cursor_current_field_id_wasm', '_ts_tree_cursor_current_node_id_wasm',
    '_ts_tree_cursor_current_node_is_missing_wasm', '_ts_tree_cursor_goto_first_child_wasm', '_ts_tree_cursor_goto_next_sibling_wasm',
    '_ts_tree_cursor_goto_parent_wasm', '_ts_tree_cursor_current_descendant_index_wasm', '_ts_tree_cursor_goto_descendant_wasm',
  ].map(fn);
  const state = (cursor as unknown as Record<number, number>);
  const handle = (tree as unknown as Record<number, number>)[0];
  if (!rt || !init || fns.some((f) => !f) || !(rt.HEAP32 instanceof Int32Array) || typeof handle !== 'number') return undefined;
  transferBuffer ??= init(0);
  const at = transferBuffer >> 2;
  const heap = rt.HEAP32;
  for (let k = 0; k < 4; k++) heap[at + k] = state[k];
  return {
    fns: fns as CursorReader['fns'],
    handle,
    // The heap may have grown during the walk (the cursor's stack): read the view afresh.
    finish: () => { const h = rt.HEAP32!; for (let k = 0; k < 4; k++) state[k] = h[at + k]; },
  };
}
let transferBuffer: number | undefined;

function libraryReader(c: TreeCursor): CursorReader {
  return {
    fns: [
      () => c.nodeTypeId, () => c.startIndex, () => c.endIndex, () => c.currentFieldId, () => c.nodeId,
      () => (c.nodeIsMissing ? 1 : 0), () => (c.gotoFirstChild() ? 1 : 0), () => (c.gotoNextSibling() ? 1 : 0), () => (c.gotoParent() ? 1 : 0),
      () => c.currentDescendantIndex, (_t, i) => { c.gotoDescendant(i!); return 1; },
    ],
    handle: 0,
    finish: () => undefined,
  };
}

/** Run `body` with a reader over a fresh cursor of `tree`, deleting the cursor afterwards. */
function withReader<T>(tree: Tree, library: boolean, body: (reader: CursorReader) => T): T {
  const cursor = tree.walk();
  let reader: CursorReader | undefined;
  try {
    const direct = library ? undefined : directReader(cursor, tree);
    lastFlattenDirect = !!direct;
    reader = direct ?? libraryReader(cursor);
    return body(reader);
  } finally {
    reader?.finish();
    cursor.delete();
  }
}

/** The per-node columns of a `FlatTree` (`nodeId` aside). */
export const FLAT_COLUMNS = ['typeId', 'start', 'end', 'field', 'parent', 'after', 'flags'] as const;

type Column = FlatTree[(typeof FLAT_COLUMNS)[number]];

/** Copy nodes [from, to) of a column into another at `at`. */
function copyColumn(into: Column, from: Column, start: number, end: number, at: number): void {
  (into as Uint32Array).set((from as Uint32Array).subarray(start, end), at);
}

/**
 * Columns of a given size, all views of one buffer (four-byte columns first, so that each view is
 * aligned): one allocation instead of seven, which shows on small files.
 */
function allocate(size: number, ids: boolean, spare?: ArrayBuffer): FlatTree {
  const bytes = size * BYTES_PER_NODE;
  const buffer = spare && spare.byteLength >= bytes ? spare : new ArrayBuffer(spare ? bytes + (bytes >> 4) : bytes);
  // The columns are as long as the buffer has room for (the count is `FlatTree.count`): a buffer is
  // laid out the same whatever the count of the version written into it, so that a splice into the
  // buffer of an earlier version can keep what that version left there (`SpliceReuse`).
  const length = Math.floor(buffer.byteLength / BYTES_PER_NODE);
  let at = 0;
  const take = <T>(make: (b: ArrayBuffer, offset: number, length: number) => T, bytes: number): T => {
    const view = make(buffer, at, length);
    at += bytes * length;
    return view;
  };
  const start = take((b, o, n) => new Uint32Array(b, o, n), 4);
  const end = take((b, o, n) => new Uint32Array(b, o, n), 4);
  const parent = take((b, o, n) => new Int32Array(b, o, n), 4);
  const after = take((b, o, n) => new Int32Array(b, o, n), 4);
  const typeId = take((b, o, n) => new Uint16Array(b, o, n), 2);
  const field = take((b, o, n) => new Uint16Array(b, o, n), 2);
  const flags = take((b, o, n) => new Uint8Array(b, o, n), 1);
  return { count: 0, typeId, start, end, field, parent, after, flags, nodeId: ids ? new Uint32Array(size) : undefined };
}

/** Bytes per node of the columns `allocate` lays out in one buffer. */
const BYTES_PER_NODE = 4 * 4 + 2 * 2 + 1;

/**
 * The one buffer under all of `f`'s columns, when `allocate` made them (not grown since): what a
 * later `splice` can write its columns into once nothing reads `f` any more.
 */
export function bufferOf(f: FlatTree): ArrayBuffer | undefined {
  const b = f.start.buffer;
  return f.start.byteOffset === 0 && FLAT_COLUMNS.every((c) => f[c].buffer === b) && b instanceof ArrayBuffer ? b : undefined;
}

function grow(f: FlatTree): void {
  const size = f.typeId.length * 2;
  const g = <T extends Uint16Array | Uint32Array | Int32Array | Uint8Array>(a: T): T => { const b = new (a.constructor as new (n: number) => T)(size); b.set(a); return b; };
  for (const c of FLAT_COLUMNS) (f as unknown as Record<string, Column>)[c] = g(f[c]);
  if (f.nodeId) f.nodeId = g(f.nodeId);
}

/**
 * Walk the subtree at the cursor into `f` from number `n` on, its root's parent being `up`; returns
 * the number after it. Never moves the cursor above the subtree's root. What the types tell (`Shape`,
 * shape.ts) is not asked of the runtime: a child's field when its parent's type gives none, and, with
 * `exact` (a tree without syntax errors, so without MISSING tokens), an anonymous token's end and
 * children.
 */
function walkSubtree(reader: CursorReader, shape: Shape, f: FlatTree, n: number, up: number, exact: boolean): number {
  const [typeOf, startOf, endOf, fieldOf, idOf, missingOf, first, next, toParent] = reader.fns;
  const t = reader.handle;
  const { named, leafLength, fieldKinds } = shape;
  const top = n;
  walk: for (;;) {
    if (n === f.typeId.length) grow(f);
    const i = n++;
    const type = (f.typeId[i] = typeOf(t));
    const s = (f.start[i] = startOf(t));
    const length = exact ? leafLength[type] : 0;
    if (f.nodeId) f.nodeId[i] = idOf(t) >>> 0;
    f.parent[i] = up;
    const fields = up >= 0 ? fieldKinds[f.typeId[up]] : FIELDS_NONE;
    if (length !== 0) {
      // A token spelled as its type: a leaf, anonymous, never MISSING here.
      f.end[i] = s + length;
      f.field[i] = fields === FIELDS_ANY ? fieldOf(t) : 0;
      f.flags[i] = 0;
    } else {
      const e = (f.end[i] = endOf(t));
      f.field[i] = fields !== FIELDS_NONE ? fieldOf(t) : 0;
      // Only an empty node can be MISSING.
      f.flags[i] = (named[type] ? FLAG_NAMED : 0) | (s === e && missingOf(t) ? FLAG_MISSING : 0);
      if (first(t)) { up = i; continue; }
    }
    f.after[i] = n;
    if (i === top) break;
    while (!next(t)) {
      toParent(t);
      f.after[up] = n;
      if (up === top) break walk;
      up = f.parent[up];
    }
  }
  return n;
}

/** Whether `flatten` reads through the runtime directly (for the benchmark and tests). */
export let lastFlattenDirect = false;

/**
 * What the last `splice` wrote besides the statements it walked (tests, benchmark): the nodes of the
 * kept statements whose columns it copied from the last version, and those whose positions it moved
 * in place (`SpliceReuse`).
 */
export const lastSpliceWrites = { copied: 0, moved: 0 };

/** Whether the last `flatten` or `splice` read the tree out of the runtime's memory (memory.ts). */
export let lastWalkMemory = false;

/** How `flatten` and `splice` may read the tree; tests ask for the slower ways to compare them. */
export interface WalkOptions {
  /** the library's cursor methods (no direct calls into the runtime, no memory reads) */
  library?: boolean;
  /** the runtime's cursor functions, not its memory */
  cursor?: boolean;
}

/**
 * The tables for reading `language`'s trees out of memory, once they have passed the probe
 * (`probeMemoryWalk`); null when they cannot be read or did not pass.
 */
const memoryTables = new WeakMap<Language, LanguageTables | null>();

function memoryTablesFor(language: Language): LanguageTables | undefined {
  let tables = memoryTables.get(language);
  if (tables === undefined) {
    memoryTables.set(language, null);
    const heap = runtimeHeap();
    const address = languageAddress(language);
    const read = heap && address ? readTables(heap, address, language) : undefined;
    tables = read && probeMemoryWalk(language, read) ? read : null;
    memoryTables.set(language, tables);
  }
  return tables ?? undefined;
}

/** Whether trees of `language` are read out of memory (tests and the benchmark). */
export function memoryWalkAvailable(language: Language = getLanguage()): boolean {
  return !!memoryTablesFor(language);
}

/**
 * Python that exercises what the memory walk reads: fields given through hidden rules (a `block`'s
 * statements, a call's arguments), the grammar's aliases (`print` and `exec` as names, a case's
 * block, `with … as` targets, an f-string's format spec), `is not` and `not in`, extras (comments
 * inside expressions), strings with escapes and interpolation (an external scanner's tokens),
 * non-ASCII text and a character outside the BMP, decorators, `match`, a long repetition, Python 2
 * statements, and, in the second, ERROR and MISSING nodes.
 */
const MEMORY_PROBES = [
  [
    '# coding: utf-8', 'import torch.nn as nn, jax', 'from . import (a, b as c)', '@jax.jit', 'def f(x: "int" = 1, *a, k=2, **kw) -> int:',
    "    '''doc \\n ä 😀'''", '    y = x if x is not None else [i for i in a if i not in kw]  # tail', '    print(f"{y!r:>{k}} {x}\\t", end="")',
    '    return (y  # inner', '            + 1)', 'class C(nn.Module, metaclass=M):', '    async def g(self):', '        async with a as (b, c): await b',
    '        match self:', '            case [1, *rest] | {"k": _} if rest: pass', '            case C(x=1): del x', 'lambda *, z=0: z ** -1',
    `x = [${Array.from({ length: 300 }, (_, i) => i).join(', ')}]`, 'try:\n    pass\nexcept* (E, F) as e:\n    raise\nfinally:\n    ...', 'global q; nonlocal r',
    'print >> sys.stderr, "x"', 'exec "code"', 'type T[U] = list[U]', 'w = yield from z', 'for i, *j in k: continue', 'else_ = 1',
  ].join('\n') + '\n',
  ['def broken(:', '    x = (1, 2', '    return x +', 'class', 'if x', '    y = [1,, 2]', 'print("unterminated', 'z = {1: }', 'def ok(): pass', ''].join('\n'),
];

/** Walk the probes both ways and compare every column (see memory.ts). */
function probeMemoryWalk(language: Language, tables: LanguageTables): boolean {
  let parser;
  try {
    parser = createParser();
    if (parser.language !== language) return false;
    for (const source of MEMORY_PROBES) {
      const tree = parser.parse(source);
      if (!tree) return false;
      try {
        const a = flattenWithCursor(tree, false, true, shapeOf(language));
        const b = flattenFromMemory(tree, tables, shapeOf(language), true);
        if (!b || columnDifference(a, b) !== undefined) return false;
      } finally {
        tree.delete();
      }
    }
    return true;
  } catch {
    return false;
  } finally {
    parser?.delete();
  }
}

/**
 * The first difference between two flat trees, column by column (node ids too when both have them),
 * as a message; undefined when they hold the same nodes.
 */
export function columnDifference(a: FlatTree, b: FlatTree): string | undefined {
  if (a.count !== b.count) return `count ${a.count} ≠ ${b.count}`;
  for (const c of FLAT_COLUMNS) for (let i = 0; i < a.count; i++) if (a[c][i] !== b[c][i]) return `${c}[${i}]: ${a[c][i]} ≠ ${b[c][i]}`;
  if (a.nodeId && b.nodeId) for (let i = 0; i < a.count; i++) if (a.nodeId[i] !== b.nodeId[i]) return `nodeId[${i}]: ${a.nodeId[i]} ≠ ${b.nodeId[i]}`;
  return undefined;
}

function flattenWithCursor(tree: Tree, library: boolean, ids: boolean, shape: Shape, spare?: ArrayBuffer): FlatTree {
  const root = tree.rootNode;
  const exact = !root.hasError;
  const f = allocate(Math.max(1, root.descendantCount), ids, spare);
  f.count = withReader(tree, library, (reader) => walkSubtree(reader, shape, f, 0, -1, exact));
  return f;
}

/** The whole tree read out of memory; undefined when the memory did not read as a tree. */
function flattenFromMemory(tree: Tree, tables: LanguageTables, shape: Shape, ids: boolean, spare?: ArrayBuffer): FlatTree | undefined {
  const address = treeAddress(tree);
  const count = tree.rootNode.descendantCount;
  // After the last call into the runtime (a call that grows its memory replaces the views).
  const heap = runtimeHeap();
  if (!heap || !address) return undefined;
  const f = allocate(Math.max(1, count), ids, spare);
  try {
    f.count = walkMemory(heap, tables, shape.named, f, 0, -1, address,
      rootStartBytes(heap, address), tables.publicType[rootSymbol(heap, address)], 0, count);
  } catch (e) {
    if (e instanceof MemoryLayoutError) return undefined;
    throw e;
  }
  return f.count === count ? f : undefined;
}

/**
 * The whole tree in one walk (see `FlatTree`): out of the runtime's memory where that has passed
 * its probe (memory.ts), else with the runtime's cursor. Options for tests: `library` and `cursor`
 * (`WalkOptions`), `ids` records each node's `Node.id`, `plain` asks the cursor everything (no `Shape`).
 * `spare`: a buffer to lay the columns out in when it is big enough (`bufferOf` columns nothing reads
 * any more); a new one has room for a slightly bigger tree, to be passed back as `spare` next time.
 */
export function flatten(tree: Tree, options: WalkOptions & { ids?: boolean; plain?: boolean; spare?: ArrayBuffer } = {}): FlatTree {
  const language = tree.language;
  const tables = options.library || options.cursor || options.plain ? undefined : memoryTablesFor(language);
  if (tables) {
    const f = flattenFromMemory(tree, tables, shapeOf(language), !!options.ids, options.spare);
    lastWalkMemory = !!f;
    if (f) return f;
    // Memory that did not read as the tree the runtime reports: never again for this language.
    memoryTables.set(language, null);
  }
  lastWalkMemory = false;
  // Named or anonymous is a property of the (alias) symbol: asked once per type, not per node.
  return flattenWithCursor(tree, !!options.library, !!options.ids, options.plain ? makeShape(language, undefined) : shapeOf(language), options.spare);
}

/** The module's children as the tree's walk numbers them: where each starts in the columns, its type and span. */
export interface TopLevel {
  /** node number of each child, then the total node count */
  index: Int32Array;
  typeId: Uint16Array;
  start: Uint32Array;
  end: Uint32Array;
  /** 1 when the child's subtree has no ERROR or MISSING node (only such children are kept by `splice`) */
  clean: Uint8Array;
  /** the root's own type and span */
  rootTypeId: number;
  rootStart: number;
  rootEnd: number;
}

/** The top level of a flattened tree. */
export function topLevelOf(f: FlatTree): TopLevel {
  const kids: number[] = [];
  for (let c = 1; c < f.count; c = f.after[c]) kids.push(c);
  const top = { index: new Int32Array(kids.length + 1), clean: new Uint8Array(kids.length), typeId: new Uint16Array(kids.length), start: new Uint32Array(kids.length), end: new Uint32Array(kids.length), rootTypeId: f.typeId[0], rootStart: f.start[0], rootEnd: f.end[0] };
  kids.forEach((c, k) => {
    top.index[k] = c; top.typeId[k] = f.typeId[c]; top.start[k] = f.start[c]; top.end[k] = f.end[c];
    top.clean[k] = isClean(f, c, f.after[c]) ? 1 : 0;
  });
  top.index[kids.length] = f.count;
  return top;
}

/** Whether nodes [from, to) hold no ERROR or MISSING node. */
function isClean(f: FlatTree, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (f.typeId[i] === ERROR_TYPE_ID || (f.flags[i] & FLAG_MISSING) !== 0) return false;
  return true;
}

/** The top level of a tree, read with the cursor without descending (a few hundred moves, not a walk). */
function topLevelOfTree(reader: CursorReader, count: number): TopLevel {
  const [typeOf, startOf, endOf, , , , first, next, toParent, indexOf] = reader.fns;
  const t = reader.handle;
  const rootTypeId = typeOf(t);
  const rootStart = startOf(t);
  const rootEnd = endOf(t);
  const index: number[] = [];
  const typeId: number[] = [];
  const start: number[] = [];
  const end: number[] = [];
  if (first(t)) {
    do {
      index.push(indexOf(t)); typeId.push(typeOf(t)); start.push(startOf(t)); end.push(endOf(t));
    } while (next(t));
    toParent(t);
  }
  index.push(count);
  return { index: Int32Array.from(index), clean: new Uint8Array(typeId.length), typeId: Uint16Array.from(typeId), start: Uint32Array.from(start), end: Uint32Array.from(end), rootTypeId, rootStart, rootEnd };
}

/** What `splice` kept and what it walked afresh: top-level children [0, prefix) and the last `suffix` are the old ones. */
export interface Splice {
  flat: FlatTree;
  top: TopLevel;
  prefix: number;
  suffix: number;
  /** old → new offset shift of the suffix */
  delta: number;
  /**
   * How the new columns relate to the old ones (`SpliceReuse`): for the splice after the next one,
   * and for the new tree's numbers of types (`SyntaxTree.keepNumbers`).
   */
  reuse: SpliceReuse;
}

/**
 * How a version's columns relate to those of the version it was spliced from: its nodes [0,
 * `prefixEnd`) are that version's, and its nodes from `toSuffix` on are that version's from
 * `fromSuffix` on, their offsets moved by `delta`. A splice into the buffer of the older version
 * (two versions back, as MirrorCache recycles) keeps what is already right there: typing in one
 * statement copies no column of the statements before it, and after a character typed and deleted
 * the statements after it are in place too.
 */
export interface SpliceReuse {
  prefixEnd: number;
  fromSuffix: number;
  toSuffix: number;
  delta: number;
  /** the older version's node count */
  count: number;
}

const EMPTY_BUFFER = new ArrayBuffer(0);

/** Characters compared at a time by `commonPrefix` / `commonSuffix` before narrowing down. */
const COMPARE_CHUNK = 2048;

/**
 * The length of the longest common prefix of `a` and `b`. Chunk by chunk first (equality of two
 * slices is a native comparison; a character loop over a 200 KB text was a tenth of a keystroke's
 * analysis), then character by character within the first chunk that differs.
 */
export function commonPrefix(a: string, b: string): number {
  const min = Math.min(a.length, b.length);
  let p = 0;
  while (p + COMPARE_CHUNK <= min && a.slice(p, p + COMPARE_CHUNK) === b.slice(p, p + COMPARE_CHUNK)) p += COMPARE_CHUNK;
  while (p < min && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  return p;
}

/** The length of the longest common suffix of `a` and `b`, at most `max`. */
export function commonSuffix(a: string, b: string, max: number): number {
  let q = 0;
  while (q + COMPARE_CHUNK <= max && a.slice(a.length - q - COMPARE_CHUNK, a.length - q) === b.slice(b.length - q - COMPARE_CHUNK, b.length - q)) q += COMPARE_CHUNK;
  while (q < max && a.charCodeAt(a.length - 1 - q) === b.charCodeAt(b.length - 1 - q)) q++;
  return q;
}

/**
 * The columns of `tree` (parsed from `text`) made from those of an earlier version (`old`, of
 * `oldText`): top-level statements whose text did not change are copied (shifted when they follow the
 * edit), and only the others are walked. A statement counts as unchanged when it lies wholly in the
 * text the two versions share at their start (or end), with the character next to it, has no syntax
 * error, and has the same type, span (shifted) and node count in both trees. (Error recovery can
 * parse the same broken text differently depending on what follows it, so broken statements are
 * walked.) Undefined when the numbering does not line up that way (the caller walks the whole tree).
 * `options.spare`: a buffer to write the new columns into when it is big enough (`bufferOf` an older
 * version's columns that nothing reads any more).
 */
export function splice(old: { flat: FlatTree; top: TopLevel; text: string }, tree: Tree, text: string,
  options: WalkOptions & { spare?: ArrayBuffer; reuse?: SpliceReuse } = {}): Splice | undefined {
  const oldText = old.text;
  const P = commonPrefix(oldText, text);
  const Q = commonSuffix(oldText, text, Math.min(oldText.length, text.length) - P);
  const delta = text.length - oldText.length;
  const shape = shapeOf(tree.language);
  const root = tree.rootNode;
  const count = root.descendantCount;
  const exact = !root.hasError;
  const language = tree.language;
  const tables = options.library || options.cursor ? undefined : memoryTablesFor(language);
  lastWalkMemory = !!tables;
  return withReader(tree, !!options.library, (reader) => {
    const top = topLevelOfTree(reader, count);
    const o = old.top;
    const oldN = o.typeId.length;
    const newN = top.typeId.length;
    const oldCount = old.flat.count;
    const sameSize = (a: number, b: number) => o.index[a + 1] - o.index[a] === top.index[b + 1] - top.index[b];
    let p = 0;
    while (p < oldN && p < newN && o.clean[p] && o.end[p] < P && o.typeId[p] === top.typeId[p] && o.start[p] === top.start[p] &&
      o.end[p] === top.end[p] && sameSize(p, p)) p++;
    let q = 0;
    while (q < oldN - p && q < newN - p) {
      const a = oldN - 1 - q;
      const b = newN - 1 - q;
      if (!(o.clean[a] && o.start[a] > oldText.length - Q && o.typeId[a] === top.typeId[b] && o.start[a] + delta === top.start[b] &&
        o.end[a] + delta === top.end[b] && sameSize(a, b))) break;
      q++;
    }
    const prefixEnd = o.index[p];
    const oldSuffix = o.index[oldN - q];
    const newSuffix = top.index[newN - q];
    if (count - newSuffix !== oldCount - oldSuffix) return undefined;
    const shift = newSuffix - oldSuffix;
    const of = old.flat;
    // Into `spare` when given and big enough (a new buffer then has room for the file to grow a bit).
    const f = allocate(Math.max(1, count), false, options.spare ?? EMPTY_BUFFER);
    // What the spare buffer already holds, when it is the older version `options.reuse` describes.
    const reuse = options.reuse && options.spare && bufferOf(f) === options.spare ? options.reuse : undefined;
    // The kept suffix first (the older version's may lie where the prefix and the middle go), then
    // the kept prefix, then the middle.
    lastSpliceWrites.copied = 0;
    lastSpliceWrites.moved = 0;
    if (reuse && oldSuffix >= reuse.toSuffix) {
      // Old node j (from `toSuffix` on) is the older version's j - s; new node k is old k - shift.
      const s = reuse.toSuffix - reuse.fromSuffix;
      const from = oldSuffix - s;
      const totalShift = shift + s;
      const totalDelta = delta + reuse.delta;
      if (totalShift !== 0) for (const c of FLAT_COLUMNS) f[c].copyWithin(newSuffix, from, reuse.count);
      const fs = f.start, fe = f.end, fp = f.parent, fa = f.after;
      if (totalShift !== 0 || totalDelta !== 0) lastSpliceWrites.moved = count - newSuffix;
      if (totalShift !== 0) {
        for (let i = newSuffix; i < count; i++) {
          fs[i] += totalDelta;
          fe[i] += totalDelta;
          const par = fp[i];
          if (par !== 0) fp[i] = par + totalShift;
          fa[i] += totalShift;
        }
      } else if (totalDelta !== 0) {
        for (let i = newSuffix; i < count; i++) {
          fs[i] += totalDelta;
          fe[i] += totalDelta;
        }
      }
    } else {
      lastSpliceWrites.copied = count - newSuffix;
      for (const c of ['typeId', 'field', 'flags'] as const) copyColumn(f[c], of[c], oldSuffix, oldCount, newSuffix);
      const os = of.start, oe = of.end, op = of.parent, oa = of.after;
      if (shift === 0) {
        // As many nodes as before (a keystroke within a name): the numbers stay, only offsets move.
        copyColumn(f.parent, op, oldSuffix, oldCount, newSuffix);
        copyColumn(f.after, oa, oldSuffix, oldCount, newSuffix);
        for (let i = oldSuffix; i < oldCount; i++) {
          f.start[i] = os[i] + delta;
          f.end[i] = oe[i] + delta;
        }
      } else {
        for (let i = oldSuffix, j = newSuffix; i < oldCount; i++, j++) {
          f.start[j] = os[i] + delta;
          f.end[j] = oe[i] + delta;
          const par = op[i];
          f.parent[j] = par === 0 ? 0 : par + shift;
          f.after[j] = oa[i] + shift;
        }
      }
    }
    // The root, then the kept prefix as it was: with `reuse`, only what the older version did not share.
    const kept = reuse ? Math.max(1, Math.min(prefixEnd, reuse.prefixEnd)) : 0;
    for (const c of FLAT_COLUMNS) copyColumn(f[c], of[c], kept, prefixEnd, kept);
    lastSpliceWrites.copied += Math.max(0, prefixEnd - kept);
    f.field[0] = of.field[0];
    f.flags[0] = of.flags[0];
    f.typeId[0] = top.rootTypeId;
    f.start[0] = top.rootStart;
    f.end[0] = top.rootEnd;
    f.parent[0] = -1;
    f.after[0] = count;
    // The changed middle, walked from the new tree.
    const [typeOf, startOf, , fieldOf, idOf, , , , , , goto] = reader.fns;
    const t = reader.handle;
    let n = prefixEnd;
    top.clean.set(o.clean.subarray(0, p));
    for (let k = p; k < newN - q; k++) {
      if (top.index[k] !== n) return undefined;
      goto(t, n);
      const from = n;
      if (tables) {
        // The statement read out of memory from its node (its `Node.id` is the address of its
        // `Subtree`), with the type and field the cursor gives it there. The heap's views are taken
        // after the last call into the runtime (a call that grows its memory replaces them).
        const slot = idOf(t) >>> 0, startBytes = startOf(t) * 2, type = typeOf(t), field = fieldOf(t);
        const heap = runtimeHeap();
        try {
          if (!heap) throw new MemoryLayoutError('no heap');
          n = walkMemory(heap, tables, shape.named, f, n, 0, slot, startBytes, type, field, count);
        } catch (e) {
          if (!(e instanceof MemoryLayoutError)) throw e;
          memoryTables.set(language, null);
          return undefined;
        }
      } else {
        n = walkSubtree(reader, shape, f, n, 0, exact);
      }
      top.clean[k] = isClean(f, from, n) ? 1 : 0;
    }
    top.clean.set(o.clean.subarray(oldN - q), newN - q);
    if (n !== newSuffix) return undefined;
    f.count = count;
    return { flat: f, top, prefix: p, suffix: q, delta, reuse: { prefixEnd, fromSuffix: oldSuffix, toSuffix: newSuffix, delta, count: oldCount } };
  });
}


