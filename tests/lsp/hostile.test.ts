/**
 * Hostile input over LSP (the real server over stdio): a 10 MB document, 100,000 nested brackets,
 * very long lines, NUL and invalid UTF-8, CRLF / lone CR / mixed line endings under incremental
 * edits, emoji and surrogate pairs with edits after them on the same line, tabs, deep attribute and
 * call chains, and malformed or huge pyproject.toml files. The server must keep serving, say clearly
 * why it skips a file, publish exact ranges, and keep its text equal to the client's.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HoverRequest, type Diagnostic, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { startServer, TEST_ENV, type TestClient } from '../helpers/lsp';

const JIT_PRINT = 'import jax\n\n@jax.jit\ndef f(x):\n    print(x)\n    return x\n';
const WAIT = 60_000;

const summary = (ds: Diagnostic[]) => ds.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`).sort();

describe('hostile input over LSP', () => {
  let client: TestClient;
  let n = 0;
  const uri = (name: string) => `file:///hostile/${++n}-${name}.py`;

  /** Open `text` and wait for its first publish. */
  const openAndWait = async (name: string, text: string): Promise<{ uri: string; p: PublishDiagnosticsParams }> => {
    const u = uri(name);
    client.open(u, text, 1);
    return { uri: u, p: await client.waitForDiagnostics(u, (d) => d.version === 1, WAIT) };
  };

  /** The server still answers: a small document gets its diagnostics, a hover request an answer. */
  const responsive = async () => {
    const started = Date.now();
    const { uri: u, p } = await openAndWait('probe', JIT_PRINT);
    expect(p.diagnostics.map((d) => d.code)).toContain('JAX001');
    const hover = await client.request(HoverRequest.method, { textDocument: { uri: u }, position: { line: 4, character: 5 } }, { timeoutMs: WAIT });
    expect(hover.ok).toBe(true);
    client.close(u);
    return Date.now() - started;
  };

  beforeAll(async () => { client = await startServer({ env: TEST_ENV }); });
  afterAll(async () => { await client.stop(); });

  it('skips a 10 MB document with a clear notice, follows edits to it, and stays responsive', async () => {
    const big = JIT_PRINT + '# padding\n'.repeat(1_050_000);
    const { uri: u, p } = await openAndWait('big', big);
    expect(p.diagnostics).toHaveLength(1);
    expect(p.diagnostics[0]).toMatchObject({ code: 'skipped', severity: 3, source: 'framewise' });
    expect(p.diagnostics[0].message).toMatch(/^Framewise skipped this file: 10\.\d MB is over the 2\.0 MB limit \(setting framewise\.maxFileSize\)\.$/);
    await responsive();
    // An edit in the middle of the 10 MB text: the notice is republished for the new version.
    client.change(u, 2, [{ range: { start: { line: 500_000, character: 0 }, end: { line: 500_000, character: 9 } }, text: '# edited' }]);
    const q = await client.waitForDiagnostics(u, (d) => d.version === 2, WAIT);
    expect(q.diagnostics.map((d) => d.code)).toEqual(['skipped']);
    // JIT_PRINT is 6 lines; padding line k (0-based from there) starts at JIT_PRINT.length + 10k.
    const at = JIT_PRINT.length + 10 * (500_000 - 6);
    const server = await client.debugText(u);
    expect(server?.text === big.slice(0, at) + '# edited' + big.slice(at + 9)).toBe(true);
    // Shrinking it under the limit: analysed normally.
    client.change(u, 3, [{ text: JIT_PRINT }]);
    const r = await client.waitForDiagnostics(u, (d) => d.version === 3, WAIT);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['JAX001']);
    client.close(u);
  }, 120_000);

  it('survives 100,000 nested brackets, balanced and unbalanced', async () => {
    const balanced = await openAndWait('brackets', 'x = ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n' + JIT_PRINT);
    // Analysed (JAX001 after the brackets), or skipped with the clear notice: never silence.
    expect(balanced.p.diagnostics.some((d) => d.code === 'JAX001' || d.code === 'skipped')).toBe(true);
    const unbalanced = await openAndWait('unclosed', 'y = ' + '('.repeat(100_000));
    for (const d of unbalanced.p.diagnostics) expect(d.code).toBe('skipped');
    await responsive();
    client.close(balanced.uri);
    client.close(unbalanced.uri);
  }, 120_000);

  it('survives 30,000-long attribute and call chains and 10,000-deep nested targets', async () => {
    const chains = await openAndWait('chains', 'import jax\ny = jax' + '.a'.repeat(30_000) + '()\nz = f' + '()'.repeat(30_000) + '\n' + '('.repeat(10_000) + 'a' + ',)'.repeat(10_000) + ' = 1\n' + JIT_PRINT);
    expect(chains.p.diagnostics.some((d) => d.code === 'JAX001' || d.code === 'skipped')).toBe(true);
    await responsive();
    client.close(chains.uri);
  }, 180_000);

  it('handles very long lines, with exact ranges after an edit inside one', async () => {
    const head = 'import jax\n@jax.jit\ndef f(x):\n    s = "' + 'a'.repeat(1_000_000) + '"; print(x)\n';
    const { uri: u, p } = await openAndWait('long', head);
    const col = 4 + 5 + 1_000_000 + 3;
    expect(summary(p.diagnostics)).toEqual([`JAX001@3:${col}-3:${col + 5}`]);
    // Insert 10 characters inside the string, before the print.
    client.change(u, 2, [{ range: { start: { line: 3, character: 500_000 }, end: { line: 3, character: 500_000 } }, text: 'bbbbbbbbbb' }]);
    const q = await client.waitForDiagnostics(u, (d) => d.version === 2, WAIT);
    expect(summary(q.diagnostics)).toEqual([`JAX001@3:${col + 10}-3:${col + 15}`]);
    client.close(u);
  }, 120_000);

  it('refuses NUL bytes and undecodable UTF-8 with a notice, and analyses once they are gone', async () => {
    const nul = await openAndWait('nul', 'import torch\n\u0000\u0000\u0000\n' + JIT_PRINT);
    expect(nul.p.diagnostics.map((d) => [d.code, d.message])).toEqual([['skipped', 'Framewise skipped this file: it contains NUL or undecodable bytes, so it is not Python source.']]);
    // Delete the NUL line: analysed.
    client.change(nul.uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: '' }]);
    const q = await client.waitForDiagnostics(nul.uri, (d) => d.version === 2, WAIT);
    expect(q.diagnostics.map((d) => d.code)).toContain('JAX001');
    const invalid = Buffer.from([0x69, 0x6d, 0x70, 0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xf0, 0x28, 0x8c, 0xbc]).toString('utf8').repeat(20);
    const inv = await openAndWait('invalid-utf8', invalid);
    expect(inv.p.diagnostics.map((d) => d.code)).toEqual(['skipped']);
    client.close(nul.uri);
    client.close(inv.uri);
  });

  describe('line endings under incremental edits', () => {
    const variants: Array<[string, (s: string) => string]> = [
      ['LF', (s) => s],
      ['CRLF', (s) => s.replace(/\n/g, '\r\n')],
      ['CR', (s) => s.replace(/\n/g, '\r')],
      ['mixed', (s) => s.split('\n').map((l, i) => l + ['\r\n', '\n', '\r'][i % 3]).join('').slice(0, -1)],
    ];
    it.each(variants)('%s: JAX001 at the right place after each edit, same as a fresh open, same text as the client', async (_name, eol) => {
      let text = eol(JIT_PRINT);
      const { uri: u, p } = await openAndWait('eol', text);
      expect(summary(p.diagnostics)).toEqual(['JAX001@4:4-4:9']);
      // 1: two lines inserted above the function; 2: emoji typed inside the print line;
      // 3: the first line break deleted and re-typed as the variant's own break.
      const edits: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string; expect: string }> = [
        { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: eol('x = 1\ny = 2\n'), expect: 'JAX001@6:4-6:9' },
        { range: { start: { line: 6, character: 4 }, end: { line: 6, character: 4 } }, text: 'z = "😀"; ', expect: 'JAX001@6:14-6:19' },
        { range: { start: { line: 0, character: 10 }, end: { line: 1, character: 0 } }, text: eol('\n'), expect: 'JAX001@6:14-6:19' },
      ];
      let version = 1;
      for (const e of edits) {
        const starts = [0];
        for (const m of text.matchAll(/\r\n|\r|\n/g)) starts.push(m.index + m[0].length);
        const offset = (pos: { line: number; character: number }) => starts[pos.line] + pos.character;
        text = text.slice(0, offset(e.range.start)) + e.text + text.slice(offset(e.range.end));
        client.change(u, ++version, [{ range: e.range, text: e.text }]);
        const q = await client.waitForDiagnostics(u, (d) => d.version === version, WAIT);
        expect(summary(q.diagnostics)).toEqual([e.expect]);
        expect((await client.debugText(u))?.text).toBe(text);
      }
      const fresh = await openAndWait('eol-fresh', text);
      expect(summary(fresh.p.diagnostics)).toEqual(summary((await client.waitForDiagnostics(u, (d) => d.version === version)).diagnostics));
      client.close(u);
      client.close(fresh.uri);
    });
  });

  it('reports exact UTF-16 ranges after emoji and surrogate pairs, and after edits behind them', async () => {
    const src = 'import jax\n\n@jax.jit\ndef f(x):\n    s = "😀é👩‍👩‍👧𝔘"; print(x)\n    return x\n';
    const line = src.split('\n')[4];
    const col = line.indexOf('print');
    const { uri: u, p } = await openAndWait('emoji', src);
    expect(summary(p.diagnostics)).toEqual([`JAX001@4:${col}-4:${col + 5}`]);
    // Type a surrogate pair right after the first emoji (UTF-16 character 11): the print moves by 2.
    client.change(u, 2, [{ range: { start: { line: 4, character: 11 }, end: { line: 4, character: 11 } }, text: '🇫' }]);
    const q = await client.waitForDiagnostics(u, (d) => d.version === 2, WAIT);
    expect(summary(q.diagnostics)).toEqual([`JAX001@4:${col + 2}-4:${col + 7}`]);
    // Delete the family emoji (8 UTF-16 units, several code points): back by 8.
    const fam = line.indexOf('👩') + 2;
    client.change(u, 3, [{ range: { start: { line: 4, character: fam }, end: { line: 4, character: fam + 8 } }, text: '' }]);
    const r = await client.waitForDiagnostics(u, (d) => d.version === 3, WAIT);
    expect(summary(r.diagnostics)).toEqual([`JAX001@4:${col + 2 - 8}-4:${col + 7 - 8}`]);
    expect((await client.debugText(u))?.text).toBe('import jax\n\n@jax.jit\ndef f(x):\n    s = "😀🇫é𝔘"; print(x)\n    return x\n');
    client.close(u);
  });

  it('counts a tab as one character', async () => {
    const { uri: u, p } = await openAndWait('tabs', 'import jax\n\n@jax.jit\ndef f(x):\n\tif x is None:\n\t\tprint(x)\n\treturn x\n');
    expect(summary(p.diagnostics)).toEqual(['JAX001@5:2-5:7']);
    client.close(u);
  });
});

