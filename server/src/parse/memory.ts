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
 * - The walk takes each node's children from the last to the first, the order in which tree-sitter's
 *   heap runs downwards (see `walkMemory`). A child ends where the next one starts less that one's
 *   padding (the last child ends where its parent does); it starts at its end less its size. Its
 *   number in pre-order is the next one's less its own count of visible descendants, which
 *   tree-sitter keeps in every subtree.
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
  /** by production: 1 when it gives some child a field or an alias */
  labelled: Uint8Array;
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
/** of a node with children: its visible descendants (aliased ones included), itself not */
const HEAP_VISIBLE_DESCENDANT_COUNT = 56;
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
  const labelled = new Uint8Array(Math.max(1, productions));
  for (let k = 0; k < alias.length; k++) if (alias[k] !== 0 || field[k] !== 0) labelled[Math.floor(k / width)] = 1;
  return { publicType, alias, field, width, productions, labelled };
}

/** Thrown when the tree in memory does not look like a tree (the caller walks with the cursor). */
export class MemoryLayoutError extends Error {}

/**
 * The levels of the walk above the one it is in, kept between walks (grown as needed): per level,
 * what `walkMemory` holds in its locals for the level it is in (see there).
 */
let stackPtr = new Uint32Array(256);
let stackCount = new Uint32Array(256);
let stackChild = new Uint32Array(256);
let stackStructural = new Uint32Array(256);
let stackPos = new Uint32Array(256);
let stackProduction = new Uint32Array(256);
let stackNumber = new Int32Array(256);
let stackHidden = new Int32Array(256);
let stackNext = new Int32Array(256);
let stackFirst = new Int32Array(256);

function growStacks(): void {
  const g = <T extends Uint32Array | Int32Array>(a: T): T => { const b = new (a.constructor as new (n: number) => T)(a.length * 2); b.set(a); return b; };
  stackPtr = g(stackPtr); stackCount = g(stackCount); stackChild = g(stackChild); stackStructural = g(stackStructural);
  stackPos = g(stackPos); stackProduction = g(stackProduction); stackNumber = g(stackNumber); stackHidden = g(stackHidden);
  stackNext = g(stackNext); stackFirst = g(stackFirst);
}

/** The heap data a non-inline `Subtree` at `slot` points to, checked to lie inside memory (`bytes` long). */
function heapData(u32: Uint32Array, bytes: number, slot: number): number {
  const ptr = u32[slot >>> 2];
  if (ptr === 0 || ptr % 4 !== 0 || ptr + 72 > bytes) throw new MemoryLayoutError('a subtree pointer outside memory');
  return ptr;
}

/** The production id of the heap subtree at `ptr`. */
function productionOf(heap: Heap, tables: LanguageTables, ptr: number): number {
  const production = heap.u16[(ptr + HEAP_PRODUCTION_ID) >>> 1];
  if (production >= tables.productions && production !== 0) throw new MemoryLayoutError('a production id past the language\'s');
  return production;
}

/**
 * How many of the `kids` children of the heap subtree at `ptr` are not extra (comments, mostly): the
 * walk needs each child's index among those, counted from the left, when the production gives some
 * child a field or an alias; else `kids` (no index is looked up then).
 */
function structuralCount(heap: Heap, tables: LanguageTables, ptr: number, production: number, kids: number): number {
  if (!tables.labelled[production]) return kids;
  const { u8, u32 } = heap;
  let structural = kids;
  for (let at = ptr - kids * SUBTREE_BYTES; at < ptr; at += SUBTREE_BYTES) {
    const b0 = u8[at];
    if (b0 & INLINE) { if (b0 & INLINE_EXTRA) structural--; continue; }
    if (u8[heapData(u32, u8.length, at) + HEAP_FLAGS] & 4) structural--;
  }
  return structural;
}

