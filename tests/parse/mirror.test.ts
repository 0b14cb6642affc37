/**
 * The analysis reads trees through `SyntaxTree` (parse/mirror.ts), built in one walk, instead of
 * web-tree-sitter's `Node`. These tests hold the two to the same answers, node by node, on every
 * Python file in the repository, on broken code and on odd line endings, with the walk that reads the
 * tree out of the runtime's memory, the one that calls the runtime's cursor directly and the library's
 * cursor.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Node, Tree } from 'web-tree-sitter';
import { ready } from '../helpers/analyze';
import { ROOT, pythonFiles } from '../helpers/files';
import { createParser, getLanguage, parserText } from '../../server/src/parse/parser';
import { flatten, lastFlattenDirect, lastWalkMemory, preorder } from '../../server/src/parse/syntax';
import { SyntaxTree, type SyntaxNode } from '../../server/src/parse/mirror';
import { PythonDocument } from '../../server/src/parse/document';
import { analyzeSyntax } from '../../server/src/analyze';
import { analyzeTextSync } from '../../server/src/engine';

beforeAll(ready);


const BROKEN = [
  'def f(x:\n    return x +\n',
  'import torch\nx = torch.sum(t, dim=\nclass A(:\n  pass\n',
  'if x:\n\tpass\n  else:\n    y = [1, 2,\n',
  '((((((((((',
  '',
  '\n\n',
  'x = "unterminated\n@jax.jit\ndef g(: pass',
  'a = 1\rb = 2\r\nc = 3\n',
  'é = "ü"; 𝒳 = f(é, 𝒳)  # non-BMP\n',
  '\u0000\u0001binary\u00ff = 3\n',
];

function fieldNames(): string[] {
  return getLanguage().fields.filter((f): f is string => !!f);
}

/** Compare every node of the mirror with the library's node it stands for. */
function compare(tree: Tree, source: string, mirror: SyntaxTree): void {
  const fields = fieldNames();
  const real: Node[] = [];
  preorder(tree.rootNode, (n) => { real.push(n); });
  expect(mirror.count).toBe(real.length);
  const same = (m: SyntaxNode | null, r: Node | null, what: string) => {
    if (!r) { expect(m, what).toBeNull(); return; }
    expect(m, what).not.toBeNull();
    expect([m!.type, m!.startIndex, m!.endIndex], what).toEqual([r.type, r.startIndex, r.endIndex]);
    expect(mirror.fromTreeNode(r)?.id, what).toBe(m!.id);
  };
  real.forEach((r, i) => {
    const m = mirror.node(i);
    const where = `node ${i} ${r.type} @${r.startIndex}`;
    expect([m.type, m.typeId, m.isNamed, m.isMissing, m.isError], where)
      .toEqual([r.type, r.typeId, r.isNamed, r.isMissing, r.isError]);
    expect([m.startIndex, m.endIndex, m.startPosition, m.endPosition], where)
      .toEqual([r.startIndex, r.endIndex, r.startPosition, r.endPosition]);
    expect(m.text, where).toBe(r.text);
    same(m.parent, r.parent, `${where} parent`);
    expect(m.children.map((c) => c.id), `${where} children`).toEqual(r.children.map((c) => mirror.fromTreeNode(c)!.id));
    expect(m.namedChildren.map((c) => c.id), `${where} named children`).toEqual(r.namedChildren.map((c) => mirror.fromTreeNode(c)!.id));
    // Counted and indexed from the columns, without the arrays: the same answers.
    expect([m.childCount, m.namedChildCount], `${where} counts`).toEqual([r.childCount, r.namedChildCount]);
    for (const k of new Set([0, 1, r.childCount - 1, r.childCount])) if (k >= 0) same(m.child(k), r.child(k), `${where} child ${k}`);
    for (const k of new Set([0, 1, r.namedChildCount - 1, r.namedChildCount])) if (k >= 0) same(m.namedChild(k), r.namedChild(k), `${where} named child ${k}`);
    same(m.firstChild, r.firstChild, `${where} first child`);
    same(m.lastChild, r.lastChild, `${where} last child`);
    same(m.firstNamedChild, r.firstNamedChild, `${where} first named child`);
    same(m.lastNamedChild, r.lastNamedChild, `${where} last named child`);
    expect(mirror.textOf(i), `${where} textOf`).toBe(r.text);
    expect(mirror.fieldChild(i, 'no_such_field'), `${where} unknown field`).toBe(-1);
    for (const f of fields) {
      same(m.childForFieldName(f), r.childForFieldName(f), `${where} field ${f}`);
      // By number, without node objects (what hot paths use): the same child, or -1.
      const byNumber = mirror.fieldChild(i, f);
      same(byNumber < 0 ? null : mirror.node(byNumber), r.childForFieldName(f), `${where} fieldChild ${f}`);
      expect(m.childrenForFieldName(f).map((c) => c.id), `${where} fields ${f}`)
        .toEqual(r.childrenForFieldName(f).map((c) => mirror.fromTreeNode(c)!.id));
    }
  });
  for (const types of [['identifier'], ['call', 'decorator'], ['ERROR']]) {
    expect(mirror.rootNode.descendantsOfType(types).map((n) => n.id), types.join())
      .toEqual(tree.rootNode.descendantsOfType(types).map((n) => mirror.fromTreeNode(n)!.id));
  }
  const text = parserText(source);
  const step = Math.max(1, Math.floor(text.length / 400));
  for (let at = 0; at <= text.length; at += step) {
    same(mirror.rootNode.namedDescendantForIndex(at, at), tree.rootNode.namedDescendantForIndex(at, at), `named descendant at ${at}`);
    same(mirror.rootNode.descendantForIndex(at, at), tree.rootNode.descendantForIndex(at, at), `descendant at ${at}`);
    const end = Math.min(text.length, at + 7);
    same(mirror.rootNode.namedDescendantForIndex(at, end), tree.rootNode.namedDescendantForIndex(at, end), `named descendant ${at}-${end}`);
  }
}

