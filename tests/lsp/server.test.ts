/** The real server over stdio: open, edit, see versioned diagnostics; quick fixes; bad input. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { CodeActionRequest } from 'vscode-languageserver-protocol';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startServer, type TestClient } from '../helpers/lsp';

const URI = 'file:///work/sample_jax.py';
const SOURCE = `import jax
import jax.numpy as jnp


@jax.jit
def step(x):
    print("x", x)
    return x * 2
`;

describe('language server over stdio', () => {
  let client: TestClient;
  beforeAll(async () => { client = await startServer(); });
  afterAll(async () => { await client.stop(); });

  it('publishes diagnostics for an opened document, tagged with its version', async () => {
    client.open(URI, SOURCE, 1);
    const p = await client.waitForDiagnostics(URI, (d) => d.version === 1);
    expect(p.diagnostics.map((d) => d.code)).toEqual(['JAX001']);
    const d = p.diagnostics[0];
    expect(d.range.start).toEqual({ line: 6, character: 4 });
    expect(d.source).toBe('framewise');
    expect(d.codeDescription?.href).toMatch(/JAX001\.md$/);
  });

  it('re-analyses after incremental edits and never publishes a stale version', async () => {
    // Version 2: add an in-place update on line 7 (JAX002). Version 3: delete the print line.
    client.change(URI, 2, [{ range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } }, text: '    x[0] = 1.0\n' }]);
    client.change(URI, 3, [{ range: { start: { line: 6, character: 0 }, end: { line: 7, character: 0 } }, text: '' }]);
    const p = await client.waitForDiagnostics(URI, (d) => d.version === 3);
    expect(p.diagnostics.map((d) => d.code)).toEqual(['JAX002']);
    expect(p.diagnostics[0].range.start).toEqual({ line: 6, character: 4 });
    // The debounce coalesced the two edits: nothing was published for version 2.
    expect(client.published.filter((x) => x.uri === URI).map((x) => x.version)).not.toContain(2);
  });

  it('offers the quick fix as a versioned workspace edit', async () => {
    const p = await client.waitForDiagnostics(URI, (d) => d.version === 3);
    const actions = await client.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: URI },
      range: p.diagnostics[0].range,
      context: { diagnostics: p.diagnostics },
    });
    const fix = (actions ?? []).find((a) => 'kind' in a && a.kind === 'quickfix');
    expect(fix).toBeDefined();
    const change = (fix as { edit: { documentChanges: Array<{ textDocument: { version: number }; edits: Array<{ newText: string }> }> } }).edit.documentChanges[0];
    expect(change.textDocument.version).toBe(3);
    expect(change.edits[0].newText).toBe('x = x.at[0].set(1.0)');
  });

  it('publishes after each keystroke what a fresh open of the same text gets (incremental analysis)', async () => {
    const source = fs.readFileSync(path.join(__dirname, '../../samples/torch_classifier.py'), 'utf8');
    const uri = 'file:///work/typing.py';
    client.open(uri, source, 1);
    await client.waitForDiagnostics(uri, (d) => d.version === 1);
    const lines = source.split('\n');
    // Type into names (`x` after the name of indented assignments), then add and remove a line.
    const places = lines.flatMap((l, line) => {
      const m = /^([ \t]+)([A-Za-z_][A-Za-z0-9_]*) = /.exec(l);
      return m ? [{ line, character: m[1].length + m[2].length }] : [];
    }).slice(0, 6);
    expect(places.length).toBeGreaterThan(3);
    let text = source;
    let version = 1;
    const at = (p: { line: number; character: number }) => text.split('\n').slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    const edits = [...places.map((p) => ({ range: { start: p, end: p }, text: 'x' })),
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'acc = []\n' }];
    for (const [i, e] of edits.entries()) {
      const o = at(e.range.start);
      text = text.slice(0, o) + e.text + text.slice(o);
      client.change(uri, ++version, [e]);
      const got = await client.waitForDiagnostics(uri, (d) => d.version === version);
      const fresh = `file:///work/fresh-${i}.py`;
      client.open(fresh, text, 1);
      const want = await client.waitForDiagnostics(fresh, (d) => d.version === 1);
      expect(got.diagnostics).toEqual(want.diagnostics);
      expect(got.diagnostics.length).toBeGreaterThan(0);
    }
  });

  it('keeps serving after hostile input and says why a file is skipped', async () => {
    const bin = 'file:///work/binary.py';
    client.open(bin, 'import torch\n\u0000\u0001\u0002garbage', 1);
    const p = await client.waitForDiagnostics(bin, (d) => d.version === 1);
    expect(p.diagnostics).toHaveLength(1);
    expect(p.diagnostics[0].message).toMatch(/NUL or undecodable bytes/);

    const deep = 'file:///work/deep.py';
    client.open(deep, 'x = ' + '['.repeat(10000) + ']'.repeat(10000) + '\n', 1);
    const q = await client.waitForDiagnostics(deep, (d) => d.version === 1);
    expect(q.diagnostics).toEqual([]);

    const broken = 'file:///work/broken.py';
    client.open(broken, 'import jax\n@jax.jit\ndef f(x:\n    print(x)\n    return (((\n', 1);
    await client.waitForDiagnostics(broken, (d) => d.version === 1);

    // Still answers for a normal document afterwards.
    const ok = 'file:///work/ok.py';
    client.open(ok, SOURCE, 7);
    const r = await client.waitForDiagnostics(ok, (d) => d.version === 7);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['JAX001']);
  });

  it('clears diagnostics when a document closes', async () => {
    client.close(URI);
    const p = await client.waitForDiagnostics(URI, (d) => d.diagnostics.length === 0 && d.version === undefined);
    expect(p.diagnostics).toEqual([]);
  });
});
