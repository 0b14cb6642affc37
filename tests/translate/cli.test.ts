/** `framewise translate` and `framewise equivalents`, in process through the CLI entry point. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';
import { syntaxErrorCount, ready } from '../helpers/analyze';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => { out += s; }, err: (s) => { err += s; }, cwd: process.cwd() });
  return { code, out, err };
}

let dir: string;
let file: string;
const SOURCE = `import torch
import torch.nn.functional as F

x = torch.zeros(2, 3)
y = F.softmax(x, dim=-1)
z = F.l1_loss(x, y)
`;

beforeAll(async () => {
  await ready();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'framewise-translate-'));
  file = path.join(dir, 'model.py');
  fs.writeFileSync(file, SOURCE);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('framewise translate', () => {
  it('keeps a CRLF file CRLF: inserted imports and rewritten lines get CRLF too', async () => {
    const crlf = path.join(dir, 'crlf.py');
    fs.writeFileSync(crlf, SOURCE.replace(/\n/g, '\r\n'));
    const lf = await run('translate', file, '--to', 'jax');
    const r = await run('translate', crlf, '--to', 'jax');
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/(^|[^\r])\n/);
    expect(r.out).toBe(lf.out.replace(/\n/g, '\r\n'));
    expect(r.out).toContain('import jax.numpy as jnp\r\n');
  });

  it('prints the whole file translated, imports added, untranslatable constructs noted', async () => {
    const r = await run('translate', file, '--to', 'jax');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`import torch
import torch.nn.functional as F
import jax.numpy as jnp
import jax

x = jnp.zeros((2, 3))
y = jax.nn.softmax(x, axis=-1)
# framewise: l1_loss: JAX has no direct equivalent — optax has no plain L1 loss: jnp.mean(jnp.abs(pred - target)).
z = F.l1_loss(x, y)
`);
    expect(syntaxErrorCount(r.out)).toBe(0);
    expect(r.err).toContain('2 construct(s) translated to jax, 1 left with a note');
  });

  it('writes a note that quotes a multi-line expression on one comment line (found on tensorflow/examples)', async () => {
    const multi = path.join(dir, 'multiline.py');
    fs.writeFileSync(multi, `import tensorflow as tf

config = tf.zeros(
    3,
    dtype=tf.keras.mixed_precision
    .global_policy())
`);
    const r = await run('translate', multi, '--to', 'torch');
    expect(r.code).toBe(0);
    expect(syntaxErrorCount(r.out)).toBe(0);
    const notes = r.out.split('\n').filter((l) => l.includes('# framewise:'));
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.some((l) => l.includes('tf.keras.mixed_precision .global_policy()'))).toBe(true);
  });

  it('--line translates only that line', async () => {
    const r = await run('translate', file, '--to', 'tensorflow', '--line', '5');
    expect(r.out).toContain('x = torch.zeros(2, 3)\n');
    expect(r.out).toContain('y = tf.nn.softmax(x, axis=-1)\n');
    expect(r.out).toContain('z = F.l1_loss(x, y)\n');
    expect(r.out).not.toContain('# framewise');
  });

  it('accepts tf / pytorch spellings and rejects bad usage with exit 2', async () => {
    expect((await run('translate', file, '--to', 'tf')).code).toBe(0);
    expect((await run('translate', file, '--to', 'mxnet')).code).toBe(2);
    expect((await run('translate', file)).code).toBe(2);
    expect((await run('translate', path.join(dir, 'missing.py'), '--to', 'jax')).code).toBe(2);
    expect((await run('translate', file, '--to', 'jax', '--line', '0')).code).toBe(2);
    expect((await run('translate', file, '--to', 'jax', '--line', '99')).code).toBe(2);
  });
});

describe('framewise equivalents', () => {
  it('prints the three frameworks side by side for a qualified name', async () => {
    const r = await run('equivalents', 'torch.nn.Linear');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^layer\.linear — /);
    expect(r.out).toMatch(/API\s+torch\.nn\.Linear\s+flax\.linen\.Dense\s+keras\.layers\.Dense/);
    expect(r.out).toMatch(/out_features\s+out_features\s+features\s+units/);
    expect(r.out).toContain('Differences:');
  });

  it('accepts a concept id and alias spellings; JSON output is the catalog entry', async () => {
    const r = await run('equivalents', 'jax.jit', '--format', 'json');
    expect(r.code).toBe(0);
    const entry = JSON.parse(r.out);
    expect(entry.id).toBe('compile.jit');
    expect(Object.keys(entry.frameworks)).toEqual(['torch', 'jax', 'tensorflow']);
    expect((await run('equivalents', 'tf.reduce_sum')).out).toMatch(/^ops\.sum/);
    expect((await run('equivalents', 'ops.sum')).out).toMatch(/^ops\.sum/);
  });

  it('lists matching concepts when the query names none, exit 1', async () => {
    const r = await run('equivalents', 'softmax');
    expect(r.code).toBe(1);
    expect(r.out).toContain('act.softmax');
    expect((await run('equivalents', 'zzzz-nothing')).code).toBe(1);
    expect((await run('equivalents', 'ops.sum', '--format', 'yaml')).code).toBe(2);
  });
});
