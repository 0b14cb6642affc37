/**
 * A real LSP client for tests: spawns `node dist/server.js --stdio` and talks JSON-RPC to it with
 * vscode-languageserver-protocol. Waits on notifications, never on fixed sleeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  ExitNotification,
  ConfigurationRequest,
  ResponseError,
  CancellationTokenSource,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

/** The bundled server; FRAMEWISE_TEST_SERVER points the suites at another build (mutation checks). */
export const SERVER = process.env.FRAMEWISE_TEST_SERVER ?? path.resolve(__dirname, '..', '..', 'dist', 'server.js');

export interface TestClient {
  conn: ProtocolConnection;
  proc: ChildProcess;
  /** Every publishDiagnostics received, in order. */
  published: PublishDiagnosticsParams[];
  /** Resolve with the first publish for `uri` (at `version`, if given) that satisfies `pred`. */
  waitForDiagnostics(uri: string, pred?: (p: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  open(uri: string, text: string, version?: number): void;
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void;
  close(uri: string): void;
  stop(): Promise<void>;
  stderr: string[];
  /** Send a request; resolves with its result or its error (never rejects), or rejects after `timeoutMs`. */
  request<R = unknown>(method: string, params: unknown, options?: { timeoutMs?: number; cancelAfterSend?: boolean }): Promise<RequestOutcome<R>>;
  /** The server's copy of a document (needs FRAMEWISE_TEST=1), or null when it is not open. */
  debugText(uri: string): Promise<{ version: number; text: string; analyses: number } | null>;
  /** Resolves when the server process exits (with its exit code or signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export type RequestOutcome<R> = { ok: true; result: R } | { ok: false; code: number; message: string };

/** Environment for a server with the test-only hooks (lsp/debug.ts) enabled. */
export const TEST_ENV = { FRAMEWISE_TEST: '1' };

export async function startServer(options: { settings?: Record<string, unknown>; rootUri?: string | null; env?: NodeJS.ProcessEnv; nodeArgs?: string[]; cwd?: string } = {}): Promise<TestClient> {
  const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env }, cwd: options.cwd });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const stderr: string[] = [];
  proc.stderr!.on('data', (d) => stderr.push(String(d)));
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const published: PublishDiagnosticsParams[] = [];
  const waiters: Array<{ uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    for (const w of [...waiters]) {
      if (w.uri === p.uri && w.pred(p)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
    }
  });
  conn.onRequest(ConfigurationRequest.type, (params) => params.items.map((i) => (i.section === 'framewise' ? options.settings ?? {} : null)));
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: options.rootUri ?? null,
    capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'source'] } } } } },
    workspaceFolders: options.rootUri ? [{ uri: options.rootUri, name: 'root' }] : null,
  });
  conn.sendNotification(InitializedNotification.type, {});

  const client: TestClient = {
    conn,
    proc,
    published,
    stderr,
    exited,
    request<R>(method: string, params: unknown, opts: { timeoutMs?: number; cancelAfterSend?: boolean } = {}) {
      const timeoutMs = opts.timeoutMs ?? 15_000;
      const source = new CancellationTokenSource();
      const sent = conn.sendRequest(method, params, source.token).then(
        (result): RequestOutcome<R> => ({ ok: true, result: result as R }),
        (e: unknown): RequestOutcome<R> => (e instanceof ResponseError ? { ok: false, code: e.code, message: e.message } : { ok: false, code: 0, message: String(e) }),
      );
      if (opts.cancelAfterSend) source.cancel();
      return new Promise<RequestOutcome<R>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${method} got no answer within ${timeoutMs} ms`)), timeoutMs);
        void sent.then((r) => { clearTimeout(timer); source.dispose(); resolve(r); });
      });
    },
    async debugText(uri) {
      const r = await client.request<{ version: number; text: string; analyses: number } | null>('framewise/debugDocumentText', { uri });
      if (!r.ok) throw new Error(`framewise/debugDocumentText failed: ${r.message} (is FRAMEWISE_TEST=1 set?)`);
      return r.result;
    },
    waitForDiagnostics(uri, pred = () => true, timeoutMs = 15_000) {
      const existing = published.find((p) => p.uri === uri && pred(p));
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; got ${JSON.stringify(published.filter((p) => p.uri === uri).map((p) => ({ v: p.version, n: p.diagnostics.length })))}`)), timeoutMs);
        waiters.push({ uri, pred, resolve: (p) => { clearTimeout(timer); resolve(p); } });
      });
    },
    open(uri, text, version = 1) {
      conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version, text } });
    },
    change(uri, version, changes) {
      conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    },
    close(uri) {
      conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    },
    async stop() {
      try {
        await Promise.race([conn.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
        conn.sendNotification(ExitNotification.type);
      } catch { /* already gone */ }
      await new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        const t = setTimeout(() => { proc.kill('SIGKILL'); resolve(); }, 3000);
        proc.once('exit', () => { clearTimeout(t); resolve(); });
      });
      conn.dispose();
    },
  };
  return client;
}
