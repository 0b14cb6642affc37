/**
 * How analyzeSyntax hands nodes to rules: every named node of a visited type, in document order (a
 * parent before its children), by type id — ERROR nodes included (their id, 0xffff, is kept apart) —
 * never the anonymous node of the same name (the `lambda` keyword), and `exit` once after the last.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { createParser } from '../../server/src/parse/parser';
import { analyzeSyntax } from '../../server/src/analyze';
import { SyntaxTree, preorderSyntax } from '../../server/src/parse/mirror';
import type { Rule } from '../../server/src/rules/types';
import { ready } from '../helpers/analyze';
import { ROOT, pythonFiles } from '../helpers/files';
import { ALL_RULES } from '../../server/src/rules/index';
import { generateFile } from '../../scripts/bench/generate.mjs';
import * as fs from 'node:fs';
import * as path from 'node:path';

beforeAll(ready);

/** A rule that records what it is given, in order. */
function recorder(types: string[], seen: string[]): Rule {
  const visitor: Record<string, (n: { type: string; startIndex: number }) => void> = {};
  for (const t of types) visitor[t] = (n) => seen.push(`${n.type}@${n.startIndex}`);
  return {
    meta: { code: 'TEST001', name: 'recorder', framework: 'portability', category: 'portability', defaultSeverity: 'hint', fixable: false, summary: '' },
    create: () => ({ ...visitor, exit: () => { seen.push('exit'); } }),
  };
}

/** The named nodes of these types by a plain pre-order walk of the mirror: what dispatch must match. */
function expected(syntax: SyntaxTree, types: string[]): string[] {
  const out: string[] = [];
  preorderSyntax(syntax.rootNode, (n) => { if (n.isNamed && types.includes(n.type)) out.push(`${n.type}@${n.startIndex}`); });
  return out;
}

describe('rule dispatch', () => {
  const run = (source: string, types: string[]) => {
    const parser = createParser();
    const tree = parser.parse(source)!;
    const syntax = new SyntaxTree(tree, source);
    const seen: string[] = [];
    analyzeSyntax(syntax, source, { select: ['TEST001'] }, [recorder(types, seen)]);
    const want = expected(syntax, types);
    tree.delete();
    parser.delete();
    return { seen, want };
  };

  it('gives each named node of the visited types once, in document order, then exit', () => {
    const source = 'import torch\nf = lambda x: torch.sum(g(x), dim=1)\nfor i in range(3):\n    print(f(i))\n';
    const { seen, want } = run(source, ['call', 'lambda', 'identifier']);
    expect(want.filter((s) => s.startsWith('lambda'))).toHaveLength(1); // the node, not the keyword
    expect(want.length).toBeGreaterThan(10);
    expect(seen).toEqual([...want, 'exit']);
  });

  it('gives ERROR nodes to a rule that visits them, among the others in document order', () => {
    const source = 'x = foo(1,\nimport torch\ny = (2 +\nprint(x))) ]\ndef f(:\n    return 3\n';
    const { seen, want } = run(source, ['ERROR', 'call']);
    expect(want.some((s) => s.startsWith('ERROR'))).toBe(true);
    expect(want.some((s) => s.startsWith('call'))).toBe(true);
    expect(seen).toEqual([...want, 'exit']);
  });

  it('calls exit even when no node of its types occurs', () => {
    expect(run('x = 1\n', ['call']).seen).toEqual(['exit']);
  });
});

