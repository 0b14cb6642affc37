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
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

export const SERVER = path.resolve(__dirname, '..', '..', 'dist', 'server.js');

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
}

export async function startServer(options: { settings?: Record<string, unknown>; rootUri?: string | null; env?: NodeJS.ProcessEnv } = {}): Promise<TestClient> {
  const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
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
