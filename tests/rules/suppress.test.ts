/** Inline suppression: `# framewise: ignore[CODE, …]` and bare `# framewise: ignore` on a finding's first line. */
import { describe, it, expect, beforeAll } from 'vitest';
import { suppressedCodes } from '../../server/src/suppress';
import { lineStarts } from '../../server/src/parse/document';
import { ready, check, codesOf } from '../helpers/analyze';

beforeAll(ready);

const HEAD = 'import jax\nimport jax.numpy as jnp\n\n\n@jax.jit\ndef step(x):\n';

/** JAX001 (print in jit) and JAX002 (x[i] = v) on the same line, with `comment` after them. */
const both = (comment: string) => `${HEAD}    print(x); x[0] = 1.0${comment}\n    return x\n`;

describe('suppressedCodes', () => {
  const of = (src: string) => Object.fromEntries([...suppressedCodes(src, lineStarts(src))].map(([l, s]) => [l, [...s].sort()]));

  it('maps lines to codes, upper-cased, with * for a bare ignore', () => {
    const src = [
      'a = 1  # framewise: ignore[JAX001]',
      'b = 2  #framewise:ignore[ jax002 ,pt201, ]',
      'c = 3',
      'd = 4  # framewise: ignore',
      'e = 5  # framewise: ignore[]',
    ].join('\n');
    expect(of(src)).toEqual({ 0: ['JAX001'], 1: ['JAX002', 'PT201'], 3: ['*'], 4: [] });
  });

  it('handles CRLF line endings', () => {
    expect(of('a = 1\r\nb = 2  # framewise: ignore[TF001]\r\n')).toEqual({ 1: ['TF001'] });
  });

  it('is empty when nothing mentions framewise', () => {
    expect(of('x = 1  # noqa\n')).toEqual({});
  });
});

describe('suppression in analysis', () => {
  it('without a comment both rules report', () => {
    expect(codesOf(check(both(''), ['JAX001', 'JAX002']))).toEqual(['JAX001', 'JAX002']);
  });

  it('ignore[CODE] suppresses only that code on the line', () => {
    expect(codesOf(check(both('  # framewise: ignore[JAX002]'), ['JAX001', 'JAX002']))).toEqual(['JAX001']);
    expect(codesOf(check(both('  # framewise: ignore[JAX001]'), ['JAX001', 'JAX002']))).toEqual(['JAX002']);
  });

  it('several codes, in lower case, with odd spacing', () => {
    expect(check(both('  # framewise: ignore[jax001, Jax002]'), ['JAX001', 'JAX002'])).toEqual([]);
    expect(check(both('  #framewise:ignore[jax001,jax002]'), ['JAX001', 'JAX002'])).toEqual([]);
  });

  it('a bare ignore suppresses every code on the line', () => {
    expect(check(both('  # framewise: ignore'), ['JAX001', 'JAX002'])).toEqual([]);
  });

  it('another code, or a code prefix, does not suppress', () => {
    expect(codesOf(check(both('  # framewise: ignore[PT201]'), ['JAX001', 'JAX002']))).toEqual(['JAX001', 'JAX002']);
    expect(codesOf(check(both('  # framewise: ignore[JAX]'), ['JAX001', 'JAX002']))).toEqual(['JAX001', 'JAX002']);
  });

  it('applies to its own line only', () => {
    const above = `${HEAD}    # framewise: ignore[JAX002]\n    x[0] = 1.0\n    return x\n`;
    expect(codesOf(check(above, ['JAX002']))).toEqual(['JAX002']);
    const below = `${HEAD}    x[0] = 1.0\n    y = 2  # framewise: ignore[JAX002]\n    return x\n`;
    expect(codesOf(check(below, ['JAX002']))).toEqual(['JAX002']);
  });

  it("a multi-line finding is suppressed from its first line, not from a later one", () => {
    const first = `${HEAD}    x[  # framewise: ignore[JAX002]\n        0\n    ] = 1.0\n    return x\n`;
    const findingsWithout = check(first.replace('  # framewise: ignore[JAX002]', ''), ['JAX002']);
    expect(findingsWithout).toHaveLength(1);
    expect(findingsWithout[0].range.end.line).toBeGreaterThan(findingsWithout[0].range.start.line);
    expect(check(first, ['JAX002'])).toEqual([]);

    const later = `${HEAD}    x[\n        0  # framewise: ignore[JAX002]\n    ] = 1.0\n    return x\n`;
    expect(codesOf(check(later, ['JAX002']))).toEqual(['JAX002']);
  });

  it('a suppressed finding is gone whatever the selection', () => {
    const on6 = (codes: string[]) => check(both('  # framewise: ignore[JAX001, JAX002]'), codes).filter((f) => f.range.start.line === 6 && f.code.startsWith('JAX00'));
    expect(on6(['ALL'])).toEqual([]);
    expect(on6(['JAX'])).toEqual([]);
  });
});