describe('hostile pyproject.toml', () => {
  let tmp: string;
  let client: TestClient;
  const write = (p: string, text: string | Buffer) => { fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, text); };
  const cases: Array<[string, string | Buffer]> = [
    ['malformed', '[tool.framewise\nselect = ["JAX"\n'],
    ['huge', '[tool.framewise]\nselect = ["JAX"]\n' + '# framewise padding\n'.repeat(120_000)],
    ['deeply nested', '[tool.framewise]\nselect = ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n'],
    ['binary', Buffer.concat([Buffer.from('[tool.framewise]\nselect = ["'), Buffer.from([0, 0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"]\n')])],
    ['wrong types', '[tool.framewise]\nselect = 3\nignore = { a = 1 }\nseverity = ["x"]\nmax-file-size = -1\n'],
  ];

  beforeAll(async () => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'framewise-hostile-')));
    cases.forEach(([, text], i) => {
      write(path.join(tmp, `ws${i}`, 'pyproject.toml'), text);
      write(path.join(tmp, `ws${i}`, 'm.py'), JIT_PRINT);
    });
    client = await startServer({ rootUri: pathToFileURL(tmp).href, env: TEST_ENV });
  });
  afterAll(async () => {
    await client.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it.each(cases.map(([name], i) => [name, i] as const))('%s: the document is still analysed (with the defaults) and the server keeps serving', async (_name, i) => {
    const u = pathToFileURL(path.join(tmp, `ws${i}`, 'm.py')).href;
    client.open(u, JIT_PRINT, 1);
    const p = await client.waitForDiagnostics(u, (d) => d.version === 1, WAIT);
    expect(p.diagnostics.map((d) => d.code)).toContain('JAX001');
    // Problems, if any, are published on the pyproject.toml itself, starting inside it (an end past
    // the end of its line is allowed: LSP clients clamp it to the line length).
    const cfg = pathToFileURL(path.join(tmp, `ws${i}`, 'pyproject.toml')).href;
    const text = fs.readFileSync(path.join(tmp, `ws${i}`, 'pyproject.toml'), 'utf8');
    const lines = text.split(/\r\n|\r|\n/);
    for (const pub of client.published.filter((x) => x.uri === cfg)) {
      for (const d of pub.diagnostics) {
        expect(d.range.start.line).toBeLessThan(lines.length);
        expect(d.range.end.line).toBeLessThan(lines.length);
        expect(d.range.start.character).toBeLessThanOrEqual(lines[d.range.start.line].length);
      }
    }
    expect(client.proc.exitCode).toBeNull();
    client.close(u);
  }, 60_000);
});
