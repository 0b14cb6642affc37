/**
 * Generators shared by the fuzz suites: realistic framework lines, rule-triggering snippets, hostile
 * text (control characters, emoji, CR / CRLF, bracket soup), and whole generated files with known
 * rule triggers. All strings are valid UTF-16 (no lone surrogates: they cannot travel in LSP JSON).
 */
import fc from 'fast-check';

/** Single lines of PyTorch / JAX / TensorFlow code, as they appear in training scripts. */
export const FRAMEWORK_LINES = [
  'import jax',
  'import jax.numpy as jnp',
  'from jax import jit, grad, vmap',
  'import numpy as np',
  'import optax',
  'from flax import linen as nn',
  'import torch',
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  'from torch.utils.data import DataLoader',
  'import tensorflow as tf',
  'from tensorflow import keras',
  '@jax.jit',
  '@jit',
  '@tf.function',
  '@torch.compile',
  '@partial(jax.jit, static_argnums=(1,))',
  'def step(x, y):',
  'def train_step(params, opt_state, batch):',
  'def forward(self, x):',
  'class Net(nn.Module):',
  '    print("loss", x)',
  '    print(x)',
  '    x[0] = 1.0',
  '    x[1] += 2.0',
  '    return x * 2',
  '    return jnp.sum(x ** 2)',
  '    key = jax.random.PRNGKey(0)',
  '    a = jax.random.normal(key, (3,))',
  '    b = jax.random.normal(key, (3,))',
  '    if x > 0:',
  '        y = np.sin(x)',
  '    for batch in loader:',
  '        optimizer.step()',
  '        loss.backward()',
  '        total += loss.item()',
  '        optimizer.zero_grad()',
  '    model.eval()',
  '    out = model(x)',
  '    t = torch.zeros(3).cuda()',
  '    v = torch.autograd.Variable(t)',
  '    w = torch.load("ckpt.pt")',
  '    with torch.cuda.amp.autocast():',
  '    with torch.no_grad():',
  '    loader = DataLoader(ds, batch_size=32)',
  '    var = tf.Variable(1.0)',
  '    ds = tf.data.Dataset.from_tensor_slices(x).batch(32)',
  '    tf.compat.v1.placeholder(tf.float32)',
  '    f = jax.jit(lambda z: z + 1)',
  '    params = jax.tree_map(lambda p: p * 0.9, params)',
  '    start = time.time()',
  '    y = jnp.zeros(3, dtype=jnp.float64)',
  '    model = nn.DataParallel(model)',
  '    s = "😀é😀"; print(x)',
  '\tprint(x)',
  '    pass',
  '',
  '# framewise: ignore[JAX001]',
  'x = [1, 2, 3]',
  'if __name__ == "__main__":',
  '    main()',
];

/** Characters that stress line handling, offsets and the parser. */
const HOSTILE_PIECES = [
  '\n', '\r\n', '\r', '\r\r\n', '\t', '\u0000', '\u0001', '\u001b', '\u007f', '\u00a0', '\u2028', '\u2029',
  '\ufeff', '\ufffd', 'é', 'e\u0301', '😀', '👩‍👩‍👧', '🇫🇷', '𝔘', '"""', "'''", '"', "'", '\\', '#', '(', ')', '[', ']',
  '{', '}', ':', '    ', 'print(', 'jax.jit', '@', 'def ', 'lambda', '\\\n',
];

/** Any valid text (all of Unicode, no lone surrogates), mixed with hostile pieces. */
export const hostileText = (maxLength = 40): fc.Arbitrary<string> =>
  fc.array(fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
  ), { maxLength }).map((parts) => parts.join(''));

const EOLS = ['\n', '\n', '\n', '\r\n', '\r'];

/** A paste of 1–8 framework lines, with a line ending each (LF mostly, CRLF or CR sometimes). */
export const frameworkPaste: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.constantFrom(...FRAMEWORK_LINES), fc.constantFrom(...EOLS)), { minLength: 1, maxLength: 8 })
  .map((lines) => lines.map(([l, e]) => l + e).join(''));

/** Text to insert: framework code most of the time, hostile text otherwise. */
export const insertText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: frameworkPaste },
  { weight: 2, arbitrary: hostileText() },
  { weight: 2, arbitrary: fc.constantFrom('x', ' ', '\n', '(', ')', ':', '    ', 'p', 'print(x)', '😀') },
);

/** A starting document: a few framework lines (sometimes with CRLF throughout). */
export const initialDocument: fc.Arbitrary<string> = fc
  .tuple(fc.array(fc.constantFrom(...FRAMEWORK_LINES), { minLength: 0, maxLength: 30 }), fc.constantFrom('\n', '\n', '\r\n'))
  .map(([lines, eol]) => lines.join(eol) + (lines.length ? eol : ''));

// ---------------------------------------------------------------------------------------------------
// Generated files with known rule triggers (for the fix-safety suite)

/** A snippet that triggers `code` (most with a fix), its imports, and the scope it needs. */
export interface Trigger { code: string; imports: string[]; body: string[] }

/**
 * Function bodies (4-space indented, inside `def fn(x):` decorated as `decorator`) or module-level
 * statements. Every code listed is expected to fire on its snippet.
 */
