/**
 * Test-only hooks, registered only when the server runs with FRAMEWISE_TEST=1 (the test suites set
 * it; VS Code never does). Nothing here exists in a normal session.
 *
 * - `framewise/debugDocumentText` ({ uri } → { version, text, analyses } or null): the server's copy
 *   of an open document, so tests can check that incremental edits kept it equal to the client's,
 *   and how many times it was analysed (a burst of edits must be analysed far fewer times).
 * - `framewise/debugTimings` ({ uri } → PublishTiming-like records, oldest first; the list is then
 *   emptied): for each publish of that document, the ms from the arrival of the change to the
 *   diagnostics written to the connection (`serverMs`: debounce, parse, analysis, conversion, JSON
 *   encoding), and the analysis alone (`analysisMs`). The benchmark's server-side keystroke latency.
 * - `framewise/debugWarmUp` (→ { on, done, steps, spentMs }): how far the JIT warm-up got (lsp/warmup.ts);
 *   the benchmark waits for it before typing, as a user reads a file before editing it.
 * - `framewise/debugIdleGc` (→ { on, collections, spentMs }): the scavenges made between keystrokes
 *   (lsp/idleGc.ts).
 * - FRAMEWISE_TEST_SLOW_RULE_MS=N: analysing a document whose text contains
 *   `FRAMEWISE_TEST_SLOW_MARKER` blocks for N ms, as a pathologically slow rule would.
 */
import type { DocState, FramewiseServer } from './server';

export const DEBUG_DOCUMENT_TEXT_REQUEST = 'framewise/debugDocumentText';
export const SLOW_MARKER = 'FRAMEWISE_TEST_SLOW_MARKER';
export const DEBUG_TIMINGS_REQUEST = 'framewise/debugTimings';
export const DEBUG_WARM_UP_REQUEST = 'framewise/debugWarmUp';
export const DEBUG_IDLE_GC_REQUEST = 'framewise/debugIdleGc';

export interface DebugTiming {
  version: number;
  /** From the arrival of the change to the diagnostics written (absent for a version that came with an open). */
  serverMs?: number;
  /** From the arrival of the change to the start of the analysis (debounce, the queue, whatever ran between). */
  waitMs?: number;
  analysisMs: number;
}

/** Timings kept per document until asked for (a bound, so that a client that never asks costs little). */
const MAX_TIMINGS = 10_000;

export interface DebugDocumentTextResult {
  version: number;
  text: string;
  /** Analyses run for this URI since the server started. */
  analyses: number;
}

export function registerDebug(server: FramewiseServer, env: NodeJS.ProcessEnv = process.env): void {
  if (env.FRAMEWISE_TEST !== '1') return;
  const analyses = new Map<string, number>();
  const slowMs = Number(env.FRAMEWISE_TEST_SLOW_RULE_MS ?? 0);

  const analyze = server.analyze.bind(server);
  server.analyze = (state: DocState) => {
    if (state.result?.version !== state.doc.version) {
      analyses.set(state.doc.uri, (analyses.get(state.doc.uri) ?? 0) + 1);
      if (slowMs > 0 && state.doc.text.includes(SLOW_MARKER)) sleep(slowMs);
    }
    return analyze(state);
  };

  const timings = new Map<string, DebugTiming[]>();
  server.onPublished = (t) => {
    let list = timings.get(t.uri);
    if (!list) timings.set(t.uri, (list = []));
    if (list.length < MAX_TIMINGS) list.push({ version: t.version, serverMs: t.changedAt === undefined ? undefined : t.writtenAt - t.changedAt, waitMs: t.changedAt === undefined ? undefined : t.startedAt - t.changedAt, analysisMs: t.analysisMs });
  };
  server.connection.onRequest(DEBUG_TIMINGS_REQUEST, (params: { uri?: unknown }): DebugTiming[] => {
    const uri = typeof params?.uri === 'string' ? params.uri : '';
    const list = timings.get(uri) ?? [];
    timings.delete(uri);
    return list;
  });

  server.connection.onRequest(DEBUG_WARM_UP_REQUEST, () => {
    const w = server.warmUp;
    return { on: !!w, done: w?.done ?? true, steps: w?.steps ?? 0, spentMs: w?.spentMs ?? 0 };
  });

  server.connection.onRequest(DEBUG_IDLE_GC_REQUEST, () => {
    const g = server.idleGc;
    return { on: g.on, collections: g.collections, spentMs: g.spentMs };
  });

  server.connection.onRequest(DEBUG_DOCUMENT_TEXT_REQUEST, (params: { uri?: unknown }): DebugDocumentTextResult | null => {
    const uri = typeof params?.uri === 'string' ? params.uri : '';
    const state = server.docs.get(uri);
    if (!state) return null;
    return { version: state.doc.version, text: state.doc.text, analyses: analyses.get(uri) ?? 0 };
  });
}

/** Block the thread, as a synchronous rule does. */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
