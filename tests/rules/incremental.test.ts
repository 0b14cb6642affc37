/**
 * The incremental analysis (server/src/incremental.ts) re-runs the statement-local rules only on the
 * top-level statements an edit can have changed and keeps their findings elsewhere. These tests hold
 * its findings equal to a whole-file analysis of the same text after thousands of random edits (typing
 * into names, deleting, brackets, newlines, decorators, imports, whole lines duplicated or removed) on
 * the repository's Python files and on generated benchmark code, with the default rules and with all
 * of them; and check, on small cases, that it does re-run what a change elsewhere affects and keeps
 * what it cannot.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ready } from '../helpers/analyze';
import { ROOT, pythonFiles } from '../helpers/files';
import { PythonDocument, positionAt } from '../../server/src/parse/document';
import { SyntaxTree } from '../../server/src/parse/mirror';
import { analyzeSyntax } from '../../server/src/analyze';
import { CONTAINER_SETS, CONTAINER_VALUES, IncrementalAnalysis, sameFacts } from '../../server/src/incremental';
import { ALL_NAMES, Facts, FACT_NODE_TYPES, type Container } from '../../server/src/resolve/facts';
import { ALL_RULES } from '../../server/src/rules/index';
import type { Settings } from '../../server/src/config/settings';
import { generateFile, rng } from '../../scripts/bench/generate.mjs';

beforeAll(ready);

const INSERTS = ['x', 'a', '_', '1', '(', ')', ':', '"', '#', '\n', '    ', ' ', '.', ',', '=', 'jax.jit(', 'torch.no_grad()',
  '@tf.function\n', '@jax.jit\n', 'import jax\n', 'def f(x):\n    ', 'x = 1\n', 'acc = []\n', 'print(x)\n', '.append(1)', '.item()', '.cuda()'];

/** A random edit: typing into or deleting from a name, a few characters anywhere, or a whole line. */
function randomEdit(text: string, starts: number[], next: () => number): { start: number; end: number; insert: string } {
  const kind = next();
  if (kind < 0.45) {
    const from = Math.floor(next() * text.length);
    const m = /[A-Za-z_][A-Za-z0-9_]*/g;
    m.lastIndex = from;
    const word = m.exec(text);
    if (word) {
      const at = word.index + Math.floor(next() * (word[0].length + 1));
      return next() < 0.5 ? { start: at, end: at, insert: 'xa_1'[Math.floor(next() * 4)] } : { start: at, end: Math.min(text.length, at + 1), insert: '' };
    }
  }
  if (kind < 0.85) {
    const at = Math.floor(next() * (text.length + 1));
    if (next() < 0.3) return { start: at, end: Math.min(text.length, at + 1 + Math.floor(next() * 3)), insert: '' };
    return { start: at, end: at, insert: INSERTS[Math.floor(next() * INSERTS.length)] };
  }
  const line = Math.floor(next() * starts.length);
  const s = starts[line];
  const e = line + 1 < starts.length ? starts[line + 1] : text.length;
  return next() < 0.5 ? { start: s, end: e, insert: '' } : { start: s, end: s, insert: text.slice(s, e) };
}

function wholeFile(doc: PythonDocument, settings: Settings) {
  return analyzeSyntax(new SyntaxTree(doc.tree!, doc.text, undefined, doc.lineStarts), doc.text, settings).findings;
}

