/** Incremental re-parsing equals a fresh parse after random edits (seeded, reproducible). */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser, createParser } from '../../server/src/parse/parser';
import { PythonDocument, lineStarts, positionAt } from '../../server/src/parse/document';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

const SNIPPETS = ['x', ' ', '\n', '(', ')', ':', 'def f(a):\n    return a\n', 'jnp.sum(x, axis=1)', '"é😀"', '\t', '#', '[', ']', '\r\n', 'import torch\n', '    ', 'if x:\n    pass\n'];

function sexp(text: string): string {
  const parser = createParser();
  const tree = parser.parse(text)!;
  const s = tree.rootNode.toString();
  tree.delete();
  parser.delete();
  return s;
}

describe('incremental parsing', () => {
  beforeAll(async () => { await initParser(); });

  for (const seed of [1, 7, 42, 2024]) {
    it(`matches a fresh parse after 150 random edits (seed ${seed})`, () => {
      const base = fs.readFileSync(path.join(__dirname, '..', 'rules', 'fixtures', 'JAX001.py'), 'utf8');
      const doc = new PythonDocument('file:///t.py', 1, base);
      expect(doc.tree).toBeDefined();
      const rand = rng(seed);
      let text = base;
      for (let i = 0; i < 150; i++) {
        const starts = lineStarts(text);
        const a = Math.floor(rand() * (text.length + 1));
        const len = rand() < 0.5 ? 0 : Math.floor(rand() * 12);
        let b = Math.min(text.length, a + len);
        // Never split a surrogate pair or a CRLF: the client never sends such ranges.
        const inside = (k: number) => k > 0 && k < text.length && ((text.charCodeAt(k - 1) & 0xfc00) === 0xd800 || (text[k - 1] === '\r' && text[k] === '\n'));
        let s = a;
        if (inside(s)) s--;
        if (inside(b)) b++;
        const insert = rand() < 0.7 ? SNIPPETS[Math.floor(rand() * SNIPPETS.length)] : '';
        doc.applyChanges([{ range: { start: positionAt(starts, s), end: positionAt(starts, b) }, text: insert }], i + 2);
        text = text.slice(0, s) + insert + text.slice(b);
        if (i % 10 === 0 || i === 149) {
          expect(doc.text).toBe(text);
          expect(doc.tree!.rootNode.toString()).toBe(sexp(text));
        }
      }
      doc.dispose();
    });
  }

  it('accepts a full-text replacement', () => {
    const doc = new PythonDocument('file:///t.py', 1, 'x = 1\n');
    expect(doc.tree!.rootNode.toString()).toBe(sexp('x = 1\n'));
    doc.applyChanges([{ text: 'def f():\n    return 2\n' }], 2);
    expect(doc.tree!.rootNode.toString()).toBe(sexp('def f():\n    return 2\n'));
    doc.dispose();
  });

  it('skips oversized and binary files with a clear reason', () => {
    const big = new PythonDocument('file:///big.py', 1, 'x = 1\n'.repeat(1000), 1024);
    expect(big.tree).toBeUndefined();
    expect(big.skipReason?.message).toMatch(/over the 0\.0 MB limit|limit/);
    const bin = new PythonDocument('file:///bin.py', 1, 'a = 1\n\u0000\u0000');
    expect(bin.skipReason?.kind).toBe('binary');
    // Invalid UTF-8 decodes to U+FFFD: more than 8 of them, and more than 1 % of the text, is binary;
    // a few in a comment or a string are not.
    const garbled = new PythonDocument('file:///garbled.py', 1, 'x = 1\n' + '\ufffd'.repeat(9) + '\n');
    expect(garbled.skipReason?.kind).toBe('binary');
    const few = new PythonDocument('file:///few.py', 1, 'x = "\ufffd\ufffd"  # \ufffd\n'.repeat(2));
    expect(few.skipReason).toBeUndefined();
    expect(few.tree).toBeDefined();
    const sparse = new PythonDocument('file:///sparse.py', 1, ('y = 2\n'.repeat(200) + '# \ufffd\n').repeat(9));
    expect(sparse.skipReason).toBeUndefined();
    for (const d of [big, bin, garbled, few, sparse]) d.dispose();
  });
});
