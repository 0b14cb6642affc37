/** The real server over stdio: open, edit, see versioned diagnostics; quick fixes; bad input. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { CodeActionRequest } from 'vscode-languageserver-protocol';
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