describe('call filters (Rule.calls)', () => {
  const SOURCE = [
    'import numpy as np',
    'import torch',
    'from jax import random',
    'x = torch.zeros(3)',          // callee torch.zeros (prefix torch.)
    'y = x.item()',                // method item
    'print(y)',                    // name print
    'k = random.split(key)',       // callee jax.random.split (exact)
    'z = np.asarray(x).item()',    // method item (outer) and callee numpy.asarray (inner)
    'w = helper(x)',               // nothing declared
    'v = x.sum()',                 // method sum: not declared
    '',
  ].join('\n');

  /** The calls a filtered and an unfiltered recorder see, as text. */
  const seenWith = (calls: Rule['calls']) => {
    const parser = createParser();
    const tree = parser.parse(SOURCE)!;
    const syntax = new SyntaxTree(tree, SOURCE);
    const filtered: string[] = [];
    const all: string[] = [];
    const rule = (code: string, into: string[], filter?: Rule['calls']): Rule => ({
      meta: { code, name: code, framework: 'portability', category: 'portability', defaultSeverity: 'hint', fixable: false, summary: '' },
      calls: filter,
      create: () => ({ call: (n) => { into.push(n.text); } }),
    });
    analyzeSyntax(syntax, SOURCE, { select: ['TEST'] }, [rule('TEST001', filtered, calls), rule('TEST002', all)]);
    tree.delete();
    parser.delete();
    return { filtered, all };
  };

  it('shows a filtered call visitor only the calls it declared: callee, callee prefix, method, bare name; each once, in document order', () => {
    const { filtered, all } = seenWith({ callees: ['jax.random.split', 'numpy.asarray'], calleePrefixes: ['torch.'], methods: ['item'], names: ['print'] });
    expect(all).toHaveLength(8);
    expect(filtered).toEqual(['torch.zeros(3)', 'x.item()', 'print(y)', 'random.split(key)', 'np.asarray(x).item()', 'np.asarray(x)']);
  });

  it('a call matching several keys of one filter is shown once', () => {
    const { filtered } = seenWith({ callees: ['torch.zeros'], calleePrefixes: ['torch.', 'torch.z'], names: ['print'] });
    expect(filtered).toEqual(['torch.zeros(3)', 'print(y)']);
  });

  it('without a filter the visitor sees every call', () => {
    const { filtered, all } = seenWith(undefined);
    expect(filtered).toEqual(all);
  });

  it('prefixes with and without a dot; a prefix never matches a callee without its dot', () => {
    expect(seenWith({ calleePrefixes: ['tor'] }).filtered).toEqual(['torch.zeros(3)']);
    expect(seenWith({ calleePrefixes: ['jax.random.', 'numpy.'] }).filtered).toEqual(['random.split(key)', 'np.asarray(x)']);
    expect(seenWith({ calleePrefixes: ['numpy.asarray.'] }).filtered).toEqual([]);
  });

  it('several filtered rules wanting one call see it in rule order, whichever key each matched by', () => {
    // Matched by prefix, by bare name, by exact callee, by method: the index finds them in another
    // order (method and name first, then callee, then prefixes) and must hand them out in rule order.
    const order: string[] = [];
    const rule = (code: string, calls: Rule['calls']): Rule => ({
      meta: { code, name: code, framework: 'portability', category: 'portability', defaultSeverity: 'hint', fixable: false, summary: '' },
      calls,
      create: () => ({ call: (n) => { order.push(`${code} ${n.text}`); } }),
    });
    const source = 'import torch\nfrom torch import zeros\ntorch.zeros(3).sum()\nzeros(2)\n';
    const rules = [
      rule('TEST001', { calleePrefixes: ['torch.'] }),
      rule('TEST002', { names: ['zeros'] }),
      rule('TEST003', { callees: ['torch.zeros'] }),
      rule('TEST004', { methods: ['zeros', 'sum'] }),
      rule('TEST005', { calleePrefixes: ['torch.z'] }),
    ];
    const parser = createParser();
    const tree = parser.parse(source)!;
    analyzeSyntax(new SyntaxTree(tree, source), source, { select: ['TEST'] }, rules);
    tree.delete();
    parser.delete();
    expect(order).toEqual([
      'TEST004 torch.zeros(3).sum()',
      'TEST001 torch.zeros(3)', 'TEST003 torch.zeros(3)', 'TEST004 torch.zeros(3)', 'TEST005 torch.zeros(3)',
      'TEST001 zeros(2)', 'TEST002 zeros(2)', 'TEST003 zeros(2)', 'TEST005 zeros(2)',
    ]);
  });

  it('keeps finding the right rules when a file calls more distinct callees than the index remembers', () => {
    // The index remembers which rules each callee name selects, up to 4,096 names, then starts over.
    const n = 5000;
    const source = `import mod\n${Array.from({ length: n }, (_, i) => `mod.f${i}(${i})`).join('\n')}\n`;
    const seen: Record<string, string[]> = { TEST001: [], TEST002: [] };
    const rule = (code: string, calls: Rule['calls']): Rule => ({
      meta: { code, name: code, framework: 'portability', category: 'portability', defaultSeverity: 'hint', fixable: false, summary: '' },
      calls,
      create: () => ({ call: (c) => { seen[code].push(c.text); } }),
    });
    const rules = [rule('TEST001', { calleePrefixes: ['mod.'] }), rule('TEST002', { callees: ['mod.f7', 'mod.f4999'] })];
    const parser = createParser();
    const tree = parser.parse(source)!;
    for (let pass = 0; pass < 2; pass++) {
      seen.TEST001 = [];
      seen.TEST002 = [];
      analyzeSyntax(new SyntaxTree(tree, source), source, { select: ['TEST'] }, rules);
      expect(seen.TEST001).toHaveLength(n);
      expect(seen.TEST002).toEqual(['mod.f7(7)', 'mod.f4999(4999)']);
    }
    tree.delete();
    parser.delete();
  });

  it('the same filter object in another rule set, or another filter under the same code, is indexed afresh', () => {
    const a = seenWith({ methods: ['item'] }).filtered;
    const b = seenWith({ methods: ['sum'] }).filtered;
    const c = seenWith({ methods: ['item'] }).filtered;
    expect(a).toEqual(['x.item()', 'np.asarray(x).item()']);
    expect(b).toEqual(['x.sum()']);
    expect(c).toEqual(a);
  });
});

