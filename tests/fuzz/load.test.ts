/**
 * Load, cancellation and crashes, against the real server over stdio (test hooks on: FRAMEWISE_TEST=1,
 * and a simulated slow rule, FRAMEWISE_TEST_SLOW_RULE_MS, on documents holding the marker):
 * - requests cancelled while the server is busy are answered RequestCancelled, unhandled;
 * - a burst of 1,000 changes is analysed a handful of times, and the last version is published;
 * - a slow document does not hold back another document's diagnostics;
 * - a server killed with SIGKILL is gone, and a fresh one starts and serves;
 * - a server whose client disappears (stdin closed) exits instead of lingering.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { CodeActionRequest, HoverRequest, LSPErrorCodes } from 'vscode-languageserver-protocol';
import { startServer, TEST_ENV, type TestClient } from '../helpers/lsp';

const SLOW_MS = 1500;
const MARKER = 'FRAMEWISE_TEST_SLOW_MARKER';
const JIT_PRINT = 'import jax\n\n@jax.jit\ndef f(x):\n    print(x)\n    return x\n';
const SLOW_TEXT = `# ${MARKER}\n${JIT_PRINT}`;
const WAIT = 60_000;

describe('load and cancellation', () => {
  let client: TestClient;
  beforeAll(async () => { client = await startServer({ env: { ...TEST_ENV, FRAMEWISE_TEST_SLOW_RULE_MS: String(SLOW_MS) } }); });
  afterAll(async () => { await client.stop(); });

  it('answers requests cancelled while it was busy with RequestCancelled, and the others normally', async () => {
    const slow = 'file:///load/cancel-slow.py';
    const fast = 'file:///load/cancel-fast.py';
    client.open(fast, JIT_PRINT, 1);
    await client.waitForDiagnostics(fast, (p) => p.version === 1, WAIT);
    client.open(slow, SLOW_TEXT, 1);
    // Its first analysis (busy for SLOW_MS) done, so that it cannot fall before or after the code action below.
    await client.waitForDiagnostics(slow, (p) => p.version === 1, WAIT);
    client.change(slow, 2, [{ range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } }, text: '# edited\n' }]);
    // A code action on the edited document analyses it on the spot: the server is busy for SLOW_MS.
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const busy = client.request(CodeActionRequest.method, { textDocument: { uri: slow }, range, context: { diagnostics: [] } }, { timeoutMs: WAIT });
    // Sent (and cancelled) once it is busy: they wait in the queue, then are answered unhandled. Sent
    // at once instead, on a loaded machine the server could read and answer one before its cancellation.
    await new Promise((r) => setTimeout(r, SLOW_MS / 5));
    const cancelled = [
      client.request(HoverRequest.method, { textDocument: { uri: fast }, position: { line: 4, character: 5 } }, { timeoutMs: WAIT, cancelAfterSend: true }),
      client.request(CodeActionRequest.method, { textDocument: { uri: fast }, range, context: { diagnostics: [] } }, { timeoutMs: WAIT, cancelAfterSend: true }),
      client.request('framewise/equivalents', { textDocument: { uri: fast }, position: { line: 4, character: 5 } }, { timeoutMs: WAIT, cancelAfterSend: true }),
    ];
    const kept = client.request(HoverRequest.method, { textDocument: { uri: fast }, position: { line: 4, character: 5 } }, { timeoutMs: WAIT });
    expect((await busy).ok).toBe(true);
    for (const r of await Promise.all(cancelled)) expect(r).toMatchObject({ ok: false, code: LSPErrorCodes.RequestCancelled });
    expect((await kept).ok).toBe(true);
    client.close(slow);
    client.close(fast);
  }, 120_000);

  it('coalesces a burst of 1,000 changes: a handful of analyses, the last version published', async () => {
    const uri = 'file:///load/burst.py';
    client.open(uri, JIT_PRINT, 1);
    await client.waitForDiagnostics(uri, (p) => p.version === 1, WAIT);
    const before = (await client.debugText(uri))!.analyses;
    const mark = client.published.length;
    // Type 1,000 characters into a comment at the end, one notification each.
    let text = JIT_PRINT + '# ';
    client.change(uri, 2, [{ range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, text: '# ' }]);
    for (let i = 0; i < 1000; i++) {
      const ch = 'abcdefghij'[i % 10];
      client.change(uri, 3 + i, [{ range: { start: { line: 6, character: 2 + i }, end: { line: 6, character: 2 + i } }, text: ch }]);
      text += ch;
    }
    const last = 1002;
    const p = await client.waitForDiagnostics(uri, (d) => d.version === last, WAIT);
    expect(p.diagnostics.map((d) => d.code)).toEqual(['JAX001']);
    const after = await client.debugText(uri);
    expect(after).toMatchObject({ version: last, text });
    const analyses = after!.analyses - before;
    const publishes = client.published.slice(mark).filter((x) => x.uri === uri);
    // The notifications arrive faster than the debounce: far fewer analyses than changes.
    expect(analyses).toBeGreaterThanOrEqual(1);
    expect(analyses).toBeLessThan(20);
    expect(publishes.length).toBeLessThan(20);
    expect(publishes.at(-1)?.version).toBe(last);
    // Publishes are in version order: nothing older after something newer.
    const versions = publishes.map((x) => x.version!);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    client.close(uri);
  }, 120_000);

  it('does not let a slow document hold back another document\'s diagnostics', async () => {
    const slow = 'file:///load/slow.py';
    const fast = 'file:///load/fast.py';
    client.open(slow, SLOW_TEXT, 1);
    client.open(fast, JIT_PRINT, 1);
    await client.waitForDiagnostics(slow, (p) => p.version === 1, WAIT);
    await client.waitForDiagnostics(fast, (p) => p.version === 1, WAIT);
    // Both edited together, the slow one first: the fast one's diagnostics come first, and its
    // requests are answered while the slow one waits.
    const order: string[] = [];
    const t0 = Date.now();
    const slowDone = client.waitForDiagnostics(slow, (p) => p.version === 2, WAIT).then(() => order.push('slow'));
    const fastDone = client.waitForDiagnostics(fast, (p) => p.version === 2, WAIT).then(() => { order.push('fast'); return Date.now() - t0; });
    client.change(slow, 2, [{ range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } }, text: '    y = 1\n' }]);
    client.change(fast, 2, [{ range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, text: '    y = 1\n' }]);
    const fastMs = await fastDone;
    const hover = await client.request(HoverRequest.method, { textDocument: { uri: fast }, position: { line: 4, character: 5 } }, { timeoutMs: WAIT });
    expect(hover.ok).toBe(true);
    expect(order).toEqual(['fast']);
    await slowDone;
    expect(order).toEqual(['fast', 'slow']);
    expect(fastMs).toBeLessThan(Date.now() - t0);
    client.close(slow);
    client.close(fast);
  }, 120_000);
});

describe('crashes', () => {
  it('a server killed with SIGKILL is gone; a fresh one starts and serves', async () => {
    const first = await startServer({ env: TEST_ENV });
    first.open('file:///crash/a.py', JIT_PRINT, 1);
    await first.waitForDiagnostics('file:///crash/a.py', (p) => p.version === 1, WAIT);
    first.proc.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    first.conn.dispose();

    const second = await startServer({ env: TEST_ENV });
    try {
      second.open('file:///crash/a.py', JIT_PRINT, 1);
      const p = await second.waitForDiagnostics('file:///crash/a.py', (d) => d.version === 1, WAIT);
      expect(p.diagnostics.map((d) => d.code)).toEqual(['JAX001']);
      expect(second.proc.pid).not.toBe(first.proc.pid);
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('exits when its client goes away (stdin closed) instead of lingering', async () => {
    const c = await startServer({ env: TEST_ENV });
    c.open('file:///crash/b.py', JIT_PRINT, 1);
    await c.waitForDiagnostics('file:///crash/b.py', (p) => p.version === 1, WAIT);
    c.proc.stdin!.end();
    const exit = await Promise.race([c.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 10_000))]);
    if (exit === 'still running') c.proc.kill('SIGKILL');
    expect(exit).not.toBe('still running');
    c.conn.dispose();
  }, 60_000);
});