/**
 * Walk the node whose `Subtree` is at `slot` into `f` from number `n` on (its parent being `up`),
 * numbering in pre-order as the cursor would; returns the number after it. `startBytes` is where the
 * node starts (after its padding), `type` its public type id (an alias applied), `field` its field id.
 * `limit` is the number of nodes the tree has: `f` must have room for that many, and a number past
 * it means the memory was misread. `named`: 1 per named type id.
 *
 * The walk visits each node's children from the last to the first. tree-sitter makes a node's
 * memory when it reduces it, after its children's, so that order reads the heap downwards nearly
 * all the way, a stream the processor's prefetching follows; left to right, half the reads jumped
 * (on a 50,000-line file, 70 MB of heap, more than the caches hold). Each node's number follows
 * from the visible descendants tree-sitter counts in every subtree, and its span from its end: a
 * node ends where its last child ends, and a child ends where the next one starts less that one's
 * padding. A level whose children do not use up exactly the numbers its count gave it is memory
 * misread (`MemoryLayoutError`).
 */
export function walkMemory(
  heap: Heap, tables: LanguageTables, named: Uint8Array, f: Omit<FlatTree, 'count'>,
  n: number, up: number, slot: number, startBytes: number, type: number, field: number, limit: number,
): number {
  const { u8, u16, u32 } = heap;
  const { publicType, alias: aliasOf, field: fieldOf, width } = tables;
  const { typeId, start: startCol, end: endCol, field: fieldCol, parent: parentCol, after: afterCol, flags: flagsCol, nodeId } = f;
  if (typeId.length < limit) throw new RangeError('walkMemory: columns shorter than the tree');
  const size8 = u8.length;
  // The node itself.
  let b0 = u8[slot];
  let ptr = 0;
  let count = 0;
  let below = 0;
  let missing: boolean;
  let size: number;
  if (b0 & INLINE) {
    missing = (b0 & INLINE_MISSING) !== 0;
    size = u8[slot + 7];
  } else {
    ptr = heapData(u32, size8, slot);
    missing = (u8[ptr + HEAP_FLAGS2] & 2) !== 0;
    size = u32[(ptr + HEAP_SIZE_BYTES) >>> 2];
    count = u32[(ptr + HEAP_CHILD_COUNT) >>> 2];
    if (count * SUBTREE_BYTES > ptr) throw new MemoryLayoutError('more children than memory before them');
    if (count !== 0) below = u32[(ptr + HEAP_VISIBLE_DESCENDANT_COUNT) >>> 2];
  }
  const top = n;
  const after = top + 1 + below;
  if (n < 0 || after > limit) throw new MemoryLayoutError('more nodes in memory than the tree has');
  typeId[top] = type;
  startCol[top] = startBytes >>> 1;
  endCol[top] = (startBytes + size) >>> 1;
  fieldCol[top] = field;
  parentCol[top] = up;
  flagsCol[top] = (named[type] ? 1 : 0) | (missing ? 2 : 0);
  afterCol[top] = after;
  if (nodeId) nodeId[top] = slot;
  if (count === 0) return after;
  // The level the walk is in: the children of the heap subtree at `lPtr` (`lCount` of them, under
  // visible node `lNumber`; `lHidden` is the level's own field when it is a hidden node, else -1).
  // `lChild` children are left, the next being child `lChild - 1`, and `lStructural` non-extra ones,
  // the next non-extra one's index among them being `lStructural - 1`; the next child ends at byte
  // `lPos`; its visible nodes end before number `lNext`, and the level's start at `lFirst`.
  let lPtr = ptr, lCount = count, lChild = count, lPos = startBytes + size, lNumber = top, lHidden = -1, lFirst = top + 1, lNext = after;
  let lProduction = productionOf(heap, tables, ptr);
  let lStructural = structuralCount(heap, tables, ptr, lProduction, count);
  // A level per visible or hidden node on the path: never more than a few per node of the tree.
  const maxDepth = 8 * limit + 1024;
  let depth = 0;
  for (;;) {
    if (lChild === 0) {
      if (lNext !== lFirst) throw new MemoryLayoutError('a node\'s visible descendants not those it counts');
      if (depth === 0) break;
      const d = --depth;
      lPtr = stackPtr[d]; lCount = stackCount[d]; lChild = stackChild[d]; lStructural = stackStructural[d]; lPos = stackPos[d];
      lProduction = stackProduction[d]; lNumber = stackNumber[d]; lHidden = stackHidden[d]; lNext = stackNext[d]; lFirst = stackFirst[d];
      continue;
    }
    lChild--;
    const at = lPtr - (lCount - lChild) * SUBTREE_BYTES;
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
      child = heapData(u32, size8, at);
      const flags = u8[child + HEAP_FLAGS];
      visible = (flags & 1) !== 0;
      extra = (flags & 4) !== 0;
      missing = (u8[child + HEAP_FLAGS2] & 2) !== 0;
      symbol = u16[(child + HEAP_SYMBOL) >>> 1];
      padding = u32[(child + HEAP_PADDING_BYTES) >>> 2];
      size = u32[(child + HEAP_SIZE_BYTES) >>> 2];
    }
    const end = lPos;
    const start = end - size;
    if (start < 0) throw new MemoryLayoutError('a node starting before the text');
    lPos = start - padding;
    let fld = 0;
    let aliased = 0;
    if (!extra) {
      if (lStructural === 0) throw new MemoryLayoutError('more children than the production has');
      const s = --lStructural;
      // (An ERROR node, production 0, can have more children than any production: no field then.)
      if (s < width) {
        if (lProduction !== 0) aliased = aliasOf[lProduction * width + s];
        fld = fieldOf[lProduction * width + s];
      }
      if (fld === 0 && lHidden > 0) fld = lHidden;
    }
    let kids = 0;
    below = 0;
    if (child !== 0) {
      kids = u32[(child + HEAP_CHILD_COUNT) >>> 2];
      if (kids * SUBTREE_BYTES > child) throw new MemoryLayoutError('more children than memory before them');
      if (kids !== 0) below = u32[(child + HEAP_VISIBLE_DESCENDANT_COUNT) >>> 2];
    }
    const visibleHere = visible || aliased !== 0;
    if (visibleHere) {
      const i = lNext - 1 - below;
      if (i < lFirst) throw new MemoryLayoutError('a node\'s visible descendants not those it counts');
      lNext = i;
      const t = aliased !== 0 ? aliased : publicType[symbol];
      typeId[i] = t;
      startCol[i] = start >>> 1;
      endCol[i] = end >>> 1;
      fieldCol[i] = fld;
      parentCol[i] = lNumber;
      flagsCol[i] = (named[t] ? 1 : 0) | (missing ? 2 : 0);
      afterCol[i] = i + 1 + below;
      if (nodeId) nodeId[i] = at;
      if (kids === 0) continue;
    } else if (kids === 0 || u32[(child + HEAP_VISIBLE_CHILD_COUNT) >>> 2] === 0) {
      continue;
    }
    // Into the child: a visible node, or a hidden one, whose children are its visible parent's and
    // inherit its own field (0 when it is extra or has none).
    if (depth >= maxDepth) throw new MemoryLayoutError('a tree deeper than its nodes');
    const first = visibleHere ? lNext + 1 : lNext - below;
    if (first < lFirst) throw new MemoryLayoutError('a node\'s visible descendants not those it counts');
    if (depth === stackPtr.length) growStacks();
    const d = depth++;
    stackPtr[d] = lPtr; stackCount[d] = lCount; stackChild[d] = lChild; stackStructural[d] = lStructural; stackPos[d] = lPos;
    stackProduction[d] = lProduction; stackNumber[d] = lNumber; stackHidden[d] = lHidden; stackFirst[d] = lFirst;
    stackNext[d] = visibleHere ? lNext : first;
    if (visibleHere) { lNumber = lNext; lNext = lNumber + 1 + below; lHidden = -1; } else { lHidden = fld; }
    lFirst = first;
    lPtr = child; lCount = kids; lChild = kids; lPos = end;
    lProduction = productionOf(heap, tables, child);
    lStructural = structuralCount(heap, tables, child, lProduction, kids);
  }
  return after;
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
