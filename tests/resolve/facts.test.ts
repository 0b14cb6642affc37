/** Name resolution and scope facts. */
import { describe, it, expect, beforeAll } from 'vitest';
import type { Node } from 'web-tree-sitter';
import { initParser, createParser } from '../../server/src/parse/parser';
import { analyzeTree } from '../../server/src/analyze';
import type { Facts } from '../../server/src/resolve/facts';

function factsOf(src: string): Facts {
  const parser = createParser();
  const tree = parser.parse(src)!;
  return analyzeTree(tree, src, { select: [] }, []).facts;
}

/** The first call whose text starts with `prefix`. */
function call(f: Facts, prefix: string): Node {
  const c = f.calls.find((n) => n.text.startsWith(prefix));
  if (!c) throw new Error(`no call ${prefix}`);
  return c;
}

describe('imports and qualified names', () => {
  beforeAll(async () => { await initParser(); });

  it.each([
    ['import torch.nn as nn\nnn.Linear(1, 2)', 'nn.Linear', 'torch.nn.Linear'],
    ['from flax import linen as nn\nnn.Dense(3)', 'nn.Dense', 'flax.linen.Dense'],
    ['import jax.numpy as jnp\njnp.sum(x)', 'jnp.sum', 'jax.numpy.sum'],
    ['from tensorflow import keras\nkeras.layers.Dense(3)', 'keras.layers', 'tensorflow.keras.layers.Dense'],
    ['from torch.nn import functional as F\nF.relu(x)', 'F.relu', 'torch.nn.functional.relu'],
    ['import tensorflow as tf\ntf.reduce_sum(x)', 'tf.reduce', 'tensorflow.reduce_sum'],
    ['import jax\njax.numpy.sum(x)', 'jax.numpy', 'jax.numpy.sum'],
    ['import jax.numpy\njax.numpy.sum(x)', 'jax.numpy', 'jax.numpy.sum'],
    ['from jax import random as jr\njr.normal(k, (2,))', 'jr.normal', 'jax.random.normal'],
    ['from torch import optim\noptim.Adam(p)', 'optim.Adam', 'torch.optim.Adam'],
    ['def f():\n    import optax\n    optax.adam(1e-3)', 'optax.adam', 'optax.adam'],
  ])('%s', (src, prefix, expected) => {
    const f = factsOf(src);
    expect(f.callee(call(f, prefix))).toBe(expected);
  });

  it('does not resolve by alias text alone', () => {
    const f = factsOf('import numpy as jnp\njnp.sum(x)\nnn.Linear(1, 2)\nfrom . import nn as tf\ntf.function(g)');
    expect(f.callee(call(f, 'jnp.sum'))).toBe('numpy.sum');
    expect(f.callee(call(f, 'nn.Linear'))).toBeUndefined();
    expect(f.callee(call(f, 'tf.function'))).toBe('.nn.function');
  });

  it('answers every link of a chain the same, whichever is asked first, and gives up on over-long chains', () => {
    const src = 'import torch\na = torch.nn.functional.relu(x)\nb = torch.nn.functional.relu(y)\nc = torch.nn.Linear(1)\nd = other.nn.Linear(2)\n';
    // The function of `torch.nn.functional.relu(x)` and its objects, outermost first.
    const links = (f: Facts, prefix: string) => {
      const out: Node[] = [];
      for (let n = call(f, prefix).childForFieldName('function'); n; n = n.childForFieldName('object')) out.push(n);
      return out;
    };
    const expected = ['torch.nn.functional.relu', 'torch.nn.functional', 'torch.nn', 'torch'];
    const outerFirst = factsOf(src);
    expect(links(outerFirst, 'torch.nn.functional.relu(x)').map((n) => outerFirst.qualifiedName(n))).toEqual(expected);
    const innerFirst = factsOf(src);
    expect(links(innerFirst, 'torch.nn.functional.relu(x)').reverse().map((n) => innerFirst.qualifiedName(n))).toEqual([...expected].reverse());
    for (const f of [outerFirst, innerFirst]) {
      expect(f.callee(call(f, 'torch.nn.functional.relu(y)'))).toBe('torch.nn.functional.relu');
      expect(f.callee(call(f, 'torch.nn.Linear'))).toBe('torch.nn.Linear');
      expect(f.callee(call(f, 'other.nn.Linear'))).toBeUndefined();
      expect(f.qualifiedName(call(f, 'other.nn.Linear').childForFieldName('function'))).toBeUndefined();
    }
    // A name grows by one more link while it is at most 512 characters long; past that, no name.
    const chain = (links: number) => `torch${'.a'.repeat(links)}`;
    const long = factsOf(`import torch\n${chain(254)}(x)\n${chain(255)}(y)\n`);
    expect(long.callee(call(long, `${chain(254)}(x)`))).toBe(chain(254));
    expect(long.callee(call(long, `${chain(255)}(y)`))).toBeUndefined();
  });

  it('records star imports and relative imports sensibly', () => {
    const f = factsOf('from torch.nn.functional import *\nfrom .models import Net\nrelu(x)\nNet()');
    expect(f.imports.starModules).toEqual(['torch.nn.functional']);
    expect(f.callee(call(f, 'Net('))).toBe('.models.Net');
  });
});

