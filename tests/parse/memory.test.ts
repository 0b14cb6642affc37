/**
 * The mirror walk reads trees out of the runtime's memory (parse/memory.ts), following tree-sitter's
 * own layouts. These tests hold it to the walk that asks the runtime's cursor everything, column by
 * column and node id by node id, on every Python file in the repository, on broken copies of them
 * and on hostile input; and check that a language whose numbers disagree with the library's is not
 * read at all.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Language } from 'web-tree-sitter';
import { ready } from '../helpers/analyze';
import { ROOT, pythonFiles } from '../helpers/files';
import { rng } from '../../scripts/bench/generate.mjs';
import { createParser, getLanguage, parserText } from '../../server/src/parse/parser';
import { columnDifference, flatten, lastWalkMemory, memoryWalkAvailable } from '../../server/src/parse/syntax';
import { languageAddress, MemoryLayoutError, readTables, runtimeHeap, walkMemory } from '../../server/src/parse/memory';

beforeAll(ready);

const EDITS = ['(', ')', '[', '}', ':', '', ' is  not ', ' not\tin ', '"', "'''", 'f"{', '\n    ', '\n', 'lambda', ',', '#', '\\', 'é😀', 'match x:\n case ', '@'];

/** Parse `text`, walk it out of memory and with the cursor asking everything; the difference if any. */
function compareWalks(parser: ReturnType<typeof createParser>, text: string): { error: boolean; diff?: string; memory: boolean } {
  const tree = parser.parse(parserText(text))!;
  try {
    const fromMemory = flatten(tree, { ids: true });
    const memory = lastWalkMemory;
    const asked = flatten(tree, { plain: true, ids: true });
    return { error: tree.rootNode.hasError, diff: columnDifference(fromMemory, asked), memory };
  } finally {
    tree.delete();
  }
}

