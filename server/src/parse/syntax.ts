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
import { getLanguage, wasmRuntime } from './parser';

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
/** tree-sitter's type id of ERROR nodes. */
export const ERROR_TYPE_ID = 0xffff;

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

type WasmFn = (tree: number) => number;

/**
 * What the walk calls at the cursor, each taking the tree's handle: type id, start, end, field id,
 * node id, is-missing, first child, next sibling, parent (the moves answer 1 or 0).
 */
interface CursorReader {
  fns: [WasmFn, WasmFn, WasmFn, WasmFn, WasmFn, WasmFn, WasmFn, WasmFn, WasmFn];
  handle: number;
  /** Leave the cursor's state where `cursor.delete()` expects it. */
  finish: () => void;
}

/**
 * The library's cursor methods copy the cursor into a shared transfer buffer, call the runtime and
 * copy it back, for every move and every property. The runtime's `_ts_tree_cursor_*_wasm` functions
 * read and write the cursor in that same buffer, so a walk that owns the buffer from start to end
 * (synchronously) can call them directly: about four times faster. Used when the runtime object is
 * at hand and has those functions; otherwise the library's cursor.
 */
function directReader(cursor: TreeCursor, tree: Tree): CursorReader | undefined {
  const rt = wasmRuntime() as Record<string, unknown> & { HEAP32?: Int32Array } | undefined;
  const fn = (name: string) => (rt && typeof rt[name] === 'function' ? rt[name] as WasmFn : undefined);
  const init = fn('_ts_init');
  const fns = [
    '_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_start_index_wasm', '_ts_tree_cursor_end_index_wasm',
    '_ts_tree_cursor_current_field_id_wasm', '_ts_tree_cursor_current_node_id_wasm',
    '_ts_tree_cursor_current_node_is_missing_wasm', '_ts_tree_cursor_goto_first_child_wasm', '_ts_tree_cursor_goto_next_sibling_wasm',
    '_ts_tree_cursor_goto_parent_wasm',
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
    ],
    handle: 0,
    finish: () => undefined,
  };
}

const namedByLanguage = new WeakMap<Language, Uint8Array>();

/** 1 for each named type id of the language (ERROR included). */
function namedTypes(language: Language): Uint8Array {
  let table = namedByLanguage.get(language);
  if (!table) {
    table = new Uint8Array(0x10000);
    for (let id = 0; id < language.types.length; id++) table[id] = language.nodeTypeIsNamed(id) ? 1 : 0;
    table[ERROR_TYPE_ID] = 1;
    namedByLanguage.set(language, table);
  }
  return table;
}

/** Whether `flatten` reads through the runtime directly (for the benchmark and tests). */
export let lastFlattenDirect = false;

/**
 * The whole tree in one walk (see `FlatTree`). Options for tests: `library` walks with the library's
 * cursor, `ids` records each node's `Node.id`.
 */
export function flatten(tree: Tree, options: { library?: boolean; ids?: boolean } = {}): FlatTree {
  const forceLibrary = !!options.library;
  const language = tree.language;
  // Named or anonymous is a property of the (alias) symbol: asked once per type, not per node.
  const named = namedTypes(language);
  let size = Math.max(1, tree.rootNode.descendantCount);
  let typeId = new Uint16Array(size);
  let start = new Uint32Array(size);
  let end = new Uint32Array(size);
  let field = new Uint16Array(size);
  let parent = new Int32Array(size);
  let after = new Int32Array(size);
  let flags = new Uint8Array(size);
  let nodeId = options.ids ? new Uint32Array(size) : undefined;
  const grow = () => {
    size *= 2;
    const g = <T extends Uint16Array | Uint32Array | Int32Array | Uint8Array>(a: T): T => { const b = new (a.constructor as new (n: number) => T)(size); b.set(a); return b; };
    typeId = g(typeId); start = g(start); end = g(end); field = g(field); parent = g(parent); after = g(after); flags = g(flags); if (nodeId) nodeId = g(nodeId);
  };
  let n = 0;
  const cursor = tree.walk();
  let reader: CursorReader | undefined;
  try {
    const direct = forceLibrary ? undefined : directReader(cursor, tree);
    lastFlattenDirect = !!direct;
    reader = direct ?? libraryReader(cursor);
    const [typeOf, startOf, endOf, fieldOf, idOf, missingOf, first, next, toParent] = reader.fns;
    const t = reader.handle;
    let up = -1;
    walk: for (;;) {
      if (n === size) grow();
      const i = n++;
      const type = (typeId[i] = typeOf(t));
      const s = (start[i] = startOf(t));
      const e = (end[i] = endOf(t));
      field[i] = fieldOf(t);
      if (nodeId) nodeId[i] = idOf(t) >>> 0;
      parent[i] = up;
      // Only an empty node can be MISSING.
      flags[i] = (named[type] ? FLAG_NAMED : 0) | (s === e && missingOf(t) ? FLAG_MISSING : 0);
      if (first(t)) { up = i; continue; }
      after[i] = n;
      while (!next(t)) {
        if (!toParent(t)) break walk;
        after[up] = n;
        up = parent[up];
      }
    }
  } finally {
    reader?.finish();
    cursor.delete();
  }
  return { count: n, typeId, start, end, field, parent, after, flags, nodeId };
}