/** What a version's facts hold, as text: containers (with the facts set from elsewhere), calls, bindings, defs, imports. */
function factsDigest(facts: Facts): string[] {
  const set = (x: Set<string> | undefined) => [...(x ?? [])].sort().join(',');
  const entries = <V>(m: Map<string, V>) => [...Map.prototype.entries.call(m)] as Array<[string, V]>;
  return [
    ...facts.containers.map((c) => [c.index, c.kind, c.node.id, c.start, c.end, c.parent, c.name, (c.params ?? []).join(','), c.traced, c.tracedDirect,
      c.eager, c.noGrad, c.training, set(c.tracedBy), set(c.staticParams), set(c.unmappedParams), set(c.trainingFramework), set(c.callsCompiled)].join('|')),
    facts.calls.map((c) => c.id).join(','),
    // What the passes over calls were told of each (carried with a kept statement's calls).
    Array.from((facts as unknown as { callMarks: Uint8Array }).callMarks).join(''),
    ...entries(facts.assignments).map(([n, l]) => `${n}:${l.map((a) => [a.offset, a.value.id, a.scope, a.via, a.augmented, a.callee].join('/')).join(';')}`),
    ...entries(facts.functionsByName).map(([n, l]) => `${n}:${l.map((c) => c.index).join(',')}`),
    [...facts.imports.bindings.values()].map((b) => `${b.local}=${b.qualified}@${b.node.id}`).join(',') + ` ${facts.imports.insertLine} ${facts.imports.starModules.join(',')}`,
  ];
}

/** Names whose calls the fuzz test asks of every version (so that each version carries the last one's answers). */
const CALL_NAMES = ['f', 'x', 'print', 'append', 'item', 'step', 'backward', 'jit', 'eval', 'train', 'cuda', 'zeros', 'apply', 'prefetch'];
const callsByName = (facts: Facts) => CALL_NAMES.map((n) => `${n}:${facts.callsNamed(n).map((c) => c.id).join(',')}`);

/** The facts a build over the whole tree gives, and the innermost container of each node they were built from. */
function freshFacts(facts: Facts): { digest: string[]; containerOf: number[]; calls: string[] } {
  const syntax = facts.root.tree;
  const fresh = new Facts(syntax.rootNode, facts.source);
  const numbers = syntax.numbersOfTypes(new Set(FACT_NODE_TYPES));
  fresh.build(numbers);
  return { digest: factsDigest(fresh), containerOf: Array.from(numbers, (i) => fresh.containerIndex(syntax.node(i))), calls: callsByName(fresh) };
}

/** Random edits of `text`, the incremental findings checked against a whole-file analysis after each. */
function fuzz(text: string, seed: number, edits: number, settings: Settings): { visited: number; statements: number } {
  const next = rng(seed).next;
  const doc = new PythonDocument('file:///fuzz.py', 1, text);
  const inc = new IncrementalAnalysis();
  inc.analyze(doc.tree!, doc.text, doc.lineStarts, settings);
  let visited = 0;
  let statements = 0;
  for (let k = 0; k < edits; k++) {
    const e = randomEdit(doc.text, doc.lineStarts, next);
    const range = { start: positionAt(doc.lineStarts, e.start), end: positionAt(doc.lineStarts, e.end) };
    doc.applyChanges([{ range, text: e.insert }], k + 2);
    const result = inc.analyze(doc.tree!, doc.text, doc.lineStarts, settings);
    const got = result.findings;
    const want = wholeFile(doc, settings);
    // The facts, carried over from the last version where the edit kept statements, are those of a
    // build over the whole tree.
    const fresh = freshFacts(result.facts);
    const numbers = result.facts.root.tree.numbersOfTypes(new Set(FACT_NODE_TYPES));
    // The calls by name too, which a version works out from the last one's answers and the touched text.
    expect({ edit: k, facts: factsDigest(result.facts), containerOf: Array.from(numbers, (i) => result.facts.containerIndex(result.facts.root.tree.node(i))), calls: callsByName(result.facts) })
      .toEqual({ edit: k, facts: fresh.digest, containerOf: fresh.containerOf, calls: fresh.calls });
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      // The first difference, readably.
      expect({ edit: k, at: e.start, insert: e.insert, findings: got }).toEqual({ edit: k, at: e.start, insert: e.insert, findings: want });
    }
    // The words of all statements, kept by count across versions, are those the statements hold.
    const last = (inc as unknown as { last: { statements: Array<{ words: readonly string[] }>; words: Map<string, number> } }).last;
    const union = new Map<string, number>();
    for (const st of last.statements) for (const w of st.words) union.set(w, (union.get(w) ?? 0) + 1);
    expect({ edit: k, words: [...last.words].sort() }).toEqual({ edit: k, words: [...union].sort() });
    if (!inc.lastStats?.full) {
      visited += inc.lastStats!.visited;
      statements += inc.lastStats!.statements;
    }
  }
  doc.dispose();
  return { visited, statements };
}

