/** Fixes that change behaviour in some programs are marked as suggestions (never applied by fix-all). */
import { describe, it, expect, beforeAll } from 'vitest';
import { ready, check } from '../helpers/analyze';

beforeAll(ready);

describe('fix safety flags', () => {
  it.each([
    ['JAX301', 'import jax\nkey = jax.random.PRNGKey(0)\n', true],
    ['PT102', 'import torch\nx = torch.randn(3, 4).to(torch.device("cpu"))\n', true],
    ['PT102', 'import torch\nx = torch.zeros(3, 4).to(torch.device("cpu"))\n', false],
    ['PT302', 'import torch\nfrom torch.autograd import Variable\nv = Variable(torch.zeros(3))\n', false],
    ['PT302', 'import torch\nfrom torch.autograd import Variable\nv = Variable(arr)\n', true],
    ['JAX002', 'import jax.numpy as jnp\nx = jnp.zeros(3)\nx[0] = 1.0\n', false],
  ])('%s in %j is a suggestion: %s', (code, src, suggestion) => {
    const [f] = check(src, [code]);
    expect(f?.fix, `${code} should offer a fix`).toBeDefined();
    expect(!!f.fix!.suggestion).toBe(suggestion);
  });
});