describe('scope facts', () => {
  beforeAll(async () => { await initParser(); });

  const traced = (f: Facts, prefix: string) => f.tracedScope(call(f, prefix))?.traced;

  it('a module whose name is one of Object.prototype\'s members is not a wrapper', () => {
    const f = factsOf(`
import constructor
import valueOf

@constructor
def a(x): return inner_a(x)

@valueOf
def b(x): return inner_b(x)

c = constructor(lambda x: inner_c(x))
d = valueOf(lambda x: inner_d(x))
a(1)
b(2)
`);
    for (const name of ['inner_a', 'inner_b', 'inner_c', 'inner_d']) expect(f.tracedScope(call(f, name)), name).toBeUndefined();
    for (const name of ['a(', 'b(', 'constructor(', 'valueOf(']) expect(f.compiledCallKind(call(f, name)), name).toBeUndefined();
    for (const c of f.containers) expect(c.tracedBy, c.name).toBeUndefined();
  });

  it('finds traced scopes from decorators, partial and wrapping calls', () => {
    const f = factsOf(`
import jax, functools
import tensorflow as tf
import torch
from functools import partial
from jax import jit, lax

@jax.jit
def a(x): return inner_a(x)

@partial(jax.jit, static_argnums=(1,))
def b(x, n): return inner_b(x)

@functools.partial(jit, static_argnames=("mode",))
def c(x, mode): return inner_c(x)

@tf.function(jit_compile=True)
def d(x): return inner_d(x)

@torch.compile(mode="max-autotune")
def e(x): return inner_e(x)

def body(i, carry): return inner_body(carry)
lax.fori_loop(0, 3, body, 0)

def g(x): return inner_g(x)
g_jit = jax.jit(g)

def plain(x): return inner_plain(x)

def helper(x): return inner_helper(x)
@jax.jit
def h(x): return helper(x)
`);
    expect(traced(f, 'inner_a')).toBe('jax');
    expect(traced(f, 'inner_b')).toBe('jax');
    expect(f.tracedScope(call(f, 'inner_b'))?.staticParams).toEqual(new Set(['n']));
    expect(f.tracedScope(call(f, 'inner_c'))?.staticParams).toEqual(new Set(['mode']));
    expect(traced(f, 'inner_d')).toBe('tensorflow');
    expect(traced(f, 'inner_e')).toBe('torch');
    expect(traced(f, 'inner_body')).toBe('jax');
    expect(traced(f, 'inner_g')).toBe('jax');
    expect(traced(f, 'inner_plain')).toBeUndefined();
    expect(traced(f, 'inner_helper')).toBe('jax'); // called from a jitted function
  });

  it('marks torch.compile(model) forward as traced', () => {
    const f = factsOf(`
import torch
from torch import nn
class Net(nn.Module):
    def forward(self, x): return inner_fwd(x)
    def other(self, x): return inner_other(x)
model = Net()
fast = torch.compile(model)
`);
    expect(traced(f, 'inner_fwd')).toBe('torch');
    expect(traced(f, 'inner_other')).toBeUndefined();
  });

  it('finds training loops by framework and no_grad regions', () => {
    const f = factsOf(`
import torch, optax
opt = torch.optim.SGD(model.parameters(), lr=0.1)
sched = torch.optim.lr_scheduler.StepLR(opt, 10)
for epoch in range(3):
    for x, y in loader:
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        a_in_train(loss)
    sched.step()
    a_per_epoch(loss)
with torch.no_grad():
    b_no_grad(x)
@torch.inference_mode()
def evaluate(x): return c_inference(x)
tx = optax.adam(1e-3)
for batch in data:
    updates, state = tx.update(grads, state, params)
    d_jax_train(updates)
while step < 10:
    scheduler.step()
    e_not_train(step)
`);
    const loop = (p: string) => f.trainingLoop(call(f, p));
    expect(loop('a_in_train')?.trainingFramework).toEqual(new Set(['torch']));
    expect(loop('a_per_epoch')).toBeUndefined();
    expect(f.inNoGrad(call(f, 'b_no_grad'))).toBe(true);
    expect(f.inNoGrad(call(f, 'c_inference'))).toBe(true);
    expect(f.inNoGrad(call(f, 'a_in_train'))).toBe(false);
    expect(loop('d_jax_train')?.trainingFramework).toEqual(new Set(['jax']));
    expect(loop('e_not_train')).toBeUndefined();
  });
});

