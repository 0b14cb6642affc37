/**
 * Scheduling of analyses (FramewiseServer.schedule): an edit after a pause, or in a document whose
 * analysis is fast, is analysed after the debounce alone; while a slow document is being typed in,
 * its next analysis starts no sooner after the end of the last one than that one took (the server
 * stays free at least half the time).
 */
import { describe, it, expect, vi, afterEach } from 'vitest';
import type { Connection } from 'vscode-languageserver/node';
import { FramewiseServer, SLOW_ANALYSIS_MS } from '../../server/src/lsp/server';
import { PythonDocument } from '../../server/src/parse/document';

/** A connection whose every handler registration and notification is a no-op. */
function nullConnection(): Connection {
  const fn: (...a: unknown[]) => unknown = () => proxy;
  const proxy: unknown = new Proxy(fn, { get: (_t, k) => (k === 'then' ? undefined : proxy), apply: () => proxy });
  return proxy as Connection;
}

afterEach(() => { vi.useRealTimers(); vi.restoreAllMocks(); });

/** The wait `schedule` gives the document: a timer's delay, or 0 when it queued it at once (no timer). */
function delayOf(server: FramewiseServer, uri: string, delay: number): number {
  const due = (server as unknown as { due: Set<string> }).due;
  due.clear();
  const spy = vi.spyOn(globalThis, 'setTimeout');
  server.schedule(uri, delay);
  const calls = spy.mock.calls.length;
  const ms = spy.mock.calls.at(-1)?.[1] as number;
  spy.mockRestore();
  const timer = server.docs.get(uri)!.timer;
  clearTimeout(timer);
  if (calls === 0) {
    // Queued straight away: no timer left behind.
    expect(timer).toBeUndefined();
    expect(due.has(uri)).toBe(true);
    return 0;
  }
  expect(due.has(uri)).toBe(false);
  return ms;
}

describe('schedule', () => {
  const uri = 'file:///slow.py';
  const make = () => {
    const server = new FramewiseServer(nullConnection(), { debounceMs: 0, warmUp: false });
    server.docs.set(uri, { doc: { uri, version: 1, dispose() {} } as unknown as PythonDocument });
    return server;
  };

  it('waits only the debounce for a document never analysed', () => {
    expect(delayOf(make(), uri, 150)).toBe(150);
  });

  it('waits only the debounce after a pause longer than the last analysis', () => {
    vi.useFakeTimers({ now: 100_000 });
    const server = make();
    Object.assign(server.docs.get(uri)!, { cost: 400, finishedAt: 100_000 - 1_000 });
    expect(delayOf(server, uri, 0)).toBe(0);
    expect(delayOf(server, uri, 150)).toBe(150);
  });

  it('right after a slow analysis, waits out the rest of its cost', () => {
    vi.useFakeTimers({ now: 100_000 });
    const server = make();
    Object.assign(server.docs.get(uri)!, { cost: 400, finishedAt: 100_000 - 100 });
    expect(delayOf(server, uri, 0)).toBe(300);
    expect(delayOf(server, uri, 350)).toBe(350);
  });

  it('does not hold back a document whose analysis is fast, right after it', () => {
    vi.useFakeTimers({ now: 100_000 });
    const server = make();
    Object.assign(server.docs.get(uri)!, { cost: SLOW_ANALYSIS_MS - 1, finishedAt: 100_000 });
    expect(delayOf(server, uri, 0)).toBe(0);
    expect(delayOf(server, uri, 150)).toBe(150);
    // At the threshold it is slow.
    Object.assign(server.docs.get(uri)!, { cost: SLOW_ANALYSIS_MS, finishedAt: 100_000 - 10 });
    expect(delayOf(server, uri, 0)).toBe(SLOW_ANALYSIS_MS - 10);
  });

  it('caps the wait for a very slow document', () => {
    vi.useFakeTimers({ now: 100_000 });
    const server = make();
    Object.assign(server.docs.get(uri)!, { cost: 60_000, finishedAt: 100_000 });
    expect(delayOf(server, uri, 0)).toBe(5_000);
  });
});
