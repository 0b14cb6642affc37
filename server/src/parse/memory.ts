/**
 * Reading a tree straight out of the runtime's linear memory, for the mirror walk (syntax.ts).
 *
 * The cursor walk makes two or three calls into WASM per node to move and two to five to read, and
 * those calls were 60–65 % of the walk. Here the walk reads tree-sitter's own structures instead,
 * in JS, the way its tree cursor does:
 *
 * - A `Subtree` is 8 bytes: either a leaf packed inline (the lowest bit of its first byte set) or a
 *   pointer to heap data, whose children are the `Subtree`s stored just before it.
 * - A child is visible when its own flag says so or its parent's production gives it an alias; an
 *   invisible child with visible children (a hidden rule, a repetition) is looked through.
 * - A node starts where the previous child ended plus its own padding (the first child starts
 *   where its parent does); it ends at its start plus its size.
 * - A child's field comes from its parent's production (the language's field map at the child's
 *   index among the non-extra children), or, for a child of a hidden node, the hidden node's own.
 * - Type ids are the language's public symbols (an alias's, when there is one).
 *
 * The layouts are tree-sitter's: `TSLanguage` is the grammar ABI's (15 here, fixed by the
 * generated parser), `Subtree` and its heap data the runtime's (web-tree-sitter 0.27). Neither is a
 * public interface, so nothing is taken on trust: the language's numbers are checked against what
 * the library reports (ABI version, symbol and field counts, every field's name), and before the
 * first walk syntax.ts (`probeMemoryWalk`) walks probe files both ways, the cursor's and this, and
 * compares every column of every node (types, spans, fields, parents, flags, node ids), on a clean
 * tree and on one with ERROR and MISSING nodes. Any difference, or a later walk that meets memory
 * not shaped like a tree (`MemoryLayoutError`), and the walk stays with the cursor.
 */
import type { Language, Tree } from 'web-tree-sitter';
import { wasmRuntime } from './parser';
import type { FlatTree } from './syntax';

/** The runtime's views of its memory (read afresh at each walk: they are replaced when memory grows). */
interface Heap {
  u8: Uint8Array;
  u16: Uint16Array;
  u32: Uint32Array;
}

/** A language's tables, copied out of its `TSLanguage` once. */
export interface LanguageTables {
  /** internal symbol → public type id (ERROR, 0xffff, to itself) */
  publicType: Uint16Array;
  /** `production * width + child index` → the alias's public type id, 0 for none */
  alias: Uint16Array;
  /** `production * width + child index` → field id (not inherited), 0 for none */
  field: Uint16Array;
  width: number;
  productions: number;
}

/** tree-sitter's symbol of ERROR nodes. */
const SYM_ERROR = 0xffff;

// `TSLanguage` (ABI 15) on wasm32: byte offsets of the fields read here.
const LANG_ABI = 0;
const LANG_SYMBOL_COUNT = 4;
const LANG_ALIAS_COUNT = 8;
const LANG_PRODUCTION_ID_COUNT = 28;
const LANG_FIELD_COUNT = 32;
const LANG_MAX_ALIAS_SEQUENCE_LENGTH = 36;
const LANG_FIELD_NAMES = 60;
const LANG_FIELD_MAP_SLICES = 64;
const LANG_FIELD_MAP_ENTRIES = 68;
const LANG_PUBLIC_SYMBOL_MAP = 76;
const LANG_ALIAS_SEQUENCES = 84;

// A `Subtree` packed inline: byte 0 holds the flags (bit 0: inline, 3: extra, 5: missing), byte 1
// the symbol, byte 6 the padding's bytes, byte 7 the size's.
const INLINE = 1;
const INLINE_VISIBLE = 2;
const INLINE_EXTRA = 8;
const INLINE_MISSING = 0x20;
// Heap data: byte offsets.
const HEAP_PADDING_BYTES = 4;
const HEAP_SIZE_BYTES = 16;
const HEAP_CHILD_COUNT = 36;
const HEAP_SYMBOL = 40;
/** flags: bit 0 visible, 2 extra */
const HEAP_FLAGS = 44;
/** flags: bit 1 missing */
const HEAP_FLAGS2 = 45;
const HEAP_VISIBLE_CHILD_COUNT = 48;
const HEAP_PRODUCTION_ID = 66;
const SUBTREE_BYTES = 8;

function heapOf(rt: Record<string, unknown>): Heap | undefined {
  const u8 = rt.HEAPU8, u16 = rt.HEAPU16, u32 = rt.HEAPU32;
  return u8 instanceof Uint8Array && u16 instanceof Uint16Array && u32 instanceof Uint32Array ? { u8, u16, u32 } : undefined;
}