export const TRIGGERS: Array<Trigger & { decorator?: string }> = [
  { code: 'JAX001', imports: ['import jax'], decorator: '@jax.jit', body: ['print("x", x)', 'return x'] },
  { code: 'JAX001', imports: ['from jax import jit'], decorator: '@jit', body: ['y = x * 2', 'print(y)', 'return y'] },
  { code: 'JAX002', imports: ['import jax'], decorator: '@jax.jit', body: ['x[0] = 1.0', 'return x'] },
  { code: 'JAX002', imports: ['import jax'], decorator: '@jax.jit', body: ['x[1:3] += 2.0', 'return x'] },
  { code: 'JAX003', imports: ['import jax'], body: ['key = jax.random.PRNGKey(0)', 'a = jax.random.normal(key, (3,))', 'b = jax.random.uniform(key, (3,))', 'return a + b'] },
  { code: 'JAX005', imports: ['import jax', 'import numpy as np'], decorator: '@jax.jit', body: ['return np.sin(x)'] },
  { code: 'JAX101', imports: ['import jax'], body: ['for i in range(10):', '    x = jax.jit(lambda v: v + 1)(x)', 'return x'] },
  { code: 'JAX103', imports: ['import jax', 'import time'], body: ['f = jax.jit(lambda v: v * 2)', 't0 = time.time()', 'y = f(x)', 'print(time.time() - t0)', 'return y'] },
  { code: 'JAX301', imports: ['import jax'], body: ['key = jax.random.PRNGKey(0)', 'return key'] },
  { code: 'JAX302', imports: ['import jax'], body: ['return jax.tree_map(lambda p: p * 2, x)'] },
  { code: 'PT001', imports: ['import torch'], body: ['opt = torch.optim.SGD(x.parameters(), lr=0.1)', 'for batch in x.loader:', '    loss = x(batch).sum()', '    loss.backward()', '    opt.step()'] },
  { code: 'PT002', imports: ['import torch'], body: ['t = torch.zeros(3)', 't.require_grad = True', 'return t'] },
  { code: 'PT102', imports: ['import torch'], body: ['return torch.zeros(3, 4).cuda()'] },
  { code: 'PT302', imports: ['import torch', 'from torch.autograd import Variable'], body: ['return Variable(x)'] },
  { code: 'PT303', imports: ['import torch'], body: ['with torch.cuda.amp.autocast():', '    return x * 2'] },
  { code: 'PT304', imports: ['import torch'], body: ['return torch.load("model.pt")'] },
  { code: 'TF001', imports: ['import tensorflow as tf'], decorator: '@tf.function', body: ['print("x", x)', 'return x'] },
  { code: 'TF102', imports: ['import tensorflow as tf'], body: ['for i in range(3):', '    x = tf.function(lambda v: v + 1)(x)', 'return x'] },
  { code: 'TF103', imports: ['import tensorflow as tf'], body: ['ds = tf.data.Dataset.from_tensor_slices(x).batch(32)', 'for b in ds:', '    print(b)'] },
  { code: 'TF302', imports: ['import tensorflow as tf', 'import keras'], body: ['return tf.keras.layers.Dense(3)'] },
];

export interface GeneratedFile { text: string; triggers: string[] }

/** A whole file: header, imports (styles vary; sometimes missing so fixes must add them), functions. */
export const generatedFile: fc.Arbitrary<GeneratedFile> = fc
  .record({
    picks: fc.array(fc.nat({ max: TRIGGERS.length - 1 }), { minLength: 1, maxLength: 6 }),
    header: fc.constantFrom('', '"""Module docstring."""\n', '# -*- coding: utf-8 -*-\n', 'from __future__ import annotations\n', '"""Doc."""\nfrom __future__ import annotations\n'),
    dropImports: fc.boolean(),
    indent: fc.constantFrom('    ', '  ', '\t'),
    eol: fc.constantFrom('\n', '\n', '\r\n'),
    emoji: fc.boolean(),
    trailingNewline: fc.boolean(),
  })
  .map(({ picks, header, dropImports, indent, eol, emoji, trailingNewline }) => {
    const imports = new Set<string>();
    const defs: string[] = [];
    picks.forEach((i, n) => {
      const t = TRIGGERS[i];
      // Keep `import jax` style imports unless asked to drop some (a fix then has to add them).
      for (const imp of t.imports) if (!(dropImports && n % 2 === 1 && !imp.includes(' as ') && !imp.startsWith('from'))) imports.add(imp);
      const body = t.body.map((l) => indent + l.replace(/^ {4}/, indent));
      if (emoji) body.unshift(`${indent}s = "😀 ${n}"  # é`);
      defs.push([...(t.decorator ? [t.decorator] : []), `def fn_${n}(x):`, ...body].join('\n'));
    });
    const text = header + [...imports].join('\n') + '\n\n\n' + defs.join('\n\n\n');
    const out = (text + (trailingNewline ? '\n' : '')).replace(/\n/g, eol);
    return { text: out, triggers: picks.map((i) => TRIGGERS[i].code) };
  });
