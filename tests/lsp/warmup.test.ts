/**
 * The JIT warm-up (lsp/warmup.ts): it types into a document of its own only while the server is
 * idle, stops at its bounds and lets go of that document, and its text exercises the rules of all
 * three frameworks (a warm-up that reported nothing would leave the rules' code cold).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { Connection } from 'vscode-languageserver/node';
import { WarmUp, warmUpText } from '../../server/src/lsp/warmup';
import { FramewiseServer } from '../../server/src/lsp/server';
import { initParser } from '../../server/src/parse/parser';
import { analyzeTextSync } from '../../server/src/engine';

beforeAll(async () => { await initParser(); });

const until = async (done: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

describe('warm-up', () => {
  it('types its bounded number of keystrokes while idle, then lets go of its document', async () => {
    const w = new WarmUp({ idle: () => true, maxSteps: 12 });
    w.start();
    await until(() => w.done);
    expect(w.done).toBe(true);
    expect(w.steps).toBe(12);
    expect((w as unknown as { doc: unknown }).doc).toBeUndefined();
    // Nor does its analysis keep the last version (tree columns, facts).
    expect((w as unknown as { analysis: { last: unknown } }).analysis.last).toBeUndefined();
  });

  it('stops at its time bound', async () => {
    const w = new WarmUp({ idle: () => true, maxSteps: 1_000_000, maxMs: 30 });
    w.start();
    await until(() => w.done);
    expect(w.done).toBe(true);
    expect(w.steps).toBeLessThan(1_000_000);
    expect(w.spentMs).toBeGreaterThanOrEqual(30);
  });

  it('does nothing while the server is busy, and goes on once it is idle', async () => {
    let idle = false;
    let asked = 0;
    const w = new WarmUp({ idle: () => { asked++; return idle; }, maxSteps: 4 });
    w.start();
    await until(() => asked >= 3, 2_000);
    expect(asked).toBeGreaterThanOrEqual(3);
    expect(w.steps).toBe(0);
    expect((w as unknown as { doc: unknown }).doc).toBeUndefined();
    idle = true;
    await until(() => w.done);
    expect(w.steps).toBe(4);
  });

  it('can be stopped at any time', async () => {
    const w = new WarmUp({ idle: () => true, maxSteps: 1_000 });
    w.start();
    await until(() => w.steps >= 2);
    w.stop();
    const at = w.steps;
    await new Promise((r) => setTimeout(r, 50));
    expect(w.steps).toBe(at);
    expect(w.done).toBe(true);
  });

  it('types into text that parses and that the rules of every framework report on', () => {
    const text = warmUpText();
    expect(text.split('\n').length).toBeGreaterThan(500);
    const r = analyzeTextSync(text, { select: ['ALL'] });
    expect(r.skipped).toBeUndefined();
    const codes = new Set(r.findings.map((f) => f.code));
    for (const prefix of ['JAX', 'PT', 'TF']) expect([...codes].some((c) => c.startsWith(prefix)), prefix).toBe(true);
    expect(codes.size).toBeGreaterThanOrEqual(8);
  });

  it('is off in a server told so, and on by default', () => {
    const connection = nullConnection();
    expect(new FramewiseServer(connection, { warmUp: false }).warmUp).toBeUndefined();
    const previous = process.env.FRAMEWISE_WARM_UP;
    delete process.env.FRAMEWISE_WARM_UP;
    try {
      expect(new FramewiseServer(connection).warmUp).toBeInstanceOf(WarmUp);
      process.env.FRAMEWISE_WARM_UP = '0';
      expect(new FramewiseServer(connection).warmUp).toBeUndefined();
    } finally {
      if (previous === undefined) delete process.env.FRAMEWISE_WARM_UP;
      else process.env.FRAMEWISE_WARM_UP = previous;
    }
  });
});

/** A connection whose every handler registration and notification is a no-op. */
function nullConnection(): Connection {
  const fn: (...a: unknown[]) => unknown = () => proxy;
  const proxy: unknown = new Proxy(fn, { get: (_t, k) => (k === 'then' ? undefined : proxy), apply: () => proxy });
  return proxy as Connection;
}
