/**
 * Tree walks never leave a TreeCursor to the garbage collector: web-tree-sitter's finalizer for a
 * collected cursor frees the state of whichever cursor was last marshalled, corrupting the WASM heap
 * (CI once failed with "memory access out of bounds" in a later parse). Every walk goes through
 * `preorder`, which deletes its cursor even when the visitor throws.
 */
import { describe, it, expect, beforeAll, vi } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TreeCursor } from 'web-tree-sitter';
import { ready } from '../helpers/analyze';
import { createParser } from '../../server/src/parse/parser';
import { preorder, syntaxErrors } from '../../server/src/parse/syntax';

beforeAll(ready);

const ROOT = path.resolve(__dirname, '../..');

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'node_modules' && e.name !== 'setup') sources(p, out); } else if (/\.(ts|mts|mjs|js)$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('tree walks', () => {
  it('visits every node once, in pre-order, and skips children when asked', () => {
    const parser = createParser();
    const tree = parser.parse('def f(x):\n    return g(x)[0]\n')!;
    const seen: string[] = [];
    preorder(tree.rootNode, (n) => { seen.push(n.type); });
    expect(seen.length).toBe(tree.rootNode.descendantCount);
    expect(seen.slice(0, 3)).toEqual(['module', 'function_definition', 'def']);
    const shallow: string[] = [];
    preorder(tree.rootNode, (n) => { shallow.push(n.type); return n.type === 'module'; });
    expect(shallow).toEqual(['module', 'function_definition']);
    tree.delete();
    parser.delete();
  });

  it('deletes its cursor, also when the visitor throws', () => {
    const parser = createParser();
    const tree = parser.parse('x = [1, 2]\n')!;
    const del = vi.spyOn(TreeCursor.prototype, 'delete');
    try {
      preorder(tree.rootNode, () => undefined);
      expect(() => preorder(tree.rootNode, () => { throw new Error('boom'); })).toThrow('boom');
      expect(del).toHaveBeenCalledTimes(2);
    } finally {
      del.mockRestore();
      tree.delete();
      parser.delete();
    }
  });

  it('walks 20,000-deep nesting without recursion', () => {
    const parser = createParser();
    const tree = parser.parse('x = ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n')!;
    let n = 0;
    preorder(tree.rootNode, () => { n++; });
    expect(n).toBe(tree.rootNode.descendantCount);
    expect(syntaxErrors(tree)).toBe(0);
    tree.delete();
    parser.delete();
  });

  it('no code outside server/src/parse/syntax.ts creates a TreeCursor', () => {
    const offenders = ['server/src', 'client/src', 'tests', 'scripts']
      .flatMap((d) => sources(path.join(ROOT, d)))
      .filter((f) => !f.endsWith(path.join('parse', 'syntax.ts')) && !f.endsWith(path.join('parse', 'syntax.test.ts')))
      .filter((f) => /\.walk\(\)/.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(ROOT, f))).toEqual([]);
  });
});