describe('incremental analysis', () => {
  it('equals a whole-file analysis after random edits of the samples and the rule fixtures', () => {
    const files = [...pythonFiles(path.join(ROOT, 'samples')), ...pythonFiles(path.join(ROOT, 'tests/rules/fixtures'))];
    expect(files.length).toBeGreaterThan(70);
    files.forEach((file, i) => {
      const text = fs.readFileSync(file, 'utf8');
      fuzz(text, 100 + i, 12, {});
      fuzz(text, 200 + i, 12, { select: ['ALL'] });
    });
  });

  it('equals a whole-file analysis after random edits of generated framework code', () => {
    fuzz(generateFile(1200, 5), 7, 150, {});
    fuzz(generateFile(800, 9), 8, 100, { select: ['ALL'] });
  });

  it('re-runs the statement-local rules on few statements while a name is typed', () => {
    // As the benchmark types: a character after the name of an indented assignment, then deleted.
    const text = generateFile(1500, 11);
    const doc = new PythonDocument('file:///typing.py', 1, text);
    const inc = new IncrementalAnalysis();
    inc.analyze(doc.tree!, doc.text, doc.lineStarts, {});
    const lines = text.split('\n');
    const places = lines.flatMap((l, line) => {
      const m = /^([ \t]+)([A-Za-z_][A-Za-z0-9_]*) = /.exec(l);
      return m ? [{ line, character: m[1].length + m[2].length }] : [];
    }).filter((_, i) => i % 7 === 0);
    let visited = 0;
    let statements = 0;
    let version = 2;
    for (const p of places) {
      for (const change of [{ range: { start: p, end: p }, text: 'x' }, { range: { start: p, end: { line: p.line, character: p.character + 1 } }, text: '' }]) {
        doc.applyChanges([change], version++);
        const got = inc.analyze(doc.tree!, doc.text, doc.lineStarts, {}).findings;
        expect(got).toEqual(wholeFile(doc, {}));
        visited += inc.lastStats!.visited;
        statements += inc.lastStats!.statements;
      }
    }
    expect(doc.text).toBe(text);
    expect(places.length).toBeGreaterThan(20);
    expect(visited / statements).toBeLessThan(0.1);
    doc.dispose();
  });

  it("keeps a result's facts good until the next analysis, which retires them and hands their columns on", () => {
    const text = 'import jax\n\ndef f(x):\n    return x\n\ng = jax.jit(f)\ny = 1\n';
    const doc = new PythonDocument('file:///recycle.py', 1, text);
    const inc = new IncrementalAnalysis();
    const results = [inc.analyze(doc.tree!, doc.text, doc.lineStarts, {})];
    const jitCall = (r: (typeof results)[number]) => r.facts.calls.find((c) => c.text.startsWith('jax.jit'))!;
    const calls = [jitCall(results[0])];
    expect(results[0].facts.callee(calls[0])).toBe('jax.jit');
    for (let v = 2; v <= 4; v++) {
      doc.applyChanges([{ range: { start: { line: 6, character: 1 }, end: { line: 6, character: 1 } }, text: 'y' }], v);
      results.push(inc.analyze(doc.tree!, doc.text, doc.lineStarts, {}));
      calls.push(jitCall(results.at(-1)!));
      // The result just made answers as it should; the one before it was retired by this analysis.
      expect(results.at(-1)!.facts.callee(calls.at(-1)!)).toBe('jax.jit');
      expect(results.at(-2)!.facts.callee(calls.at(-2)!)).toBeUndefined();
    }
    for (const r of results.slice(0, -1)) expect(r.facts.callee(calls[results.indexOf(r)])).toBeUndefined();
    // The analysis keeps no retired facts, only their buffers (else their objects lived one version longer).
    for (const value of Object.values(inc)) expect(value instanceof Facts).toBe(false);
    // Facts carried over from a version do not hold on to it (else every version would keep all before it).
    for (const r of results) {
      for (const value of Object.values(r.facts)) {
        expect(value instanceof Facts).toBe(false);
        expect(value !== null && typeof value === 'object' && 'from' in value && (value as { from: unknown }).from instanceof Facts).toBe(false);
      }
    }
    doc.dispose();
  });

  const settings: Settings = { select: ['ALL'] };
  /** Analyse `before`, then the text with `from` replaced by `to`; both results and what was visited. */
  function edit(before: string, from: string, to: string) {
    const doc = new PythonDocument('file:///t.py', 1, before);
    const inc = new IncrementalAnalysis();
    const first = inc.analyze(doc.tree!, doc.text, doc.lineStarts, settings).findings;
    const at = before.indexOf(from);
    expect(at).toBeGreaterThanOrEqual(0);
    doc.applyChanges([{ range: { start: positionAt(doc.lineStarts, at), end: positionAt(doc.lineStarts, at + from.length) }, text: to }], 2);
    const second = inc.analyze(doc.tree!, doc.text, doc.lineStarts, settings).findings;
    expect(second).toEqual(wholeFile(doc, settings));
    const stats = inc.lastStats!;
    doc.dispose();
    return { first, second, stats };
  }
  const codes = (fs: Array<{ code: string; range: { start: { line: number } } }>) => fs.map((f) => `${f.code}@${f.range.start.line}`);

  it('keeps the findings of statements an edit cannot affect, moved with their lines', () => {
    const src = 'import torch\n\n\ndef a(x):\n    y = 1\n    return y\n\n\ndef b(t):\n    for i in range(3):\n        t.item()\n        loss.backward()\n';
    const r = edit(src, '    y = 1\n', '    y = 1\n    z = 2\n');
    expect(r.stats).toMatchObject({ statements: 3, visited: 1 });
    // b's finding moved down one line.
    expect(codes(r.first)).toContain('PT101@10');
    expect(codes(r.second)).toContain('PT101@11');
  });

  it('re-runs a statement whose rule looked up a name whose assignment changed elsewhere', () => {
    // JAX001 reports the append only while `acc` is a list bound outside the traced function.
    const src = 'import jax\n\nacc = []\n\n\n@jax.jit\ndef f(x):\n    acc.append(x)\n    return x\n';
    const r = edit(src, 'acc = []', 'acc = 0');
    expect(codes(r.first)).toContain('JAX001@7');
    expect(codes(r.second)).not.toContain('JAX001@7');
    expect(r.stats.visited).toBe(2);
  });

  it('re-runs a statement whose functions became traced through code elsewhere', () => {
    const src = 'import jax\n\n\ndef f(x):\n    print(x)\n    return x\n\n\ng = f\n';
    const r = edit(src, 'g = f', 'g = jax.jit(f)');
    expect(codes(r.first)).not.toContain('JAX001@4');
    expect(codes(r.second)).toContain('JAX001@4');
  });

  it('re-runs a statement whose message gives the line of a call elsewhere when lines are added above it', () => {
    const src = 'import tensorflow as tf\n\n\n@tf.function\ndef shaped(x):\n    return x\n\n\nshaped(tf.zeros((2, 3)))\n\n\ndef later():\n    shaped(tf.zeros((4, 3)))\n';
    const r = edit(src, '\n\n\n@tf.function', '\n\n\n\n@tf.function');
    expect(r.first.find((f) => f.code === 'TF101')?.message).toContain('(line 9)');
    expect(r.second.find((f) => f.code === 'TF101')?.message).toContain('(line 10)');
    // Typing on a line moves no line: only the statement typed in runs again.
    const typed = edit(`${src}\n\nz = 1\n`, 'z = 1', 'z = 12');
    expect(typed.stats.visited).toBe(1);
    expect(typed.second.find((f) => f.code === 'TF101')?.message).toContain('(line 9)');
  });

  it('re-runs a statement whose calls follow a `.eval()` made in another statement', () => {
    // PT003: the loop at module level calls `model` after `model.eval()`, which sits in an earlier statement.
    const src = 'import torch\n\nmodel = torch.nn.Linear(2, 2)\nmodel.eval()\n\nfor x in range(3):\n    model(x)\n';
    const r = edit(src, 'model.eval()', 'model.cpu()');
    expect(codes(r.first)).toContain('PT003@6');
    expect(codes(r.second)).not.toContain('PT003@6');
    expect(r.stats.visited).toBe(2);
  });

  it('re-runs a statement whose calls an `.eval()` made in another statement starts to follow', () => {
    // PT003: another receiver is switched already (so the file has switches); `model` is not, until the edit.
    const src = 'import torch\n\nmodel = torch.nn.Linear(2, 2)\nother = torch.nn.Linear(2, 2)\nother.eval()\nmodel.cpu()\n\nfor x in range(3):\n    model(x)\n';
    const r = edit(src, 'model.cpu()', 'model.eval()');
    expect(codes(r.first)).not.toContain('PT003@8');
    expect(codes(r.second)).toContain('PT003@8');
  });

  it('re-runs on every edit a statement that times code in other statements', () => {
    // JAX103 at module level: the readings and the work between them are statements of their own.
    const src = 'import time\nimport jax.numpy as jnp\n\nt0 = time.time()\ny = jnp.ones(3) * 2\nt1 = time.time()\nprint(t1 - t0)\n';
    const r = edit(src, 'y = jnp.ones(3) * 2', 'y = float(jnp.ones(3) * 2)');
    expect(codes(r.first)).toContain('JAX103@6');
    expect(codes(r.second)).not.toContain('JAX103@6');
  });

  it('re-runs a statement whose answer a rule remembered from another statement', () => {
    // TF103 works out once which names are prefetched later; the second function's statement asks
    // after the first's did, and must still depend on the prefetch calls.
    const src = 'import tensorflow as tf\n\n\ndef first(paths):\n    ds = tf.data.TFRecordDataset(paths)\n    ds = ds.batch(32)\n    return ds\n\n\n' +
      'def second(paths):\n    ds = tf.data.TFRecordDataset(paths)\n    ds = ds.batch(32)\n    return ds\n\n\n' +
      'a = first(["a"])\na = a.prefetch(1)\nb = second(["b"])\nb = b.prefetch(1)\n';
    const r = edit(src, 'b = b.prefetch(1)', 'b = b.pre1fetch(1)');
    expect(codes(r.first).filter((c) => c.startsWith('TF103'))).toEqual([]);
    expect(codes(r.second)).toContain('TF103@11');
  });

  // What the rules that read the whole file depend on, by the words written (`Facts.noteWord`) or the
  // names they note: an edit in another statement that holds one re-runs the statement.
  it('re-runs a float64 request when x64 is enabled in another statement (JAX201)', () => {
    const src = 'import jax\nimport jax.numpy as jnp\n\n\ndef f():\n    return jnp.zeros(3, dtype=jnp.float64)\n\n\ny = 1\n';
    const r = edit(src, 'y = 1', 'jax.config.update("jax_enable_x64", True)');
    expect(codes(r.first)).toContain('JAX201@5');
    expect(codes(r.second)).not.toContain('JAX201@5');
    expect(r.stats.visited).toBe(2);
  });

  it('re-runs a DataLoader when CUDA is used in another statement (PT104)', () => {
    const src = 'import torch\nfrom torch.utils.data import DataLoader\n\n\ndef loader(ds):\n    return DataLoader(ds, num_workers=2)\n\n\ny = 1\n';
    const r = edit(src, 'y = 1', 'm = torch.zeros(1).cuda()');
    expect(codes(r.first)).not.toContain('PT104@5');
    expect(r.second.find((f) => f.code === 'PT104')?.message).toContain('pin_memory');
  });

  it('re-runs a typo attribute when another statement reads what it writes (PT002)', () => {
    const src = 'import torch\n\nt = torch.zeros(3)\nt.require_grad = True\n\ny = 1\n';
    const r = edit(src, 'y = 1', 'print(t.require_grad)');
    expect(codes(r.first)).toContain('PT002@3');
    expect(codes(r.second).filter((c) => c.startsWith('PT002'))).toEqual([]);
  });

  it('re-runs a PRNG key use when an earlier module-level use or a fresh name appears elsewhere (JAX003)', () => {
    const src = 'import jax\n\nkey = jax.random.PRNGKey(0)\nz = 1\nb = jax.random.uniform(key, (3,))\n';
    const reused = edit(src, 'z = 1', 'a = jax.random.normal(key, (3,))');
    expect(codes(reused.first)).not.toContain('JAX003@4');
    expect(codes(reused.second)).toContain('JAX003@4');
    // The fix's fresh name avoids a name written anywhere in the file.
    const loop = 'import jax\n\n\ndef f(key):\n    for i in range(3):\n        x = jax.random.normal(key, (3,))\n    return x\n\n\nz = 1\n';
    const named = edit(loop, 'z = 1', 'subkey = 1');
    expect(named.first.find((f) => f.code === 'JAX003')?.fix?.edits[0].newText).toContain(', subkey = ');
    expect(named.second.find((f) => f.code === 'JAX003')?.fix?.edits[0].newText).toContain(', subkey1 = ');
    expect(named.stats.visited).toBe(2);
  });

  it('re-runs a branch on a defaulted parameter when a call elsewhere passes it (JAX004)', () => {
    const decorated = 'import jax\n\n\n@jax.jit\ndef f(x, n=3):\n    if n > 0:\n        return x\n    return -x\n\n\ny = 1\n';
    const direct = edit(decorated, 'y = 1', 'y = f(1, 2)');
    expect(codes(direct.first)).not.toContain('JAX004@5');
    expect(codes(direct.second)).toContain('JAX004@5');
    // Through a name bound to the wrapper: the call is written with `g`, not `f`.
    const wrapped = 'import jax\n\n\ndef f(x, n=3):\n    if n > 0:\n        return x\n    return -x\n\n\ng = jax.jit(f)\ny = 1\n';
    const r = edit(wrapped, 'y = 1', 'y = g(1, 2)');
    expect(codes(r.first)).not.toContain('JAX004@4');
    expect(codes(r.second)).toContain('JAX004@4');
  });

  it('re-runs a jit built per call when its callers or their loops change elsewhere (JAX101)', () => {
    const src = 'import jax\n\nfast = None\n\n\ndef helper(x):\n    return jax.jit(lambda v: v * 2)(x)\n\n\n' +
      'def train(xs):\n    helper(0)\n    for x in xs:\n        fast(x)\n';
    // `train` becomes a driver (its loop runs a compiled function) through an assignment elsewhere:
    // what it calls before its loop runs once.
    const driver = edit(src, 'fast = None', 'fast = jax.jit(abs)');
    expect(codes(driver.first)).toContain('JAX101@6');
    expect(codes(driver.second)).not.toContain('JAX101@6');
    // Called once from `main` only, then from a loop.
    const once = 'import jax\n\n\ndef helper(x):\n    return jax.jit(lambda v: v * 2)(x)\n\n\ndef main():\n    helper(1)\n';
    const looped = edit(once, '    helper(1)', '    for i in range(3):\n        helper(i)');
    expect(codes(looped.first)).not.toContain('JAX101@4');
    expect(codes(looped.second)).toContain('JAX101@4');
  });

  it('applies a suppression comment typed, completed by a deletion, or taken out, in a statement the edit did not touch the findings of', () => {
    // The findings are in `step`; the comment goes after them on the line, then in a comment line
    // above another finding, character by character, and is taken out the same way.
    const src = 'import jax\n\n\n@jax.jit\ndef step(x):\n    print(x)\n    return x\n\n\n@jax.jit\ndef other(y):\n    print(y)\n    return y\n';
    const doc = new PythonDocument('file:///s.py', 1, src);
    const inc = new IncrementalAnalysis();
    let v = 2;
    const check = () => {
      const got = inc.analyze(doc.tree!, doc.text, doc.lineStarts, {}).findings;
      expect(got).toEqual(wholeFile(doc, {}));
      return got;
    };
    const type = (offset: number, text: string) => {
      for (let k = 0; k < text.length; k++) {
        const at = positionAt(doc.lineStarts, offset + k);
        doc.applyChanges([{ range: { start: at, end: at }, text: text[k] }], v++);
        check();
      }
    };
    const erase = (offset: number, length: number) => {
      for (let k = length - 1; k >= 0; k--) {
        doc.applyChanges([{ range: { start: positionAt(doc.lineStarts, offset + k), end: positionAt(doc.lineStarts, offset + k + 1) }, text: '' }], v++);
        check();
      }
    };
    const jax001 = () => check().filter((f) => f.code === 'JAX001').map((f) => f.range.start.line);
    expect(jax001()).toEqual([5, 11]);
    const comment = '  # framewise: ignore[JAX001]';
    const lineEnd = doc.text.indexOf('print(x)') + 'print(x)'.length;
    type(lineEnd, comment);
    expect(jax001()).toEqual([11]);
    erase(lineEnd, comment.length);
    expect(jax001()).toEqual([5, 11]);
    // "frame-wise" becomes "framewise" by a deletion in the middle of the word.
    const other = doc.text.indexOf('print(y)') + 'print(y)'.length;
    type(other, '  # frame-wise: ignore');
    expect(jax001()).toEqual([5, 11]);
    erase(doc.text.indexOf('frame-wise') + 5, 1);
    expect(jax001()).toEqual([5]);
    doc.dispose();
  });

  it('re-runs everything when an import changes', () => {
    const src = 'import torch as t\n\n\ndef b(x):\n    for i in range(3):\n        x.item()\n        loss.backward()\n';
    const r = edit(src, 'import torch as t', 'import numpy as t');
    expect(r.stats.full).toBe('import');
    expect(r.stats.visited).toBe(r.stats.statements);
  });

  it('starts afresh when the settings change', () => {
    const doc = new PythonDocument('file:///t.py', 1, 'import torch\nx = torch.zeros(3).item()\n');
    const inc = new IncrementalAnalysis();
    inc.analyze(doc.tree!, doc.text, doc.lineStarts, {});
    doc.applyChanges([{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: ' ' }], 2);
    doc.applyChanges([{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, text: '' }], 3);
    inc.analyze(doc.tree!, doc.text, doc.lineStarts, { select: ['ALL'] });
    expect(inc.lastStats?.full).toBe('settings');
    doc.dispose();
  });
});