function cString(heap: Heap, at: number): string {
  let end = at;
  while (end < heap.u8.length && heap.u8[end] !== 0) end++;
  return Buffer.from(heap.u8.buffer, heap.u8.byteOffset + at, end - at).toString('latin1');
}

/**
 * The tables of `language`, read from its `TSLanguage` at `address`, or undefined when what is there
 * does not agree with what the library reports of the language.
 */
export function readTables(heap: Heap, address: number, language: Language): LanguageTables | undefined {
  const { u8, u16, u32 } = heap;
  const word = (offset: number) => u32[(address + offset) >>> 2];
  if (address <= 0 || address % 4 !== 0 || address + 128 > u8.length) return undefined;
  const symbols = word(LANG_SYMBOL_COUNT);
  const aliases = word(LANG_ALIAS_COUNT);
  const productions = word(LANG_PRODUCTION_ID_COUNT);
  const fieldCount = word(LANG_FIELD_COUNT);
  const maxAlias = u16[(address + LANG_MAX_ALIAS_SEQUENCE_LENGTH) >>> 1];
  if (word(LANG_ABI) !== language.abiVersion || word(LANG_ABI) !== 15 || symbols + aliases !== language.nodeTypeCount ||
    fieldCount !== language.fieldCount || productions > 0xffff) return undefined;
  const inHeap = (p: number, bytes: number) => p > 0 && p + bytes <= u8.length;
  const names = word(LANG_FIELD_NAMES);
  const slices = word(LANG_FIELD_MAP_SLICES);
  const entries = word(LANG_FIELD_MAP_ENTRIES);
  const publicMap = word(LANG_PUBLIC_SYMBOL_MAP);
  const sequences = word(LANG_ALIAS_SEQUENCES);
  if (!inHeap(publicMap, 2 * (symbols + aliases))) return undefined;
  if (fieldCount > 0 && !(inHeap(names, 4 * (fieldCount + 1)) && inHeap(slices, 4 * productions))) return undefined;
  // Every field's name as the library has it.
  for (let id = 1; id <= fieldCount; id++) {
    const p = u32[(names >>> 2) + id];
    if (!inHeap(p, 1) || cString(heap, p) !== language.fields[id]) return undefined;
  }
  // The field map: per production, a slice of (field id, child index, inherited) entries.
  let entryCount = 0;
  let width = maxAlias;
  for (let p = 0; p < productions && fieldCount > 0; p++) {
    const index = u16[(slices >>> 1) + 2 * p], length = u16[(slices >>> 1) + 2 * p + 1];
    entryCount = Math.max(entryCount, index + length);
  }
  if (entryCount > 0 && !inHeap(entries, 4 * entryCount)) return undefined;
  for (let e = 0; e < entryCount; e++) width = Math.max(width, u8[entries + 4 * e + 2] + 1);
  if (maxAlias > 0 && !inHeap(sequences, 2 * productions * maxAlias)) return undefined;
  const publicType = new Uint16Array(0x10000);
  for (let s = 0; s < 0x10000; s++) publicType[s] = s;
  for (let s = 0; s < symbols + aliases; s++) publicType[s] = u16[(publicMap >>> 1) + s];
  publicType[SYM_ERROR] = SYM_ERROR;
  const alias = new Uint16Array(productions * width);
  const field = new Uint16Array(productions * width);
  for (let p = 1; p < productions; p++) {
    for (let c = 0; c < maxAlias; c++) {
      const a = u16[(sequences >>> 1) + p * maxAlias + c];
      if (a !== 0) alias[p * width + c] = publicType[a];
    }
  }
  for (let p = 0; p < productions && fieldCount > 0; p++) {
    const index = u16[(slices >>> 1) + 2 * p], length = u16[(slices >>> 1) + 2 * p + 1];
    for (let e = index; e < index + length; e++) {
      const at = entries + 4 * e;
      const id = u16[at >>> 1], child = u8[at + 2], inherited = u8[at + 3];
      if (inherited || id === 0 || id > fieldCount) continue;
      // The first entry for a child index wins, as in the cursor's lookup.
      if (field[p * width + child] === 0) field[p * width + child] = id;
    }
  }
  return { publicType, alias, field, width, productions };
}

/** Thrown when the tree in memory does not look like a tree (the caller walks with the cursor). */
export class MemoryLayoutError extends Error {}