describe('reading trees out of the runtime\'s memory', () => {
  it('is in use with the runtime and grammar in grammars/ (its probe passed)', () => {
    expect(memoryWalkAvailable()).toBe(true);
  });

  const files = [...pythonFiles(path.join(ROOT, 'samples')), ...pythonFiles(path.join(ROOT, 'tests'))];
  let broken = 0;
  let clean = 0;

  it.each(files.map((f) => [path.relative(ROOT, f)]))('%s, and five broken copies: the same columns and node ids as the cursor', (rel) => {
    const source = fs.readFileSync(path.join(ROOT, rel), 'utf8');
    const next = rng(rel.length * 104729 + source.length).next;
    const parser = createParser();
    try {
      for (let k = 0; k < 6; k++) {
        let text = source;
        for (let e = 0; e < k; e++) {
          const at = Math.floor(next() * (text.length + 1));
          text = text.slice(0, at) + EDITS[Math.floor(next() * EDITS.length)] + text.slice(at + Math.floor(next() * 12));
        }
        const r = compareWalks(parser, text);
        if (r.error) broken++; else clean++;
        expect(r.memory, `copy ${k}`).toBe(true);
        expect(r.diff, `copy ${k}`).toBeUndefined();
      }
    } finally {
      parser.delete();
    }
  });

  it('compared trees with and without syntax errors', () => {
    expect(broken).toBeGreaterThan(50);
    expect(clean).toBeGreaterThan(20);
  });

  it.each([
    ['10,000 nested brackets', '('.repeat(10_000) + 'x' + ')'.repeat(10_000) + '\n'],
    ['10,000 unclosed brackets', 'x = ' + '['.repeat(10_000) + '\n'],
    ['binary bytes', '\u0000\u0001\u0002\u00ff\ufffd def \u0000 (\n'.repeat(50)],
    ['a long file of one repeated statement', 'x = torch.sum(t, dim=1)\n'.repeat(20_000)],
    ['one very long line', `y = [${Array.from({ length: 50_000 }, (_, i) => i).join(', ')}]\n`],
    ['characters outside the BMP everywhere', '𝒳 = "😀😀"  # 😀\ndef 𝒻(𝒶): return 𝒶 + "𝒳"\n'.repeat(100)],
    ['only comments and blank lines', '# a\n\n   # b\n\n'],
    ['nothing', ''],
    ['Windows and old Mac line endings', 'a = 1\r\nb = 2\rc = (3,\r\n4)\r'],
  ])('%s', (_name, text) => {
    const parser = createParser();
    try {
      const r = compareWalks(parser, text);
      expect(r.memory).toBe(true);
      expect(r.diff).toBeUndefined();
    } finally {
      parser.delete();
    }
  });

  it('reads no language whose numbers disagree with what the library reports', () => {
    const heap = runtimeHeap()!;
    const language = getLanguage();
    const address = languageAddress(language)!;
    expect(readTables(heap, address, language)).toBeDefined();
    // Another address, or a language that reports other counts or other field names.
    expect(readTables(heap, address + 4, language)).toBeUndefined();
    expect(readTables(heap, 0, language)).toBeUndefined();
    const other = (patch: Partial<Record<'abiVersion' | 'nodeTypeCount' | 'fieldCount' | 'fields', unknown>>) =>
      new Proxy(language, { get: (t, k) => (k in patch ? patch[k as keyof typeof patch] : Reflect.get(t, k)) }) as Language;
    expect(readTables(heap, address, other({ abiVersion: 14 }))).toBeUndefined();
    expect(readTables(heap, address, other({ nodeTypeCount: language.nodeTypeCount + 1 }))).toBeUndefined();
    expect(readTables(heap, address, other({ fieldCount: language.fieldCount - 1 }))).toBeUndefined();
    expect(readTables(heap, address, other({ fields: language.fields.map((f, i) => (i === 3 ? `${f}_` : f)) }))).toBeUndefined();
  });

  it('stops with MemoryLayoutError, not a wrong tree or an endless loop, on memory that is not a tree', () => {
    const language = getLanguage();
    const tables = readTables(runtimeHeap()!, languageAddress(language)!, language)!;
    const fake = (setup: (u32: Uint32Array) => void) => {
      const buffer = new ArrayBuffer(1024);
      const u32 = new Uint32Array(buffer);
      setup(u32);
      return { u8: new Uint8Array(buffer), u16: new Uint16Array(buffer), u32 };
    };
    const columns = () => ({ typeId: new Uint16Array(8), start: new Uint32Array(8), end: new Uint32Array(8), field: new Uint16Array(8),
      parent: new Int32Array(8), after: new Int32Array(8), flags: new Uint8Array(8) });
    const named = new Uint8Array(0x10000);
    // A pointer past the end of memory.
    expect(() => walkMemory(fake((u) => { u[2] = 0x100000; }), tables, named, columns(), 0, -1, 8, 0, 1, 0, 8)).toThrow(MemoryLayoutError);
    // A node claiming more children than there is memory before it.
    expect(() => walkMemory(fake((u) => { u[2] = 64; u[(64 + 36) / 4] = 1000; }), tables, named, columns(), 0, -1, 8, 0, 1, 0, 8)).toThrow(MemoryLayoutError);
    // A node whose children are itself: more nodes than the tree has.
    expect(() => walkMemory(fake((u) => { u[2] = 512; u[(512 + 36) / 4] = 1; u[(512 - 8) / 4] = 512; u[(512 + 44) / 4] = 1; }), tables, named, columns(), 0, -1, 8, 0, 1, 0, 8))
      .toThrow(MemoryLayoutError);
    // One visible leaf under a node that counts three visible descendants, or none: the numbers the
    // count gives the level are not used up, or run out.
    const counting = (below: number) => fake((u) => { u[2] = 512; u[(512 + 36) / 4] = 1; u[(512 + 56) / 4] = below; u[(512 - 8) / 4] = 3; });
    const walk = (below: number) => walkMemory(counting(below), tables, named, columns(), 0, -1, 8, 0, 1, 0, 8);
    expect(walk(1)).toBe(2);
    expect(() => walk(3)).toThrow(MemoryLayoutError);
    expect(() => walk(0)).toThrow(MemoryLayoutError);
    // A count past the tree's nodes.
    expect(() => walk(8)).toThrow(MemoryLayoutError);
  });

  it('gives each production\'s fields and aliases as the library names them', () => {
    const language = getLanguage();
    const tables = readTables(runtimeHeap()!, languageAddress(language)!, language)!;
    const fieldNames = new Set<string>();
    const aliasTypes = new Set<string>();
    for (let k = 0; k < tables.field.length; k++) if (tables.field[k]) fieldNames.add(language.fields[tables.field[k]]!);
    for (let k = 0; k < tables.alias.length; k++) if (tables.alias[k]) aliasTypes.add(language.types[tables.alias[k]]!);
    for (const f of ['name', 'parameters', 'body', 'function', 'arguments', 'left', 'right', 'operator', 'condition', 'alternative']) expect(fieldNames).toContain(f);
    // The grammar's aliases: keywords used as names, `as` targets, a case's block, f-string parts.
    expect([...aliasTypes].sort()).toEqual(['as_pattern_target', 'block', 'format_expression', 'identifier', 'list_splat', 'parenthesized_expression']);
  });
});