describe('sameFacts', () => {
  // The plan compares every kept container's facts field by field: each field the lists name (and
  // `digest` writes) must count.
  const base = (): Container => ({ index: 1, kind: 'function', node: undefined as never, start: 0, end: 10, parent: 0 });
  it('tells containers apart by every listed value and set, and only by those', () => {
    expect(sameFacts(base(), base())).toBe(true);
    expect(sameFacts(base(), { ...base(), name: 'other', params: ['x'], start: 5 })).toBe(true);
    for (const f of CONTAINER_VALUES) {
      const b = base() as unknown as Record<string, unknown>;
      b[f] = f === 'traced' ? 'jax' : true;
      expect(sameFacts(base(), b as unknown as Container), f).toBe(false);
    }
    for (const f of CONTAINER_SETS) {
      const a = base() as unknown as Record<string, unknown>;
      const b = base() as unknown as Record<string, unknown>;
      a[f] = new Set(['x']);
      b[f] = new Set(['y']);
      expect(sameFacts(a as unknown as Container, b as unknown as Container), f).toBe(false);
      b[f] = new Set(['x']);
      expect(sameFacts(a as unknown as Container, b as unknown as Container), f).toBe(true);
      // An empty set and none are the same.
      a[f] = new Set();
      expect(sameFacts(a as unknown as Container, base()), f).toBe(true);
    }
  });
});

