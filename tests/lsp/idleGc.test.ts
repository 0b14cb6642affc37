/**
 * Scavenges between keystrokes (lsp/idleGc.ts): after a publish the server collects the young
 * generation only when it is idle and the room left would not hold the next few analyses' garbage;
 * it does nothing without V8's `gc` or with FRAMEWISE_IDLE_GC=0. The last test runs the real server
 * as the extension starts it (client/src/serverArgs.ts) and types until it has collected.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { DELAY_MS, ROOM_FOR, IdleGc } from '../../server/src/lsp/idleGc';
import { SERVER_NODE_ARGS } from '../../client/src/serverArgs';
import { startServer, TEST_ENV, type TestClient } from '../helpers/lsp';

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A young generation of `size` bytes that an analysis fills by `perAnalysis`, and a collector that empties it. */
function fakeHeap(size: number) {
  const heap = { used: 0, collections: 0 };
  const youngSpace = () => ({ used: heap.used, free: size - heap.used });
  const collect = (o: { type: string }) => {
    expect(o.type).toBe('minor');
    heap.used = 0;
    heap.collections++;
  };
  return { heap, youngSpace, collect };
}

/** One analysis and its publish as the server brackets them: `allocated` bytes of garbage. */
function analysis(g: IdleGc, heap: { used: number }, allocated: number): void {
  const before = g.before();
  heap.used += allocated;
  g.after(before);
}

const made: IdleGc[] = [];
afterEach(() => { for (const g of made.splice(0)) g.dispose(); });
const idleGc = (...args: ConstructorParameters<typeof IdleGc>) => {
  const g = new IdleGc(...args);
  made.push(g);
  return g;
};

