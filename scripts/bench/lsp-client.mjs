// A minimal LSP client for the benchmarks: spawns the bundled server over stdio, answers
// workspace/configuration with the given `framewise` settings, and resolves waits on
// publishDiagnostics by URI and version.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';

const require = createRequire(import.meta.url);
const P = require('vscode-languageserver-protocol/node');

export async function startServer(serverPath, settings, env = {}, nodeArgs = []) {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [...nodeArgs, serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const stderr = [];
  proc.stderr.on('data', (d) => stderr.push(String(d)));
  const conn = P.createProtocolConnection(new P.StreamMessageReader(proc.stdout), new P.StreamMessageWriter(proc.stdin));
  const waiters = [];
  const latest = new Map(); // uri → version of the last publish
  let firstPublishAt;
  conn.onNotification(P.PublishDiagnosticsNotification.type, (p) => {
    firstPublishAt ??= performance.now();
    latest.set(p.uri, p.version);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i];
      if (w.uri === p.uri && (w.version === undefined || p.version === w.version)) {
        waiters.splice(i, 1);
        w.resolve({ params: p, at: performance.now() });
      }
    }
  });
  conn.onRequest(P.ConfigurationRequest.type, (params) => params.items.map((i) => (i.section === 'framewise' ? settings : null)));
  conn.onNotification(P.LogMessageNotification.type, () => {});
  conn.listen();
  await conn.sendRequest(P.InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
    workspaceFolders: null,
  });
  conn.sendNotification(P.InitializedNotification.type, {});
  return {
    proc,
    stderr,
    startedAt: t0,
    get firstPublishAt() { return firstPublishAt; },
    waitFor(uri, version, timeoutMs = 120_000) {
      if (version !== undefined && latest.get(uri) === version) return Promise.resolve({ at: performance.now() });
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ uri, version, resolve: (x) => { clearTimeout(timer); resolve(x); } });
      });
    },
    /**
     * The server's own timings of its publishes for `uri` since the last call (needs FRAMEWISE_TEST=1
     * in `env`): { version, serverMs, analysisMs }, serverMs from the change's arrival to the
     * diagnostics written.
     */
    timings(uri) {
      return conn.sendRequest('framewise/debugTimings', { uri });
    },
    /** The server's scavenges between keystrokes so far (FRAMEWISE_TEST=1): { on, collections, spentMs }. */
    idleGc() {
      return conn.sendRequest('framewise/debugIdleGc', {});
    },
    /** How far the server's JIT warm-up got (FRAMEWISE_TEST=1): { on, done, steps, spentMs }. */
    warmUp() {
      return conn.sendRequest('framewise/debugWarmUp', {});
    },
    open(uri, text, version = 1) {
      conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version, text } });
    },
    change(uri, version, contentChanges) {
      conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
    },
    /** Resident set size of the server process, in bytes (Linux /proc; undefined elsewhere). */
    rss() {
      try {
        const s = fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8');
        const m = /VmRSS:\s+(\d+) kB/.exec(s);
        const h = /VmHWM:\s+(\d+) kB/.exec(s);
        return { rss: m ? Number(m[1]) * 1024 : undefined, peak: h ? Number(h[1]) * 1024 : undefined };
      } catch {
        return { rss: undefined, peak: undefined };
      }
    },
    async stop() {
      try {
        await Promise.race([conn.sendRequest(P.ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
        conn.sendNotification(P.ExitNotification.type);
      } catch { /* already gone */ }
      await new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        const t = setTimeout(() => { proc.kill('SIGKILL'); resolve(); }, 3000);
        proc.once('exit', () => { clearTimeout(t); resolve(); });
      });
      conn.dispose();
    },
  };
}
