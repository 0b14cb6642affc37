/**
 * After an edit the mirror re-walks only the top-level statements the edit touched and copies the
 * rest from the previous version (`splice`, parse/syntax.ts; `MirrorCache`, parse/mirror.ts). These
 * tests hold the spliced columns equal to a fresh walk of the new tree after thousands of random
 * one- and few-character edits (letters, brackets, quotes, colons, newlines, indentation, deletions)
 * on the repository's Python files and on generated benchmark code, and check that an edit inside one
 * statement really copies the others.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ready } from '../helpers/analyze';
import { ROOT, pythonFiles } from '../helpers/files';
import { FLAT_COLUMNS, bufferOf, columnDifference, commonPrefix, commonSuffix, flatten, lastSpliceWrites, lastWalkMemory, splice, topLevelOf, type FlatTree } from '../../server/src/parse/syntax';
import { MirrorCache } from '../../server/src/parse/mirror';
import { PythonDocument } from '../../server/src/parse/document';
import { generateFile, rng } from '../../scripts/bench/generate.mjs';
import { FACT_NODE_TYPES } from '../../server/src/resolve/facts';

beforeAll(ready);

describe('commonPrefix / commonSuffix', () => {
  // What a character loop gives, against the chunked comparison, with differences placed on both
  // sides of chunk boundaries (2,048 characters) and at the ends.
  const slowPrefix = (a: string, b: string) => { let p = 0; while (p < a.length && p < b.length && a[p] === b[p]) p++; return p; };
  const slowSuffix = (a: string, b: string, max: number) => { let q = 0; while (q < max && a[a.length - 1 - q] === b[b.length - 1 - q]) q++; return q; };
  it('agree with a character-by-character comparison', () => {
    const next = rng(7).next;
    const base = Array.from({ length: 9000 }, () => 'abcdefgh \n'[Math.floor(next() * 10)]).join('');
    const places = [0, 1, 2047, 2048, 2049, 4095, 4096, 6143, 8999, 9000];
    for (let t = 0; t < 300; t++) places.push(Math.floor(next() * 9001));
    for (const at of places) {
      for (const [del, ins] of [[0, 'x'], [1, ''], [3, 'yz'], [0, 'abc'.repeat(900)], [Math.min(2500, 9000 - at), 'q']] as const) {
        const b = base.slice(0, at) + ins + base.slice(Math.min(base.length, at + del));
        const p = commonPrefix(base, b);
        expect(p).toBe(slowPrefix(base, b));
        const max = Math.min(base.length, b.length) - p;
        expect(commonSuffix(base, b, max)).toBe(slowSuffix(base, b, max));
      }
    }
    expect(commonPrefix(base, base)).toBe(base.length);
    expect(commonSuffix(base, base, base.length)).toBe(base.length);
    expect(commonPrefix('', base)).toBe(0);
  });
});



/** The types whose numbers the fuzz compares: the facts' own, ERROR's, and a few more. */
const NUMBER_TYPES = new Set([...FACT_NODE_TYPES, 'ERROR', 'identifier', 'attribute', 'string', 'comment', 'module']);

const INSERTS = ['x', 'a', '_', '1', '(', ')', '[', ']', ':', '"', "'", '#', '\n', '    ', ' ', '.', ',', '=', '\\', 'def ', '"""', '\t'];

/** A random edit of `text`: an insertion, a deletion or a replacement of a few characters. */
function randomEdit(text: string, next: () => number): { start: number; end: number; insert: string } {
  const at = Math.floor(next() * (text.length + 1));
  const kind = next();
  const insert = INSERTS[Math.floor(next() * INSERTS.length)];
  if (kind < 0.45 || text.length === 0) return { start: at, end: at, insert };
  const len = 1 + Math.floor(next() * 3);
  return { start: at, end: Math.min(text.length, at + len), insert: kind < 0.75 ? '' : insert };
}

function positionOf(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  return { line, character: offset - lineStart };
}

/** A flat tree's columns as plain arrays, for `toEqual`. */
function columns(f: FlatTree): unknown[] {
  return [f.count, ...FLAT_COLUMNS.map((c) => Array.from(f[c].subarray(0, f.count)))];
}