describe('SyntaxTree mirrors the web-tree-sitter tree', () => {
  const files = [...pythonFiles(path.join(ROOT, 'samples')), ...pythonFiles(path.join(ROOT, 'tests'))];

  it('reads the tree out of memory here, and calls the runtime directly when asked for the cursor (the fast paths are the ones under test)', () => {
    const parser = createParser();
    const tree = parser.parse('x = 1\n')!;
    flatten(tree);
    expect(lastWalkMemory).toBe(true);
    flatten(tree, { cursor: true });
    expect(lastWalkMemory).toBe(false);
    expect(lastFlattenDirect).toBe(true);
    tree.delete();
    parser.delete();
  });

  it.each(files.map((f) => [path.relative(ROOT, f)]))('%s', (rel) => {
    const source = fs.readFileSync(path.join(ROOT, rel), 'utf8');
    const parser = createParser();
    const tree = parser.parse(parserText(source))!;
    try {
      compare(tree, source, new SyntaxTree(tree, source, flatten(tree, { ids: true })));
    } finally {
      tree.delete();
      parser.delete();
    }
  });

  it.each(BROKEN.map((s, i) => [i, s]))('broken or odd input %i', (_i, source) => {
    const parser = createParser();
    const tree = parser.parse(parserText(source as string))!;
    try {
      compare(tree, source as string, new SyntaxTree(tree, source as string, flatten(tree, { ids: true })));
      // The library's cursor and the runtime's give the same columns as the memory walk.
      const a = flatten(tree, { ids: true });
      expect(flatten(tree, { library: true, ids: true })).toEqual(a);
      expect(flatten(tree, { cursor: true, ids: true })).toEqual(a);
    } finally {
      tree.delete();
      parser.delete();
    }
  });

  it('stays readable after its tree is edited and deleted', () => {
    const parser = createParser();
    const source = 'import torch\ny = torch.sum(x, dim=1)\n';
    const tree = parser.parse(source)!;
    const mirror = new SyntaxTree(tree, source);
    tree.delete();
    parser.delete();
    const call = mirror.rootNode.descendantsOfType('call')[0];
    expect(call.childForFieldName('function')!.text).toBe('torch.sum');
    expect(call.endPosition).toEqual({ row: 1, column: 23 });
  });

  it('walks 20,000-deep nesting without recursion', () => {
    const parser = createParser();
    const source = `x = ${'['.repeat(20000)}${']'.repeat(20000)}\n`;
    const tree = parser.parse(source)!;
    const mirror = new SyntaxTree(tree, source);
    expect(mirror.count).toBe(tree.rootNode.descendantCount);
    const deepest = mirror.rootNode.namedDescendantForIndex(20003, 20003);
    expect(deepest?.type).toBe('list');
    let depth = 0;
    for (let n: SyntaxNode | null = deepest; n; n = n.parent) depth++;
    expect(depth).toBeGreaterThan(20000);
    tree.delete();
    parser.delete();
  });

  it('numbers nodes in pre-order and tells them apart by number: a new object each time one is asked, equal to the last', () => {
    const parser = createParser();
    const source = 'x = [' + Array.from({ length: 3000 }, (_, i) => String(i)).join(', ') + ']\n';
    const tree = parser.parse(source)!;
    const mirror = new SyntaxTree(tree, source);
    expect(mirror.count).toBeGreaterThan(4096);
    for (const i of [0, 1, 1023, 1024, 1025, 2047, 2048, 4095, 4096, mirror.count - 1]) {
      const node = mirror.node(i);
      expect(node.id).toBe(i);
      const again = mirror.node(i);
      // Not kept: an object per node alive for the whole analysis was what garbage collection copied.
      expect(again).not.toBe(node);
      expect(again.equals(node)).toBe(true);
      expect(i > 0 && again.equals(mirror.node(i - 1))).toBe(false);
    }
    expect(mirror.rootNode.descendantsOfType('integer').map((n) => n.text)).toEqual(Array.from({ length: 3000 }, (_, i) => String(i)));
    tree.delete();
    parser.delete();
  });
});

