/**
 * `[tool.framewise]` in the real server over stdio: applied per document over the VS Code settings,
 * read only inside the workspace, re-read on workspace/didChangeWatchedFiles, and a broken file
 * reported on the pyproject.toml itself while analysis falls back to the defaults.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, FileChangeType, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { startServer, type TestClient } from '../helpers/lsp';

/** JAX002 on line 3, PT201 on line 4, no TF rule. */
const SOURCE = `import torch
import jax.numpy as jnp
x = jnp.zeros(3)
x[0] = 1.0
t = torch.zeros(3).cuda()
`;

describe('project configuration in the server', () => {
  let tmp: string;
  let ws: string;
  let client: TestClient;
  const uriOf = (p: string) => pathToFileURL(p).href;
  const write = (p: string, text: string) => { fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, text); };
  let pyproject: string;
  let file: string;

  /** The next publish for `uri` after this call that satisfies `pred`. */
  const next = (uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true) => {
    const mark = client.published.length;
    return client.waitForDiagnostics(uri, (p) => client.published.indexOf(p) >= mark && pred(p));
  };
  // Other rules may fire on SOURCE as the registry grows: look at the two it is written for.
  const codes = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => ['JAX002', 'PT201', 'skipped'].includes(String(d.code))).map((d) => `${d.code}:${d.severity}`);
  const changed = (p: string, type: FileChangeType = FileChangeType.Changed) =>
    client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uriOf(p), type }] });

  beforeAll(async () => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'framewise-lsp-config-')));
    ws = path.join(tmp, 'ws');
    pyproject = path.join(ws, 'pyproject.toml');
    file = path.join(ws, 'pkg', 'model.py');
    write(pyproject, '[project]\nname = "demo"\n\n[tool.framewise]\nselect = ["JAX"]\nseverity = { JAX002 = "warning" }\n');
    write(file, SOURCE);
    // Above the workspace: must never be read.
    write(path.join(tmp, 'pyproject.toml'), '[tool.framewise]\nselect = ["TF"]\n');
    // VS Code settings select PT and make JAX002 a hint; the pyproject overrides both.
    client = await startServer({ rootUri: uriOf(ws), settings: { select: ['PT'], severity: { JAX002: 'hint', PT201: 'information' } } });
  });
  afterAll(async () => {
    await client.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('applies [tool.framewise] over the VS Code settings', async () => {
    const p = next(uriOf(file), (d) => codes(d).join() === 'JAX002:2');
    client.open(uriOf(file), SOURCE, 1);
    expect(codes(await p)).toEqual(['JAX002:2']); // select JAX (pyproject), severity warning (pyproject beats hint)
  });

  it('reads nothing outside the workspace: a document there gets the VS Code settings alone', async () => {
    const outside = path.join(tmp, 'outside', 'b.py');
    write(path.join(tmp, 'outside', 'pyproject.toml'), '[tool.framewise]\nselect = ["JAX"]\n');
    write(outside, SOURCE);
    const p = next(uriOf(outside), (d) => d.version === 1);
    client.open(uriOf(outside), SOURCE, 1);
    expect(codes(await p)).toEqual(['PT201:3']);
    client.close(uriOf(outside));
  });

  it('a broken pyproject.toml gives one diagnostic on that file, and analysis falls back to the defaults', async () => {
    write(pyproject, '[tool.framewise]\nselect = ["JAX"\nseverity = {}\n');
    const onToml = next(uriOf(pyproject), (d) => d.diagnostics.length > 0);
    const onFile = next(uriOf(file));
    changed(pyproject);
    const t = await onToml;
    expect(t.diagnostics).toHaveLength(1);
    const d = t.diagnostics[0];
    expect(d.severity).toBe(1);
    expect(d.source).toBe('framewise');
    expect(d.message).toMatch(/^pyproject\.toml is not valid TOML \(line 3, column 1\)/);
    expect(d.range.start).toEqual({ line: 2, character: 0 });
    // Defaults < VS Code settings: PT only, PT201 as information.
    expect(codes(await onFile)).toEqual(['PT201:3']);
  });

  it('re-reads a repaired file: problems are replaced, then cleared', async () => {
    write(pyproject, '[tool.framewise]\nselect = ["JAX", "PT"]\ncolour = "blue"\n');
    const onToml = next(uriOf(pyproject));
    const onFile = next(uriOf(file));
    changed(pyproject);
    const t = await onToml;
    expect(t.diagnostics.map((x) => [x.severity, x.range.start.line, x.message])).toEqual([[2, 2, expect.stringMatching(/Unknown key `colour`/)]]);
    expect(codes(await onFile)).toEqual(['JAX002:4', 'PT201:3']); // JAX002's severity still comes from VS Code

    write(pyproject, '[tool.framewise]\nselect = ["JAX", "PT"]\nignore = ["PT201"]\n');
    const cleared = next(uriOf(pyproject));
    const onFile2 = next(uriOf(file));
    changed(pyproject);
    expect((await cleared).diagnostics).toEqual([]);
    expect(codes(await onFile2)).toEqual(['JAX002:4']);
  });

  it('a deleted pyproject.toml leaves the VS Code settings; the one above the workspace is not read', async () => {
    fs.rmSync(pyproject);
    const onFile = next(uriOf(file));
    changed(pyproject, FileChangeType.Deleted);
    expect(codes(await onFile)).toEqual(['PT201:3']);
  });

  it('max-file-size from pyproject.toml applies to open documents', async () => {
    write(pyproject, '[tool.framewise]\nmax-file-size = 1024\n');
    const big = `${SOURCE}${'# padding\n'.repeat(150)}`;
    client.change(uriOf(file), 2, [{ text: big }]);
    await next(uriOf(file), (d) => d.version === 2);
    const onFile = next(uriOf(file), (d) => d.version === 2);
    changed(pyproject, FileChangeType.Created);
    const p = await onFile;
    expect(p.diagnostics.map((d) => d.code)).toEqual(['skipped']);
    expect(p.diagnostics[0].message).toMatch(/^Framewise skipped this file: .* over the .* limit/);
  });

  it('ignores watched-file events for other files', async () => {
    const before = client.published.length;
    changed(path.join(ws, 'setup.cfg'));
    // A request round-trip: anything the notification caused would have been sent before the reply.
    await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: uriOf(file) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
    expect(client.published.length).toBe(before);
  });
});
