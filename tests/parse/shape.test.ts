/**
 * The mirror walk takes some answers from the node types instead of the runtime (parse/shape.ts): an
 * anonymous token's end and children in a tree without syntax errors, and the fields of children
 * whose parent's type has none. These tests hold that walk to the one that asks the runtime
 * everything, on every Python file in the repository and on broken copies of them.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ready } from '../helpers/analyze';
import { ROOT, pythonFiles } from '../helpers/files';
import { rng } from '../../scripts/bench/generate.mjs';
import { createParser, getLanguage, parserText } from '../../server/src/parse/parser';
import { FLAT_COLUMNS, flatten } from '../../server/src/parse/syntax';
import { FIELDS_ANY, FIELDS_NAMED, FIELDS_NONE, describes, makeShape, shapeOf } from '../../server/src/parse/shape';

beforeAll(ready);

const ids = (name: string, named: boolean) => getLanguage().types.flatMap((t, id) => (t === name && getLanguage().nodeTypeIsNamed(id) === named ? [id] : []));

describe('the shape of the Python grammar', () => {
  it('knows the spelled tokens, the two anonymous aliases that are not leaves, and which types give fields', () => {
    const shape = shapeOf(getLanguage());
    for (const [token, length] of [['(', 1], ['def', 3], ['+=', 2], ['lambda', 6], [':=', 2]] as const) {
      expect(ids(token, false).length, token).toBeGreaterThan(0);
      for (const id of ids(token, false)) expect(shape.leafLength[id], token).toBe(length);
    }
    for (const alias of ['is not', 'not in']) for (const id of ids(alias, false)) expect(shape.leafLength[id], alias).toBe(0);
    for (const id of ids('identifier', true)) expect(shape.leafLength[id]).toBe(0);
    const kind = (name: string) => new Set(ids(name, true).map((id) => shape.fieldKinds[id]));
    expect(kind('module')).toEqual(new Set([FIELDS_NONE]));
    expect(kind('argument_list')).toEqual(new Set([FIELDS_NONE]));
    expect(kind('block')).toEqual(new Set([FIELDS_NAMED])); // match's case clauses: `alternative`
    expect(kind('call')).toEqual(new Set([FIELDS_NAMED]));
    expect(kind('binary_operator')).toEqual(new Set([FIELDS_ANY]));
    expect(kind('for_in_clause')).toEqual(new Set([FIELDS_ANY]));
    expect(shape.fieldKinds[0xffff]).toBe(FIELDS_ANY);
  });

  it("is used only for the grammar version node-types.json describes; otherwise it assumes nothing", () => {
    expect(describes(getLanguage())).toBe(true);
    expect(describes(getLanguage(), '0.24.1')).toBe(false);
    const none = makeShape(getLanguage(), undefined);
    expect(none.leafLength.every((x) => x === 0)).toBe(true);
    expect(none.fieldKinds.every((x) => x === FIELDS_ANY)).toBe(true);
    expect(none.named).toEqual(shapeOf(getLanguage()).named);
  });
});

const EDITS = ['(', ')', ':', '', ' is  not ', ' not\tin ', '"', '\n    ', 'lambda', ','];

describe('the walk with the shape gives the columns of the walk that asks everything', () => {
  const files = [...pythonFiles(path.join(ROOT, 'samples')), ...pythonFiles(path.join(ROOT, 'tests'))];
  let broken = 0;
  let clean = 0;

  it.each(files.map((f) => [path.relative(ROOT, f)]))('%s, and four broken copies', (rel) => {
    const source = fs.readFileSync(path.join(ROOT, rel), 'utf8');
    const next = rng(rel.length * 7919 + source.length).next;
    const parser = createParser();
    try {
      for (let k = 0; k < 5; k++) {
        let text = source;
        if (k > 0) {
          const at = Math.floor(next() * (text.length + 1));
          text = text.slice(0, at) + EDITS[Math.floor(next() * EDITS.length)] + text.slice(at + Math.floor(next() * 4));
        }
        const tree = parser.parse(parserText(text))!;
        try {
          if (tree.rootNode.hasError) broken++; else clean++;
          const fast = flatten(tree, { cursor: true });
          const plain = flatten(tree, { plain: true });
          expect(fast.count, `copy ${k}`).toBe(plain.count);
          for (const c of FLAT_COLUMNS) expect(fast[c].subarray(0, fast.count), `copy ${k}: ${c}`).toEqual(plain[c].subarray(0, plain.count));
        } finally {
          tree.delete();
        }
      }
    } finally {
      parser.delete();
    }
  });

  it('compared trees with and without syntax errors', () => {
    expect(broken).toBeGreaterThan(20);
    expect(clean).toBeGreaterThan(20);
  });
});
