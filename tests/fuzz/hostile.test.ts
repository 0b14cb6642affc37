/** Hostile inputs to the analysis core: no crash, no hang, exact UTF-16 ranges, clear skip notices. */
import { describe, it, expect, beforeAll } from 'vitest';
import { ready, check } from '../helpers/analyze';
import { analyzeTextSync } from '../../server/src/engine';

beforeAll(ready);

const JIT_PRINT = 'import jax\n\n@jax.jit\ndef f(x):\n    print(x)\n    return x\n';

describe('hostile input', () => {
  it('skips a 10 MB file with a clear notice', () => {
    const big = JIT_PRINT + '# padding\n'.repeat(1_100_000);
    const r = analyzeTextSync(big);
    expect(r.findings).toEqual([]);
    expect(r.skipped?.kind).toBe('too-large');
    expect(r.skipped?.message).toMatch(/10\.\d MB is over the 2\.0 MB limit/);
  });

  it('survives 100,000 nested brackets', () => {
    const deep = 'x = ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n' + JIT_PRINT;
    const r = analyzeTextSync(deep);
    expect(r.skipped).toBeUndefined();
    expect(r.findings.map((f) => f.code)).toContain('JAX001');
  });

  it('survives 100,000 unclosed brackets and deep attribute / call chains', () => {
    const unclosed = analyzeTextSync('y = ' + '('.repeat(100_000));
    expect(unclosed.findings).toEqual([]);
    expect(unclosed.skipped === undefined || /too deeply broken/.test(unclosed.skipped.message)).toBe(true);
    const chain = 'import jax\ny = jax' + '.a'.repeat(50_000) + '\nz = f' + '()'.repeat(50_000) + '\n';
    expect(() => analyzeTextSync(chain)).not.toThrow();
  });

  it('handles very long lines', () => {
    const long = 'import jax\n@jax.jit\ndef f(x):\n    print(x, ' + '"a" + '.repeat(50_000) + '"b")\n';
    const r = analyzeTextSync(long);
    expect(r.findings.map((f) => f.code)).toEqual(['JAX001']);
  });

  it('refuses NUL bytes and invalid UTF-8 as binary', () => {
    expect(analyzeTextSync('import torch\n\u0000\u0000\u0000').skipped?.kind).toBe('binary');
    const invalid = Buffer.from([0x69, 0x6d, 0x70, 0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xf0, 0x28, 0x8c, 0xbc]).toString('utf8').repeat(20);
    expect(analyzeTextSync(invalid).skipped?.kind).toBe('binary');
  });

  it('reports exact UTF-16 ranges after emoji and surrogate pairs', () => {
    const src = 'import jax\n\n@jax.jit\ndef f(x):\n    s = "😀é😀"; print(x)\n    return x\n';
    const [f] = check(src, ['JAX001']);
    const line = src.split('\n')[4];
    expect(f.range.start).toEqual({ line: 4, character: line.indexOf('print') });
    expect(f.range.end).toEqual({ line: 4, character: line.indexOf('print') + 5 });
  });

  it('handles CRLF, mixed line endings and tabs', () => {
    const crlf = JIT_PRINT.replace(/\n/g, '\r\n');
    expect(check(crlf, ['JAX001'])[0].range.start).toEqual({ line: 4, character: 4 });
    const mixed = 'import jax\r\n\n@jax.jit\r\ndef f(x):\n\tprint(x)\r\n\treturn x\n';
    expect(check(mixed, ['JAX001'])[0].range.start).toEqual({ line: 4, character: 1 });
  });

  it('analyses around syntax errors', () => {
    const broken = 'import jax\n\n@jax.jit\ndef f(x):\n    print(x)\n    y = (((\n    return x\n\ndef g(:\n';
    const r = analyzeTextSync(broken);
    expect(r.hasSyntaxErrors).toBe(true);
    expect(r.findings.map((f) => f.code)).toContain('JAX001');
  });

  it('handles empty and whitespace-only files', () => {
    expect(analyzeTextSync('').findings).toEqual([]);
    expect(analyzeTextSync('\n\n   \t\n').findings).toEqual([]);
  });
});
