/**
 * The names a file uses (what a translation must not clash with when it adds an import alias), and
 * translation on deeply nested code: no parent walks, no recursion, no crash.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { ready, syntaxErrorCount } from '../helpers/analyze';
import { createParser } from '../../server/src/parse/parser';
import { identifiersOf } from '../../server/src/translate/translator';
import { SyntaxTree } from '../../server/src/parse/mirror';
import { translateSourceSync } from '../../server/src/translate/document';

beforeAll(ready);

function names(src: string): string[] {
  const parser = createParser();
  const tree = parser.parse(src)!;
  try { return [...identifiersOf(new SyntaxTree(tree, src))].sort(); } finally { tree.delete(); parser.delete(); }
}

describe('identifiersOf', () => {
  it('keeps bound and read names; leaves out attribute names after a dot and keyword names', () => {
    expect(names('import torch.nn.functional as F\ny = F.softmax(x, dim=-1)\ndef f(jnp):\n    return jnp.sum(q.w)\n'))
      .toEqual(['F', 'f', 'functional', 'jnp', 'nn', 'q', 'torch', 'x', 'y']);
  });

  it('a name used both after a dot and on its own is kept', () => {
    expect(names('a.np = 1\nnp = 2\nf(np=np)\n')).toEqual(['a', 'f', 'np']);
  });
});

describe('translation on deeply nested code', () => {
  it('translates a call inside 20,000 nested brackets without overflowing', () => {
    const depth = 20_000;
    const src = 'import torch\ny = ' + '['.repeat(depth) + 'torch.zeros(2, 3)' + ']'.repeat(depth) + '\n';
    const r = translateSourceSync(src, 'jax');
    expect(r.errorsAfter).toBe(r.errorsBefore);
    expect(r.text).toContain('jnp.zeros((2, 3))');
  });
});

describe('names that are members of Object.prototype', () => {
  it('`torch.constructor` is no dtype: the translation keeps it, with a note, and parses', () => {
    const src = 'import torch\nx = torch.zeros(3, dtype=torch.constructor)\ny = torch.ones(2, dtype=torch.toString)\n';
    const r = translateSourceSync(src, 'jax');
    expect(r.text).not.toMatch(/native code|function/);
    expect(r.text).toContain('dtype=torch.constructor');
    expect(r.text).toContain('dtype=torch.toString');
    expect(r.text).toMatch(/dtype torch\.constructor was not converted/);
    expect(syntaxErrorCount(r.text)).toBe(0);
  });
});