/** LSP position of an offset, counting CR, LF and CRLF as line breaks. */
function positionOf(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10 && i + 1 < offset) continue;
    if (c === 10 || c === 13) { line++; start = i + 1; }
  }
  return { line, character: offset - start };
}

describe('the mirror of a document after edits', () => {
  const columns = (t: SyntaxTree) => {
    const c = t.columns;
    return [c.typeId, c.start, c.end, c.field, c.parent, c.after, c.flags].map((a) => Array.from(a.subarray(0, c.count)));
  };

  it('follows every edit, and an earlier one stays readable', () => {
    const doc = new PythonDocument('file:///m.py', 1, 'import torch\nx = torch.ones(3)\n\ny = x.cuda()\n');
    try {
      const first = new SyntaxTree(doc.tree!, doc.text);
      doc.applyChanges([{ range: { start: { line: 3, character: 4 }, end: { line: 3, character: 5 } }, text: 'z' }], 2);
      const second = new SyntaxTree(doc.tree!, doc.text);
      expect(second.rootNode.namedChildren[2].text).toBe('y = z.cuda()');
      const parser = createParser();
      const fromScratch = parser.parse(doc.text)!;
      expect(columns(second)).toEqual(columns(new SyntaxTree(fromScratch, doc.text)));
      fromScratch.delete();
      parser.delete();
      doc.applyChanges([{ text: 'import jax\nz = jax.numpy.zeros(2)\n' }], 3);
      const third = new SyntaxTree(doc.tree!, doc.text);
      expect(third.rootNode.text).toBe('import jax\nz = jax.numpy.zeros(2)\n');
      expect(first.rootNode.namedChildren.map((c) => c.text)).toEqual(['import torch', 'x = torch.ones(3)', 'y = x.cuda()']);
      expect(analyzeSyntax(third, doc.text).findings).toEqual(analyzeTextSync(doc.text).findings);
    } finally {
      doc.dispose();
    }
  });

  it("is given the document's line starts (kept across edits), the ones it would find itself, whatever the line endings", () => {
    for (const text of [...BROKEN, 'a\r\rb\r\n\r\nc\n\rd\r', 'x = 1\r\n' + 'y = [\r'.repeat(50) + '\n']) {
      const doc = new PythonDocument('file:///lines.py', 1, text);
      try {
        const edits = [
          { at: 0, insert: '\r' }, { at: Math.floor(text.length / 2), insert: 'q\r\n' }, { at: text.length, insert: '\n\r' },
          { at: 1, insert: '\n' }, { at: 2, insert: '' },
        ];
        let version = 1;
        for (const e of [{ at: 0, insert: '' }, ...edits]) {
          if (e.insert || version > 1) {
            const pos = doc.lineStarts.length && e.at <= doc.text.length ? positionOf(doc.text, Math.min(e.at, doc.text.length)) : { line: 0, character: 0 };
            doc.applyChanges([{ range: { start: pos, end: pos }, text: e.insert }], ++version);
          }
          const tree = doc.tree;
          if (!tree) continue; // skipped (binary)
          const given = new SyntaxTree(tree, doc.text, undefined, doc.lineStarts);
          const own = new SyntaxTree(tree, doc.text);
          expect(given.lineStarts(), JSON.stringify(doc.text)).toEqual(own.lineStarts());
          for (let o = 0; o <= doc.text.length; o++) expect(given.position(o)).toEqual(own.position(o));
        }
      } finally {
        doc.dispose();
      }
    }
  });
});