/** Edit `doc` `steps` times at random, checking the spliced mirror against a fresh walk each time. */
function fuzz(text: string, seed: number, steps: number, undo = false): { spliced: number; copied: number; total: number } {
  const next = rng(seed).next;
  const doc = new PythonDocument('file:///fuzz.py', 1, text);
  // Recycling, as the server's incremental analysis does: every splice but the first few writes into
  // the buffer of the version before last, and must still equal a fresh walk.
  const cache = new MirrorCache({ recycle: true });
  let spliced = 0;
  let copied = 0;
  let total = 0;
  let undoing: ReturnType<typeof randomEdit> | undefined;
  try {
    cache.mirror(doc.tree!, doc.text);
    for (let step = 0; step < steps; step++) {
      let e = randomEdit(doc.text, next);
      // With `undo`, every other edit takes the one before back (typing stays near valid code).
      if (undo && step % 2 === 1) e = undoing!;
      undoing = { start: e.start, end: e.start + e.insert.length, insert: doc.text.slice(e.start, e.end) };
      const range = { start: positionOf(doc.text, e.start), end: positionOf(doc.text, e.end) };
      doc.applyChanges([{ range, text: e.insert }], doc.version + 1);
      const tree = doc.tree;
      if (!tree) { cache.clear(); continue; }
      const mirror = cache.mirror(tree, doc.text);
      const s = cache.lastSplice;
      if (s) {
        spliced++;
        copied += s.prefix + s.suffix;
        total += s.top.typeId.length;
      }
      // Against the runtime's cursor: the splice read the changed statements out of memory.
      const fresh = flatten(tree, { cursor: true });
      const d = columnDifference(mirror.columns, fresh);
      if (d) expect.fail(`seed ${seed} step ${step}: ${JSON.stringify(e)} (prefix ${s?.prefix}, suffix ${s?.suffix}): ${d}`);
      // The top level and the numbers of types the analysis asks for, mostly copied from the last
      // version's, against the same taken from scratch.
      expect(Array.from(mirror.topLevel())).toEqual(Array.from(topLevelOf(fresh).index));
      const numbers = Array.from(mirror.numbersOfTypes(NUMBER_TYPES, true));
      const scanned = Array.from(mirror.numbersOfTypes(NUMBER_TYPES));
      if (numbers.length !== scanned.length || numbers.some((x, k) => x !== scanned[k])) {
        expect.fail(`seed ${seed} step ${step}: ${JSON.stringify(e)} (prefix ${s?.prefix}, suffix ${s?.suffix}): numbers of types differ`);
      }
    }
  } finally {
    doc.dispose();
  }
  return { spliced, copied, total };
}

