/**
 * The bundled language server runs no processes, opens no network connections, starts no workers,
 * loads no native code, writes no files, and reads only its own bundled files plus the workspace's
 * pyproject.toml — checked at run time by preloading tests/security/preload.cjs (which makes all of
 * those throw and reports every file access) into `node dist/server.js` and driving a full session:
 * open, edit, diagnostics, quick fixes, translations, hover, `framewise/equivalents`, configuration
 * changes and a pyproject.toml change, in a workspace that also plants a grammar WASM and a catalog
 * where a careless fallback would pick them up (the server runs with the workspace as its working
 * directory, as VS Code starts it).
 *
 * Plus a static check of the bundle: the only modules in dist/server.js that import child_process,
 * net, http(s), dgram, tls or worker_threads are known library code paths Framewise never calls.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { CodeActionRequest, HoverRequest, DidChangeWatchedFilesNotification, DidChangeConfigurationNotification, FileChangeType, type CodeAction } from 'vscode-languageserver-protocol';
import { startServer, SERVER, type TestClient } from '../helpers/lsp';

const ROOT = path.resolve(__dirname, '..', '..');
const PRELOAD = path.join(__dirname, 'preload.cjs');
const WAIT = 60_000;

interface Report { kind: 'forbidden' | 'read' | 'probe' | 'write' | 'ready'; what: string; path?: string }

function reports(stderr: string[]): Report[] {
  return stderr.join('').split('\n').filter((l) => l.startsWith('FRAMEWISE_SECURITY ')).map((l) => JSON.parse(l.slice('FRAMEWISE_SECURITY '.length)) as Report);
}

const SOURCE = `import os
import subprocess
import jax
import jax.numpy as jnp
import torch

os.system("touch PWNED")  # never executed: Framewise only parses
subprocess.run(["curl", "http://example.invalid"])


@jax.jit
def step(x):
    print("x", x)
    x[0] = 1.0
    return jnp.sum(x)


def train(model, loader, optimizer):
    for batch in loader:
        loss = model(batch).sum()
        loss.backward()
        optimizer.step()
    return torch.zeros(3).cuda()
`;

describe('security: the language server at run time', () => {
  let tmp: string;
  let ws: string;
  let client: TestClient;
  let file: string;

  beforeAll(async () => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'framewise-security-')));
    ws = path.join(tmp, 'ws');
    file = path.join(ws, 'pkg', 'model.py');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(path.join(ws, 'pyproject.toml'), '[project]\nname = "demo"\n\n[tool.framewise]\nselect = ["JAX", "PT"]\n');
    fs.writeFileSync(file, SOURCE);
    // Decoys a careless cwd-relative fallback would load from the workspace.
    fs.mkdirSync(path.join(ws, 'grammars'));
    fs.writeFileSync(path.join(ws, 'grammars', 'tree-sitter-python.wasm'), 'not wasm');
    fs.mkdirSync(path.join(ws, 'snippets', 'catalog'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'snippets', 'catalog', 'evil.json'), '{"concepts": []}');
    // Outside the workspace: must never be read.
    fs.writeFileSync(path.join(tmp, 'pyproject.toml'), '[tool.framewise]\nselect = ["TF"]\n');
    client = await startServer({ rootUri: pathToFileURL(ws).href, nodeArgs: ['--require', PRELOAD], cwd: ws, settings: { select: ['ALL'] } });
  });
  afterAll(async () => {
    await client?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('serves a whole session with every process, network, worker and native-code API blocked', async () => {
    const uri = pathToFileURL(file).href;
    client.open(uri, SOURCE, 1);
    const p = await client.waitForDiagnostics(uri, (d) => d.version === 1, WAIT);
    expect(p.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['JAX001', 'JAX002']));

    client.change(uri, 2, [{ range: { start: { line: 12, character: 4 }, end: { line: 12, character: 4 } }, text: 'y = x\n    ' }]);
    const q = await client.waitForDiagnostics(uri, (d) => d.version === 2, WAIT);
    const all = await client.request<CodeAction[]>(CodeActionRequest.method, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } }, context: { diagnostics: q.diagnostics } }, { timeoutMs: WAIT });
    expect(all.ok && all.result.some((a) => a.kind === 'quickfix' && a.edit)).toBe(true);
    // A translation (torch.zeros → JAX / TensorFlow) and the equivalents of the API under the cursor.
    const zeros = { line: 23, character: 14 };
    const tr = await client.request<CodeAction[]>(CodeActionRequest.method, { textDocument: { uri }, range: { start: zeros, end: zeros }, context: { diagnostics: [] } }, { timeoutMs: WAIT });
    expect(tr.ok).toBe(true);
    expect((await client.request(HoverRequest.method, { textDocument: { uri }, position: zeros }, { timeoutMs: WAIT })).ok).toBe(true);
    const eq = await client.request('framewise/equivalents', { textDocument: { uri }, position: zeros }, { timeoutMs: WAIT });
    expect(eq.ok || (!eq.ok && eq.code === -32601)).toBe(true);
    await client.request('framewise/equivalents', { query: 'torch.nn.Linear', list: true }, { timeoutMs: WAIT });

    // Configuration changes: VS Code settings, then the pyproject.toml (re-read on the watched-file event).
    client.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    fs.writeFileSync(path.join(ws, 'pyproject.toml'), '[tool.framewise]\nselect = ["PT"]\n');
    client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(path.join(ws, 'pyproject.toml')).href, type: FileChangeType.Changed }] });
    await client.waitForDiagnostics(uri, (d) => d.version === 2 && !d.diagnostics.some((x) => String(x.code).startsWith('JAX')), WAIT);
    client.close(uri);
    await client.request('shutdown', null, { timeoutMs: WAIT });

    const r = reports(client.stderr);
    expect(r.some((x) => x.kind === 'ready'), 'the preload script ran').toBe(true);
    expect(r.filter((x) => x.kind === 'forbidden')).toEqual([]);
    expect(r.filter((x) => x.kind === 'write')).toEqual([]);
    expect(fs.existsSync(path.join(ws, 'PWNED'))).toBe(false);

    // Reads and probes: the server's own bundled files, and inside the workspace only pyproject.toml
    // files, the folders on the way to them and a stat of the open document (never its content: the
    // text comes from the client). Nothing else: not the decoys, not the file above the workspace.
    const own = ['dist', 'grammars', 'snippets', 'docs'].map((d) => path.join(ROOT, d) + path.sep);
    const inWorkspace = (p: string) => p === ws || p.startsWith(ws + path.sep);
    const allowed = (x: Report) => {
      const p = path.resolve(ws, x.path ?? '');
      if (own.some((o) => p.startsWith(o))) return true;
      if (x.kind === 'probe' && (ROOT.startsWith(p + path.sep) || p === ROOT)) return true; // realpath of the path to dist/server.js
      if (!inWorkspace(p)) return false;
      return path.basename(p) === 'pyproject.toml' || (x.kind === 'probe' && (!path.extname(p) || p === file));
    };
    const reads = r.filter((x) => x.kind === 'read' || x.kind === 'probe');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((x) => !allowed(x))).toEqual([]);
    expect(reads.some((x) => x.kind === 'read' && x.path === path.join(ws, 'pyproject.toml'))).toBe(true);
    expect(reads.some((x) => x.kind === 'read' && x.path?.endsWith('tree-sitter-python.wasm') && x.path.startsWith(ROOT))).toBe(true);
  }, 120_000);
});

describe('security: the bundle', () => {
  it('imports process, network and worker modules only from known library code paths Framewise never calls', () => {
    const bundle = fs.readFileSync(SERVER, 'utf8').split('\n');
    const risky = /require\("(?:node:)?(child_process|net|tls|http|https|http2|dgram|worker_threads|cluster|inspector|vm)"\)/;
    // esbuild marks each bundled module with a `// path` comment line.
    const found: string[] = [];
    let module = '(prelude)';
    for (const line of bundle) {
      const m = /^\/\/ ((?:node_modules|server|client)\/\S+)$/.exec(line);
      if (m) module = m[1];
      const r = risky.exec(line);
      if (r) found.push(`${module}: ${r[1]}`);
    }
    expect(found.sort()).toEqual([
      // Files.resolveGlobalNodePath (asks npm for its prefix): a helper Framewise does not use.
      'node_modules/vscode-languageserver/lib/node/files.js: child_process',
      // Pipe and socket transports; Framewise runs over stdio or node-ipc.
      'node_modules/vscode-jsonrpc/lib/node/main.js: net',
    ].sort());
    // None of Framewise's own modules in the bundle imports them, evaluates code or reaches for
    // internal bindings: checked on their sources, with the TypeScript parser.
    const own = bundle.map((l) => /^\/\/ ((?:server|client)\/\S+\.ts)$/.exec(l)?.[1]).filter((x): x is string => !!x);
    expect(own.length).toBeGreaterThan(20);
    const offences: string[] = [];
    const RISKY = new Set(['child_process', 'net', 'tls', 'http', 'https', 'http2', 'dgram', 'worker_threads', 'cluster', 'inspector', 'vm']);
    const moduleName = (spec: string) => spec.replace(/^node:/, '');
    for (const rel of own) {
      const src = ts.createSourceFile(rel, fs.readFileSync(path.join(ROOT, rel), 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        const at = () => `${rel}:${src.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
        if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && RISKY.has(moduleName(node.moduleSpecifier.text))) offences.push(`${at()} imports ${node.moduleSpecifier.text}`);
        if (ts.isCallExpression(node)) {
          const callee = node.expression;
          const arg = node.arguments[0];
          if ((callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) && arg && ts.isStringLiteral(arg) && RISKY.has(moduleName(arg.text))) offences.push(`${at()} loads ${arg.text}`);
          if (ts.isIdentifier(callee) && callee.text === 'eval') offences.push(`${at()} calls eval`);
          if (ts.isPropertyAccessExpression(callee) && callee.expression.getText() === 'process' && ['binding', '_linkedBinding', 'dlopen'].includes(callee.name.text)) offences.push(`${at()} calls process.${callee.name.text}`);
        }
        if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Function') offences.push(`${at()} constructs a Function`);
        ts.forEachChild(node, visit);
      };
      visit(src);
    }
    expect(offences).toEqual([]);
  });
});