/** Per-level stacks of the walk, kept between walks (grown as needed). */
let stackPtr = new Uint32Array(256);
let stackCount = new Uint32Array(256);
let stackChild = new Uint32Array(256);
let stackStructural = new Uint32Array(256);
let stackPos = new Uint32Array(256);
let stackProduction = new Uint32Array(256);
let stackNumber = new Int32Array(256);
/** for a hidden level: its own field (what a child without one of its own inherits), else -1 */
let stackHidden = new Int32Array(256);

function growStacks(): void {
  const g = <T extends Uint32Array | Int32Array>(a: T): T => { const b = new (a.constructor as new (n: number) => T)(a.length * 2); b.set(a); return b; };
  stackPtr = g(stackPtr); stackCount = g(stackCount); stackChild = g(stackChild); stackStructural = g(stackStructural);
  stackPos = g(stackPos); stackProduction = g(stackProduction); stackNumber = g(stackNumber); stackHidden = g(stackHidden);
}

/**
 * Open level `depth` of the walk: the `kids` children of the heap subtree at `ptr`, which starts at
 * `start` (bytes), under visible node `number`; `hidden` is the level's own field when it is a
 * hidden node, -1 when it is the visible node itself.
 */
function openLevel(u16: Uint16Array, productions: number, depth: number, ptr: number, kids: number, start: number, number: number, hidden: number): void {
  const production = u16[(ptr + HEAP_PRODUCTION_ID) >>> 1];
  if (production >= productions && production !== 0) throw new MemoryLayoutError('a production id past the language\'s');
  if (depth === stackPtr.length) growStacks();
  stackPtr[depth] = ptr; stackCount[depth] = kids; stackChild[depth] = 0; stackStructural[depth] = 0; stackPos[depth] = start;
  stackProduction[depth] = production; stackNumber[depth] = number; stackHidden[depth] = hidden;
}

/**
 * Walk the node whose `Subtree` is at `slot` into `f` from number `n` on (its parent being `up`),
 * in pre-order, as the cursor would; returns the number after it. `startBytes` is where the node
 * starts (after its padding), `type` its public type id (an alias applied), `field` its field id.
 * `limit` is the number of nodes the tree has: `f` must have room for that many, and a walk past it
 * means the memory was misread. `named`: 1 per named type id.
 */