describe('Facts.reads', () => {
  it('notes the names looked up through the maps and the methods, and iteration as every name', () => {
    const src = 'import jax\nacc = []\n\ndef f(x):\n    y = x\n    return y\n';
    const doc = new PythonDocument('file:///r.py', 1, src);
    const syntax = new SyntaxTree(doc.tree!, doc.text);
    const facts = new Facts(syntax.rootNode, src);
    facts.build(syntax.numbersOfTypes(FACT_NODE_TYPES));
    // Building notes nothing.
    expect(facts.reads).toBeUndefined();
    const reads = new Set<string>();
    facts.reads = reads;
    facts.assignments.get('acc');
    facts.functionsByName.has('f');
    facts.isBuiltin('print');
    facts.assignmentBefore('y', syntax.rootNode);
    facts.visibleDefs('g', syntax.rootNode);
    // Questions about a name's defs (`defsKey`) and its module-level writes (`moduleKey`) are noted
    // apart from the name; a question about writes in the statement being looked at (`readsSpan`)
    // is not noted at all.
    expect([...reads].sort()).toEqual(['acc', 'd:f', 'd:g', 'd:print', 'm:print', 'y']);
    reads.clear();
    const fn = facts.containers.find((c) => c.name === 'f')!;
    facts.readsSpan = { start: fn.start, end: fn.end };
    facts.assignmentsIn('y', fn.index);
    facts.assignmentsBetween('y', fn.start, fn.end);
    facts.assignmentBefore('y', fn.node);
    expect([...reads]).toEqual(['m:y']);
    facts.readsSpan = undefined;
    for (const _ of facts.assignments.keys()) void _;
    expect(reads.has(ALL_NAMES)).toBe(true);
    facts.reads = undefined;
    facts.assignments.get('other');
    expect(reads.has('other')).toBe(false);
    doc.dispose();
  });

  it('has every rule statement-local (the audit in docs/incremental.md)', () => {
    // What a rule reads across statements is noted by name or by word: none is left whole-file.
    expect(ALL_RULES.filter((r) => !r.local).map((r) => r.meta.code)).toEqual([]);
  });

  it('notes a word, and the names imported for a path that holds it', () => {
    const doc = new PythonDocument('file:///w.py', 1, 'from jax.experimental import enable_x64 as e\nimport torch\nx = e\n');
    const syntax = new SyntaxTree(doc.tree!, doc.text);
    const facts = new Facts(syntax.rootNode, doc.text);
    facts.build(syntax.numbersOfTypes(new Set(FACT_NODE_TYPES)));
    const reads = new Set<string>();
    facts.reads = reads;
    facts.noteWord('x64');
    expect([...reads].sort()).toEqual(['w:e', 'w:x64']);
    expect(facts.identifiersNamed('e').map((i) => syntax.startOf(i))).toEqual([doc.text.indexOf('e\nimport'), doc.text.lastIndexOf('e')]);
    facts.reads = undefined;
    doc.dispose();
  });
});
