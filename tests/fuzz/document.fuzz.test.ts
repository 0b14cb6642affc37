/**
 * PythonDocument under random incremental edits (property-based, in process): after every edit the
 * incrementally re-parsed tree equals a fresh parse of the same text, node for node, and every node's
 * tree-sitter position equals the document's own LSP position of its offset — for LF, CRLF, lone CR
 * and mixed line endings, emoji and other surrogate pairs, tabs and hostile text.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import type { Node, Tree } from 'web-tree-sitter';
import { ready } from '../helpers/analyze';
import { createParser, safeParse } from '../../server/src/parse/parser';
import { preorder } from '../../server/src/parse/syntax';
import { PythonDocument, positionAt, lineStarts, offsetAt } from '../../server/src/parse/document';
import { initialDocument, insertText } from './corpus';

const SEED = process.env.FRAMEWISE_FUZZ_SEED === 'random' ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(process.env.FRAMEWISE_FUZZ_SEED ?? 7_031_999);

beforeAll(ready);

/** Every node, pre-order, iteratively (trees can be deep). */
function nodes(tree: Tree): Node[] {
  const out: Node[] = [];
  preorder(tree.rootNode, (n) => { out.push(n); });
  return out;
}

const describeNode = (n: Node) => `${n.type}@${n.startIndex}-${n.endIndex}(${n.startPosition.row}:${n.startPosition.column}-${n.endPosition.row}:${n.endPosition.column})`;

/** Mismatches between the document's tree and a fresh parse, and between tree positions and LSP positions. */
function problems(doc: PythonDocument): string[] {
  const tree = doc.tree;
  if (!tree) return doc.skipReason ? [] : ['no tree and no skip reason'];
  const out: string[] = [];
  const parser = createParser();
  const fresh = safeParse(parser, doc.text)!;
  try {
    const a = nodes(tree).map(describeNode);
    const b = nodes(fresh).map(describeNode);
    if (a.join() !== b.join()) {
      const i = a.findIndex((x, k) => x !== b[k]);
      out.push(`incremental tree differs from a fresh parse at node ${i}: ${a[i]} vs ${b[i]}`);
    }
    const starts = doc.lineStarts;
    for (const n of nodes(fresh)) {
      const s = positionAt(starts, n.startIndex);
      const e = positionAt(starts, n.endIndex);
      if (s.line !== n.startPosition.row || s.character !== n.startPosition.column || e.line !== n.endPosition.row || e.character !== n.endPosition.column) {
        out.push(`node ${describeNode(n)}: LSP position ${s.line}:${s.character}-${e.line}:${e.character}`);
        break;
      }
    }
  } finally {
    fresh.delete();
    parser.delete();
  }
  return out;
}

const editArb = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.oneof(fc.nat({ max: 3 }), fc.nat({ max: 60 })), text: insertText });

describe('PythonDocument: incremental edits', () => {
  it('keeps the tree equal to a fresh parse and tree positions equal to LSP positions', () => {
    try {
      fc.assert(fc.property(initialDocument, fc.array(editArb, { minLength: 1, maxLength: 25 }), (initial, edits) => {
        const doc = new PythonDocument('file:///fuzz.py', 1, initial);
        try {
          expect(problems(doc)).toEqual([]);
          let version = 1;
          for (const e of edits) {
            const text = doc.text;
            // Offsets from the fraction; LSP positions never split a CRLF or a surrogate pair.
            let s = Math.min(text.length, Math.floor(e.at * (text.length + 1)));
            let end = Math.min(text.length, s + e.len);
            const bad = (i: number) => i > 0 && i < text.length && ((text[i - 1] === '\r' && text[i] === '\n') || (/[\ud800-\udbff]/.test(text[i - 1]) && /[\udc00-\udfff]/.test(text[i])));
            while (bad(s)) s--;
            while (bad(end)) end--;
            end = Math.max(s, end);
            const starts = lineStarts(text);
            const range = { start: positionAt(starts, s), end: positionAt(starts, end) };
            doc.applyChanges([{ range, text: e.text }], ++version);
            expect(doc.text).toBe(text.slice(0, s) + e.text + text.slice(end));
            expect(problems(doc)).toEqual([]);
          }
        } finally {
          doc.dispose();
        }
      }), { seed: SEED, numRuns: 150 });
    } catch (e) {
      console.error(`document fuzz failed with seed ${SEED} (replay: FRAMEWISE_FUZZ_SEED=${SEED})`);
      throw e;
    }
  }, 120_000);

  it('a CR that becomes half of a CRLF (and back) is re-parsed, not reused', () => {
    const text = 'import jax\r@jax.jit\rdef f(x):\r    print(x)\r    return x\r';
    const doc = new PythonDocument('file:///cr.py', 1, text);
    try {
      expect(problems(doc)).toEqual([]);
      // A '\n' typed at the start of line 1 joins the CR before it: still one line break (CRLF).
      doc.applyChanges([{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '\n' }], 2);
      expect(doc.text.startsWith('import jax\r\n@jax')).toBe(true);
      expect(doc.lineStarts).toHaveLength(6);
      expect(problems(doc)).toEqual([]);
      // Text typed after a lone CR, and a CRLF replaced by a lone CR.
      doc.applyChanges([{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '    y = x\r' }], 3);
      expect(problems(doc)).toEqual([]);
      doc.applyChanges([{ range: { start: { line: 0, character: 10 }, end: { line: 1, character: 0 } }, text: '\r' }], 4);
      expect(doc.text.startsWith('import jax\r@jax')).toBe(true);
      expect(problems(doc)).toEqual([]);
      expect(doc.tree!.rootNode.hasError).toBe(false);
    } finally {
      doc.dispose();
    }
  });

  it('clamps a character past the end of a line to the line end, before its line break (LSP)', () => {
    const text = 'ab\r\ncd\ref\ngh';
    const starts = lineStarts(text);
    expect(starts).toEqual([0, 4, 7, 10]);
    expect(offsetAt(starts, text, { line: 0, character: 99 })).toBe(2);
    expect(offsetAt(starts, text, { line: 1, character: 99 })).toBe(6);
    expect(offsetAt(starts, text, { line: 2, character: 99 })).toBe(9);
    expect(offsetAt(starts, text, { line: 3, character: 99 })).toBe(12);
    expect(offsetAt(starts, text, { line: 9, character: 0 })).toBe(12);
    const doc = new PythonDocument('file:///clamp.py', 1, text);
    doc.applyChanges([{ range: { start: { line: 0, character: 1 }, end: { line: 0, character: 99 } }, text: 'X' }], 2);
    expect(doc.text).toBe('aX\r\ncd\ref\ngh');
    doc.dispose();
  });
});