describe('attribute filters (Rule.attributes)', () => {
  const SOURCE = [
    'import jax.numpy as jnp',
    'import tensorflow as tf',
    'a = jnp.float64',              // last name float64
    'b = tf.compat.v1.Session()',   // compat (inner), v1, Session
    'c = x.float64.y',              // float64 (inner) and y
    'd = obj.requires_grads',       // a length of its own
    'e = (',                        // broken: an attribute without its last name
    '  obj.',
    ')',
    '',
  ].join('\n');

  const seenWith = (names: string[] | undefined, also: Record<string, (n: { text: string }) => void> = {}) => {
    const parser = createParser();
    const tree = parser.parse(SOURCE)!;
    const syntax = new SyntaxTree(tree, SOURCE);
    const filtered: string[] = [];
    const all: string[] = [];
    const rule = (code: string, into: string[], filter?: string[]): Rule => ({
      meta: { code, name: code, framework: 'portability', category: 'portability', defaultSeverity: 'hint', fixable: false, summary: '' },
      attributes: filter,
      create: () => ({ attribute: (n) => { into.push(n.text); }, ...also }),
    });
    analyzeSyntax(syntax, SOURCE, { select: ['TEST'] }, [rule('TEST001', filtered, names), rule('TEST002', all)]);
    tree.delete();
    parser.delete();
    return { filtered, all };
  };

  it('shows a filtered attribute visitor only attributes with a declared last name, in document order', () => {
    const { filtered, all } = seenWith(['float64', 'v1', 'requires_grads']);
    expect(all).toEqual(expect.arrayContaining(['jnp.float64', 'tf.compat.v1.Session', 'tf.compat.v1', 'tf.compat', 'x.float64.y', 'x.float64', 'obj.requires_grads']));
    expect(filtered).toEqual(['jnp.float64', 'tf.compat.v1', 'x.float64', 'obj.requires_grads']);
  });

  it('the same last name declared twice is shown once; other visitors of the rule are untouched', () => {
    const calls: string[] = [];
    const { filtered } = seenWith(['Session', 'Session'], { call: (n) => { calls.push(n.text); } });
    expect(filtered).toEqual(['tf.compat.v1.Session']);
    expect(calls).toEqual(['tf.compat.v1.Session()', 'tf.compat.v1.Session()']);
  });

  it('without a filter the visitor sees every attribute', () => {
    const { filtered, all } = seenWith(undefined);
    expect(filtered).toEqual(all);
  });
});

describe('every declared filter is implied by its visitor', () => {
  // A rule's `calls` / `attributes` filter only spares its visitor nodes it would pass over: with the
  // filter taken away, the rule must report exactly the same, fixes included. Checked on the rule
  // fixtures, the samples and a generated file of every framework's idioms (the benchmark's).
  const texts = [
    ...pythonFiles(path.join(ROOT, 'tests', 'rules', 'fixtures')),
    ...pythonFiles(path.join(ROOT, 'samples')),
  ].map((f) => fs.readFileSync(f, 'utf8'));
  texts.push(generateFile(1500, 3));
  const filtered = ALL_RULES.filter((r) => r.calls || r.attributes);

  it('some rules declare filters', () => { expect(filtered.length).toBeGreaterThan(10); });

  it.each(filtered.map((r) => [r.meta.code, r]))('%s', (code, rule) => {
    const bare: Rule = { ...(rule as Rule), calls: undefined, attributes: undefined };
    const parser = createParser();
    let findings = 0;
    try {
      for (const text of texts) {
        const tree = parser.parse(text)!;
        const withFilter = analyzeSyntax(new SyntaxTree(tree, text), text, { select: [code as string] }, [rule as Rule]).findings;
        const without = analyzeSyntax(new SyntaxTree(tree, text), text, { select: [code as string] }, [bare]).findings;
        tree.delete();
        expect(withFilter).toEqual(without);
        findings += withFilter.length;
      }
    } finally {
      parser.delete();
    }
    expect(findings).toBeGreaterThan(0);
  });
});