describe('assignments by scope and by offset', () => {
  beforeAll(async () => { await initParser(); });

  const SRC = `
x = 1
def f(a):
    x = a
    for x in range(3):
        x += 1
    return x
def g():
    x = 2
    h = lambda: x
    return h
x = 3
`;
  /** Offsets of the writes, as "scope-name@line" with 1-based lines. */
  const describeWrites = (f: Facts, list: readonly { offset: number; scope: number }[]) =>
    list.map((a) => `${f.containers[a.scope].name ?? f.containers[a.scope].kind}@${SRC.slice(0, a.offset).split('\n').length}`);

  it('assignmentsIn gives the writes of one scope in document order, the same as filtering every write', () => {
    const f = factsOf(SRC);
    const fn = (name: string) => f.containers.find((c) => c.name === name)!.index;
    expect(describeWrites(f, f.assignmentsIn('x', 0))).toEqual(['module@2', 'module@12']);
    expect(describeWrites(f, f.assignmentsIn('x', fn('f')))).toEqual(['f@4', 'f@5', 'f@6']);
    expect(describeWrites(f, f.assignmentsIn('x', fn('g')))).toEqual(['g@9']);
    expect(f.assignmentsIn('nope', 0)).toEqual([]);
    for (const scope of f.containers) expect(f.assignmentsIn('x', scope.index)).toEqual(f.assignments.get('x')!.filter((a) => a.scope === scope.index));
    expect(f.writesIn('x', f.containers[fn('f')])).toHaveLength(3);
  });

  it('assignmentsBetween gives the writes at offsets in [from, to)', () => {
    const f = factsOf(SRC);
    const all = f.assignments.get('x')!;
    const g = f.containers.find((c) => c.name === 'g')!;
    expect(describeWrites(f, f.assignmentsBetween('x', g.start, g.end))).toEqual(['g@9']);
    for (const from of [0, all[1].offset, all[1].offset + 1, SRC.length]) {
      for (const to of [from, all[3].offset, all[3].offset + 1, SRC.length + 1]) {
        expect(f.assignmentsBetween('x', from, to)).toEqual(all.filter((a) => a.offset >= from && a.offset < to));
      }
    }
    expect(f.assignmentsBetween('nope', 0, SRC.length)).toEqual([]);
  });

  it('lastPlainWriteBefore gives the last write before an offset that is not augmented, in any scope', () => {
    const src = 'step = 0\nwhile step < 3:\n    step += 1\nstep = 5\nstep += 2\n';
    const f = factsOf(src);
    const all = f.assignments.get('step')!;
    expect(all.map((a) => !!a.augmented)).toEqual([false, true, false, true]);
    // Every offset against the same answer found by going through every write.
    for (let at = 0; at <= src.length + 1; at++) {
      expect(f.lastPlainWriteBefore('step', at)).toBe(all.filter((a) => !a.augmented && a.offset < at).pop());
    }
    expect(f.lastPlainWriteBefore('nope', 100)).toBeUndefined();
  });
});

describe('countBefore', () => {
  it('counts the leading items that satisfy the test, on every boundary', async () => {
    const { countBefore } = await import('../../server/src/search');
    const xs = [1, 3, 3, 5, 8];
    for (let v = 0; v <= 9; v++) expect(countBefore(xs, (x) => x < v), `< ${v}`).toBe(xs.filter((x) => x < v).length);
    for (let v = 0; v <= 9; v++) expect(countBefore(xs, (x) => x <= v), `<= ${v}`).toBe(xs.filter((x) => x <= v).length);
    expect(countBefore([], () => true)).toBe(0);
  });
});

describe('which def a bare name means (visibleDefs)', () => {
  beforeAll(async () => { await initParser(); });

  // Several `def f` (as in test files): the one in the innermost enclosing scope that defines it, the
  // latest before the call there, else the first after; a def in a loop belongs to the function
  // around it; methods are not visible by bare name.
  const SRC = [
    'f(0)',                    // before every def: the first module-level one after (A)
    'def f(a):',               // A
    '    return a',
    'def g():',
    '    f(1)',                // g defines f, but only after: g's first (B)
    '    def f(b):',           // B
    '        return b',
    '    f(2)',                // B
    '    for i in range(3):',
    '        def f(c):',       // C: in g's loop, g's
    '            return c',
    '        f(3)',            // C
    'class K:',
    '    def f(self):',        // M: a method
    '        return f(4)',     // from the method: the module's, latest before (A)',
    'f(5)',                    // A (D comes after)
    'def f(d):',               // D
    '    return -d',
    'f(6)',                    // D
    'def h():',
    '    f(7)',                // h defines no f: the module's, latest before (D)
    '',
  ].join('\n');

  const param = (f: Facts, d: { params?: string[] }) => d.params?.join(',');

  it.each([['f(0)', 'a'], ['f(1)', 'b'], ['f(2)', 'b'], ['f(3)', 'c'], ['f(4)', 'a'], ['f(5)', 'a'], ['f(6)', 'd'], ['f(7)', 'd']])(
    '%s means the def of f(%s)', (text, p) => {
      const f = factsOf(SRC);
      const at = call(f, text);
      expect(f.visibleDefs('f', at as never).map((d) => param(f, d))).toEqual([p]);
      expect(f.visibleDefs('f', at as never, true).map((d) => param(f, d))).toEqual([p]);
    });

  it('a name with one def means it from anywhere unless strict; strict finds no method by bare name', () => {
    const f = factsOf('class K:\n    def only(self):\n        return 1\nonly()\n');
    const at = call(f, 'only()');
    expect(f.visibleDefs('only', at as never).map((d) => d.name)).toEqual(['only']);
    expect(f.visibleDefs('only', at as never, true)).toEqual([]);
  });
});