describe('idle-time scavenges', () => {
  it('collects once idle when the room left would not hold the next analyses, and not before', async () => {
    const { heap, youngSpace, collect } = fakeHeap(64 * MB);
    const g = idleGc({ idle: () => true, collect, youngSpace }, {});
    expect(g.on).toBe(true);
    // Plenty of room: 2 MB analyses, 40 MB used.
    heap.used = 38 * MB;
    analysis(g, heap, 2 * MB);
    await sleep(DELAY_MS + 40);
    expect(heap.collections).toBe(0);
    // Less than ROOM_FOR analyses' worth left: collected after the delay.
    heap.used = 64 * MB - ROOM_FOR * 2 * MB;
    analysis(g, heap, 2 * MB);
    expect(heap.collections).toBe(0);
    await sleep(DELAY_MS + 40);
    expect(heap.collections).toBe(1);
    expect(g.collections).toBe(1);
    expect(g.spentMs).toBeGreaterThanOrEqual(0);
    // The young generation is empty now: nothing more to do.
    await sleep(DELAY_MS + 40);
    expect(heap.collections).toBe(1);
  });

  it('does not collect while the server is busy', async () => {
    const { heap, youngSpace, collect } = fakeHeap(16 * MB);
    let asked = 0;
    const g = idleGc({ idle: () => { asked++; return false; }, collect, youngSpace }, {});
    heap.used = 12 * MB;
    analysis(g, heap, 2 * MB);
    await sleep(DELAY_MS + 40);
    expect(asked).toBe(1);
    expect(heap.collections).toBe(0);
  });

  it('looks once after the last of a burst of publishes', async () => {
    const { heap, youngSpace, collect } = fakeHeap(16 * MB);
    let asked = 0;
    const g = idleGc({ idle: () => { asked++; return true; }, collect, youngSpace }, {});
    for (let k = 0; k < 5; k++) analysis(g, heap, 2 * MB);
    await sleep(DELAY_MS + 40);
    expect(asked).toBe(1);
    expect(heap.collections).toBe(1);
  });

  it('learns the garbage of an analysis only from analyses no scavenge interrupted', async () => {
    const { heap, youngSpace, collect } = fakeHeap(64 * MB);
    const g = idleGc({ idle: () => true, collect, youngSpace }, {});
    heap.used = 60 * MB;
    // A scavenge during the analysis: less in use after it than before. Nothing learnt, nothing done.
    const before = g.before();
    heap.used = 1 * MB;
    g.after(before);
    heap.used = 60 * MB;
    await sleep(DELAY_MS + 40);
    expect(heap.collections).toBe(0);
  });

  it('is off with FRAMEWISE_IDLE_GC=0, or without a collector', async () => {
    const { heap, youngSpace, collect } = fakeHeap(16 * MB);
    const off = idleGc({ idle: () => true, collect, youngSpace }, { FRAMEWISE_IDLE_GC: '0' });
    expect(off.on).toBe(false);
    expect(off.before()).toBeUndefined();
    heap.used = 15 * MB;
    off.after(off.before());
    await sleep(DELAY_MS + 40);
    expect(heap.collections).toBe(0);
    // With no collector given, it uses V8's `gc` exactly when the process has one (--expose-gc).
    expect(idleGc({ idle: () => true }, {}).on).toBe(typeof (globalThis as { gc?: unknown }).gc === 'function');
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'gc');
    try {
      (globalThis as { gc?: unknown }).gc = undefined;
      expect(idleGc({ idle: () => true }, {}).on).toBe(false);
    } finally {
      if (saved) Object.defineProperty(globalThis, 'gc', saved);
      else delete (globalThis as { gc?: unknown }).gc;
    }
  });

  it('leaves collecting to V8 when its gc refuses the options', async () => {
    const { heap, youngSpace } = fakeHeap(16 * MB);
    const g = idleGc({ idle: () => true, collect: () => { throw new Error('unknown option'); }, youngSpace }, {});
    heap.used = 14 * MB;
    analysis(g, heap, 1 * MB);
    await sleep(DELAY_MS + 40);
    expect(g.on).toBe(false);
    expect(g.collections).toBe(0);
  });

  describe('in the server started as the extension starts it', () => {
    let client: TestClient | undefined;
    afterEach(async () => { await client?.stop(); client = undefined; });

    it('scavenges between keystrokes typed at a typist\'s pace', async () => {
      expect(SERVER_NODE_ARGS).toContain('--expose-gc');
      // A young generation of 1 MB instead of 64, so that a few keystrokes fill it.
      const args = [...SERVER_NODE_ARGS.filter((a) => !a.startsWith('--max-semi-space-size')), '--max-semi-space-size=1'];
      client = await startServer({ env: { ...TEST_ENV, FRAMEWISE_WARM_UP: '0' }, settings: { debounceMs: 0 }, nodeArgs: args });
      const uri = 'file:///typed.py';
      const body = Array.from({ length: 150 }, (_, k) => `def f${k}(x):\n    y${k} = torch.relu(x) + ${k}\n    return y${k}.sum(dim=0)\n`).join('\n');
      client.open(uri, `import torch\n\n${body}`, 1);
      await client.waitForDiagnostics(uri, (p) => p.version === 1);
      let state = { on: false, collections: 0, spentMs: 0 };
      for (let v = 2; v < 200 && state.collections === 0; v++) {
        const line = 3 + 4 * (Math.floor(v / 2) % 150);
        client.change(uri, v, [{ range: { start: { line, character: 5 }, end: { line, character: v % 2 === 0 ? 5 : 6 } }, text: v % 2 === 0 ? 'z' : '' }]);
        await client.waitForDiagnostics(uri, (p) => p.version === v);
        await sleep(DELAY_MS + 25);
        const r = await client.request<typeof state>('framewise/debugIdleGc', {});
        expect(r.ok).toBe(true);
        state = (r as { result: typeof state }).result;
        expect(state.on).toBe(true);
      }
      expect(state.collections).toBeGreaterThan(0);
      // The server kept serving: the last version was published, nothing went to stderr.
      expect(client.stderr.join('')).toBe('');
    }, 60_000);
  });
});