export function walkMemory(
  heap: Heap, tables: LanguageTables, named: Uint8Array, f: Omit<FlatTree, 'count'>,
  n: number, up: number, slot: number, startBytes: number, type: number, field: number, limit: number,
): number {
  const { u8, u16, u32 } = heap;
  const { publicType, alias: aliasOf, field: fieldOf, width, productions } = tables;
  const { typeId, start: startCol, end: endCol, field: fieldCol, parent: parentCol, after: afterCol, flags: flagsCol, nodeId } = f;
  if (typeId.length < limit) throw new RangeError('walkMemory: columns shorter than the tree');
  const size8 = u8.length;
  // The node itself.
  let b0 = u8[slot];
  let ptr = 0;
  let count = 0;
  let missing: boolean;
  let size: number;
  if (b0 & INLINE) {
    missing = (b0 & INLINE_MISSING) !== 0;
    size = u8[slot + 7];
  } else {
    ptr = u32[slot >>> 2];
    if (ptr === 0 || ptr % 4 !== 0 || ptr + 72 > size8) throw new MemoryLayoutError('a subtree pointer outside memory');
    missing = (u8[ptr + HEAP_FLAGS2] & 2) !== 0;
    size = u32[(ptr + HEAP_SIZE_BYTES) >>> 2];
    count = u32[(ptr + HEAP_CHILD_COUNT) >>> 2];
    if (count * SUBTREE_BYTES > ptr) throw new MemoryLayoutError('more children than memory before them');
  }
  if (n >= limit) throw new MemoryLayoutError('more nodes in memory than the tree has');
  const top = n++;
  typeId[top] = type;
  startCol[top] = startBytes >>> 1;
  endCol[top] = (startBytes + size) >>> 1;
  fieldCol[top] = field;
  parentCol[top] = up;
  flagsCol[top] = (named[type] ? 1 : 0) | (missing ? 2 : 0);
  if (nodeId) nodeId[top] = slot;
  if (count === 0) { afterCol[top] = n; return n; }
  openLevel(u16, productions, 0, ptr, count, startBytes, top, -1);
  let depth = 1;
  while (depth > 0) {
    const d = depth - 1;
    const c = stackChild[d];
    count = stackCount[d];
    if (c === count) {
      depth--;
      if (stackHidden[d] < 0) afterCol[stackNumber[d]] = n;
      continue;
    }
    const at = stackPtr[d] - (count - c) * SUBTREE_BYTES;
    stackChild[d] = c + 1;
    b0 = u8[at];
    let visible: boolean, extra: boolean, symbol: number, padding: number, child = 0;
    if (b0 & INLINE) {
      visible = (b0 & INLINE_VISIBLE) !== 0;
      extra = (b0 & INLINE_EXTRA) !== 0;
      missing = (b0 & INLINE_MISSING) !== 0;
      symbol = u8[at + 1];
      padding = u8[at + 6];
      size = u8[at + 7];
    } else {
      child = u32[at >>> 2];
      if (child === 0 || child % 4 !== 0 || child + 72 > size8) throw new MemoryLayoutError('a subtree pointer outside memory');
      const flags = u8[child + HEAP_FLAGS];
      visible = (flags & 1) !== 0;
      extra = (flags & 4) !== 0;
      missing = (u8[child + HEAP_FLAGS2] & 2) !== 0;
      symbol = u16[(child + HEAP_SYMBOL) >>> 1];
      padding = u32[(child + HEAP_PADDING_BYTES) >>> 2];
      size = u32[(child + HEAP_SIZE_BYTES) >>> 2];
    }
    // The first child starts where its parent does (the parent's padding is its first leaf's).
    const start = c === 0 ? stackPos[d] : stackPos[d] + padding;
    stackPos[d] = start + size;
    let fld = 0;
    let aliased = 0;
    if (!extra) {
      const production = stackProduction[d];
      const s = stackStructural[d]++;
      // (An ERROR node, production 0, can have more children than any production: no field then.)
      if (s < width) {
        if (production !== 0) aliased = aliasOf[production * width + s];
        fld = fieldOf[production * width + s];
      }
      if (fld === 0 && stackHidden[d] > 0) fld = stackHidden[d];
    }
    let kids = 0;
    if (child !== 0) {
      kids = u32[(child + HEAP_CHILD_COUNT) >>> 2];
      if (kids * SUBTREE_BYTES > child) throw new MemoryLayoutError('more children than memory before them');
    }
    if (visible || aliased !== 0) {
      if (n >= limit) throw new MemoryLayoutError('more nodes in memory than the tree has');
      const i = n++;
      const t = aliased !== 0 ? aliased : publicType[symbol];
      typeId[i] = t;
      startCol[i] = start >>> 1;
      endCol[i] = (start + size) >>> 1;
      fieldCol[i] = fld;
      parentCol[i] = stackNumber[d];
      flagsCol[i] = (named[t] ? 1 : 0) | (missing ? 2 : 0);
      if (nodeId) nodeId[i] = at;
      if (kids === 0) { afterCol[i] = n; continue; }
      openLevel(u16, productions, depth++, child, kids, start, i, -1);
    } else if (kids !== 0 && u32[(child + HEAP_VISIBLE_CHILD_COUNT) >>> 2] !== 0) {
      // A hidden node: its children are its visible parent's; they inherit its own field (0 when
      // it is extra or has none).
      openLevel(u16, productions, depth++, child, kids, start, stackNumber[d], fld);
    }
  }
  return n;
}

/** The runtime's heap views now. */
export function runtimeHeap(): Heap | undefined {
  const rt = wasmRuntime();
  return rt ? heapOf(rt) : undefined;
}

/** The address of a tree's `TSTree` (its root `Subtree` is the first 8 bytes). */
export function treeAddress(tree: Tree): number | undefined {
  const a = (tree as unknown as Record<number, unknown>)[0];
  return typeof a === 'number' && a > 0 ? a : undefined;
}

/** The address of a language's `TSLanguage`. */
export function languageAddress(language: Language): number | undefined {
  const a = (language as unknown as Record<number, unknown>)[0];
  return typeof a === 'number' && a > 0 ? a : undefined;
}

/** Where the root of the tree at `address` starts: its padding, in bytes. */
export function rootStartBytes(heap: Heap, address: number): number {
  const b0 = heap.u8[address];
  return b0 & INLINE ? heap.u8[address + 6] : heap.u32[(heap.u32[address >>> 2] + HEAP_PADDING_BYTES) >>> 2];
}

/** The symbol of the root of the tree at `address` (internal: map with `publicType`). */
export function rootSymbol(heap: Heap, address: number): number {
  const b0 = heap.u8[address];
  return b0 & INLINE ? heap.u8[address + 1] : heap.u16[(heap.u32[address >>> 2] + HEAP_SYMBOL) >>> 1];
}
