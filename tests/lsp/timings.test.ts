/**
 * The server's own timing of its publishes (lsp/debug.ts `framewise/debugTimings`, FRAMEWISE_TEST=1
 * only): what `npm run bench` reports as the server-side keystroke latency. One record per publish,
 * from the change's arrival to the diagnostics written, never shorter than the wait before the analysis
 * and the analysis inside it.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startServer, TEST_ENV, type TestClient } from '../helpers/lsp';

interface Timing { version: number; serverMs?: number; waitMs?: number; analysisMs: number }

const SOURCE = `import jax\n\n@jax.jit\ndef step(x):\n    print(x)\n    return x * 2\n`;

describe('server-side publish timings', () => {
  let client: TestClient;
  const uri = 'file:///timings.py';

  beforeAll(async () => { client = await startServer({ env: TEST_ENV, settings: { debounceMs: 0 } }); });
  afterAll(async () => { await client.stop(); });

  it('records each publish of a changed version, with the analysis inside the change-to-write time', async () => {
    client.open(uri, SOURCE, 1);
    await client.waitForDiagnostics(uri, (p) => p.version === 1);
    // Settings arrive after initialisation and may re-publish version 1: start from an empty record.
    await new Promise((r) => setTimeout(r, 300));
    await client.request('framewise/debugTimings', { uri });

    for (let v = 2; v <= 4; v++) {
      const character = v % 2 === 0 ? 4 : 5;
      client.change(uri, v, [{ range: { start: { line: 4, character }, end: { line: 4, character } }, text: v % 2 === 0 ? 'x' : '' }]);
      await client.waitForDiagnostics(uri, (p) => p.version === v);
    }
    const r = await client.request<Timing[]>('framewise/debugTimings', { uri });
    expect(r.ok).toBe(true);
    const timings = (r as { result: Timing[] }).result;
    expect(timings.map((t) => t.version)).toEqual([2, 3, 4]);
    for (const t of timings) {
      expect(t.serverMs).toBeGreaterThan(0);
      expect(t.analysisMs).toBeGreaterThan(0);
      expect(t.serverMs!).toBeGreaterThanOrEqual(t.analysisMs);
      // The wait before the analysis, the analysis and what follows it add up to the whole.
      expect(t.waitMs).toBeGreaterThanOrEqual(0);
      expect(t.waitMs! + t.analysisMs).toBeLessThanOrEqual(t.serverMs! + 1e-6);
    }
    // Asking empties the record.
    const again = await client.request<Timing[]>('framewise/debugTimings', { uri });
    expect(again).toEqual({ ok: true, result: [] });
  });

  it('gives a version that came with an open no change-to-write time', async () => {
    const other = 'file:///opened.py';
    client.open(other, SOURCE, 7);
    await client.waitForDiagnostics(other, (p) => p.version === 7);
    const r = await client.request<Timing[]>('framewise/debugTimings', { uri: other });
    const timings = (r as { result: Timing[] }).result;
    expect(timings.length).toBeGreaterThan(0);
    expect(timings[0]).toMatchObject({ version: 7 });
    expect(timings[0].serverMs).toBeUndefined();
    expect(timings[0].waitMs).toBeUndefined();
  });
});