describe('spliced mirror', () => {
  it('equals a fresh walk after random edits of every Python file in the repository', () => {
    const files = pythonFiles(path.join(ROOT, 'samples')).concat(pythonFiles(path.join(ROOT, 'tests')));
    expect(files.length).toBeGreaterThan(50);
    let spliced = 0;
    files.forEach((file, k) => {
      spliced += fuzz(fs.readFileSync(file, 'utf8'), 1000 + k, 25).spliced;
      fuzz(fs.readFileSync(file, 'utf8'), 5000 + k, 20, true);
    });
    // Most edits are spliced, not walked afresh (a broken file or an edit at the top level may not be).
    expect(spliced).toBeGreaterThan(files.length * 25 * 0.5);
  });

  it('equals a fresh walk after random edits of generated framework code, copying untouched statements', () => {
    fuzz(generateFile(1500, 3), 41, 200);
    const r = fuzz(generateFile(1500, 7), 42, 400, true);
    expect(r.spliced).toBeGreaterThan(350);
    // An edit touches one statement or a few: nearly all the others are copied.
    expect(r.copied / r.total).toBeGreaterThan(0.95);
  });

  it('copies every statement but the edited one for an edit inside a function body', () => {
    const text = 'import jax\n\ndef f(x):\n    return x\n\ndef g(y):\n    h = y + 1\n    return h\n\nclass C:\n    pass\n';
    const doc = new PythonDocument('file:///a.py', 1, text);
    const cache = new MirrorCache();
    cache.mirror(doc.tree!, doc.text);
    doc.applyChanges([{ range: { start: { line: 6, character: 5 }, end: { line: 6, character: 5 } }, text: 'x' }], 2);
    const mirror = cache.mirror(doc.tree!, doc.text);
    expect(cache.lastSplice).toMatchObject({ prefix: 2, suffix: 1, delta: 1 });
    expect(columns(mirror.columns)).toEqual(columns(flatten(doc.tree!)));
    expect(mirror.rootNode.namedChildren.map((n) => n.type)).toEqual(['import_statement', 'function_definition', 'function_definition', 'class_definition']);
    expect(mirror.rootNode.namedChildren[3].text).toBe('class C:\n    pass');
    doc.dispose();
  });

  it('with recycle, writes each version into the buffer of the version before last and retires that tree', () => {
    const text = 'import jax\n\ndef f(x):\n    return x\n\ndef g(y):\n    h = y + 1\n    return h\n';
    const doc = new PythonDocument('file:///r.py', 1, text);
    const cache = new MirrorCache({ recycle: true });
    const versions = [cache.mirror(doc.tree!, doc.text)];
    const buffers = [bufferOf(versions[0].columns)];
    for (let v = 2; v <= 5; v++) {
      doc.applyChanges([{ range: { start: { line: 6, character: 5 }, end: { line: 6, character: 5 } }, text: v % 2 ? 'x' : 'yz' }], v);
      versions.push(cache.mirror(doc.tree!, doc.text));
      buffers.push(bufferOf(versions.at(-1)!.columns));
      expect(cache.lastSplice).toBeDefined();
      expect(columns(versions.at(-1)!.columns)).toEqual(columns(flatten(doc.tree!)));
    }
    expect(buffers.every((b) => b !== undefined)).toBe(true);
    // The first two were made in new buffers; from the third on, each is written into the buffer of
    // the version before last (the same node count here, so it fits).
    expect(new Set(buffers.slice(0, 2)).size).toBe(2);
    expect(buffers[2]).toBe(buffers[0]);
    expect(buffers[3]).toBe(buffers[1]);
    expect(buffers[4]).toBe(buffers[2]);
    // The trees whose buffers were taken read as empty, never as a later version.
    for (const retired of versions.slice(0, 3)) {
      expect(retired.count).toBe(0);
      expect(retired.typeOf(1)).toBe('ERROR');
      expect(retired.startOf(1)).toBeUndefined();
    }
    // The last two are intact.
    expect(versions[3].rootNode.namedChildren.map((n) => n.type)).toEqual(['import_statement', 'function_definition', 'function_definition']);
    expect(versions[4].rootNode.namedChildren[2].text).toBe(doc.text.slice(doc.text.indexOf('def g')).trimEnd());
    doc.dispose();
  });

  it('with recycle, keeps what the buffer of the version before last already holds: typing copies no column of the statements before the edit, and a character typed then deleted moves none after it', () => {
    const text = generateFile(600, 11);
    const doc = new PythonDocument('file:///w.py', 1, text);
    const cache = new MirrorCache({ recycle: true });
    cache.mirror(doc.tree!, doc.text);
    // After a name assigned to in a function body, halfway through the file (typing keeps it a name).
    const name = /\n +[A-Za-z_][A-Za-z0-9_]* = /g;
    name.lastIndex = text.length >> 1;
    const found = name.exec(text)!;
    const place = positionOf(doc.text, found.index + found[0].length - 3);
    const typeAt = (character: number, insert: string, remove = 0) => {
      doc.applyChanges([{ range: { start: { line: place.line, character }, end: { line: place.line, character: character + remove } }, text: insert }], doc.version + 1);
      const mirror = cache.mirror(doc.tree!, doc.text);
      expect(cache.lastSplice).toBeDefined();
      expect(columns(mirror.columns)).toEqual(columns(flatten(doc.tree!)));
      return { ...lastSpliceWrites, count: mirror.count, prefix: cache.lastSplice!.top.index[cache.lastSplice!.prefix], suffix: mirror.count - cache.lastSplice!.top.index[cache.lastSplice!.top.index.length - 1 - cache.lastSplice!.suffix] };
    };
    // The first two versions after the walk have no older version in their buffer.
    typeAt(place.character, 'a');
    typeAt(place.character, '', 1);
    // From then on, a character typed and deleted in a name: the buffer holds the same version.
    for (let k = 0; k < 4; k++) {
      const typed = typeAt(place.character, 'x');
      expect(typed.prefix).toBeGreaterThan(1000);
      expect(typed.suffix).toBeGreaterThan(1000);
      expect(typed).toMatchObject({ copied: 0, moved: 0 });
      expect(typeAt(place.character, '', 1)).toMatchObject({ copied: 0, moved: 0 });
    }
    // Typing on: the statements after the edit move by two characters in place, nothing is copied
    // (the first character leaves the text as long as two versions before: nothing moves).
    let column = place.character;
    for (const ch of 'abcdef') {
      const r = typeAt(column++, ch);
      expect(r).toMatchObject({ copied: 0, moved: ch === 'a' ? 0 : r.suffix });
    }
    // A new line adds nodes: still moved in place, never copied.
    const r = typeAt(column, '\n        y = 1');
    expect(r.copied).toBe(0);
    doc.dispose();
  });

  it('splices the same columns with the library cursor, the runtime cursor and memory', () => {
    const text = 'import torch\n\ndef f():\n    pass\n\ndef g():\n    return torch.ones(3)\n';
    const doc = new PythonDocument('file:///b.py', 1, text);
    const flat = flatten(doc.tree!);
    const old = { flat, top: topLevelOf(flat), text: doc.text };
    doc.applyChanges([{ range: { start: { line: 3, character: 4 }, end: { line: 3, character: 8 } }, text: 'return 1' }], 2);
    const direct = splice(old, doc.tree!, doc.text);
    expect(lastWalkMemory).toBe(true);
    const library = splice(old, doc.tree!, doc.text, { library: true });
    const cursor = splice(old, doc.tree!, doc.text, { cursor: true });
    expect(direct && library && cursor).toBeTruthy();
    expect(columns(library!.flat)).toEqual(columns(direct!.flat));
    expect(columns(cursor!.flat)).toEqual(columns(direct!.flat));
    expect(columns(direct!.flat)).toEqual(columns(flatten(doc.tree!)));
    expect([direct!.prefix, direct!.suffix]).toEqual([1, 1]);
    doc.dispose();
  });
});
