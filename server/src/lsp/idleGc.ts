/**
 * Young-generation collection in idle time. Node, unlike a browser, never collects garbage while
 * the program waits: V8 scavenges when an allocation finds the young generation full, so the
 * scavenge falls into whatever runs then. For the server that is the analysis after a keystroke.
 * On the benchmark's 5,000-line file a keystroke leaves about 2 MB of garbage, and one keystroke in
 * 15–20 paid a scavenge of 1.5–5 ms. That is 5–7 % of keystrokes, right where the p95 is measured.
 *
 * So after each publish the server looks again a little later (`DELAY_MS`). If nothing was edited
 * or analysed meanwhile, and the young generation has too little room left for the next few
 * analyses' garbage (`ROOM_FOR`), it scavenges then, while the user has not typed the next key.
 * A scavenge costs what is alive, not what is dead, so one made early costs about what V8's own
 * would. A keystroke that arrives during it waits for it, as it would have waited in the analysis.
 *
 * It needs V8's `gc` function: the server runs with `--expose-gc` (client/src/serverArgs.ts);
 * started without it, or with FRAMEWISE_IDLE_GC=0, this does nothing.
 */
import { getHeapSpaceStatistics } from 'node:v8';

/** How long after a publish (ms) to look: long enough that a typist's next key is not yet due, short enough to come before it. */
export const DELAY_MS = 25;
/** Scavenge when the room left would not hold this many analyses' garbage. */
export const ROOM_FOR = 4;

/** V8's `gc` as called here: a young-generation collection, made before it returns. */
type Collect = (options: { type: 'minor' }) => void;

export interface IdleGcOptions {
  /** Whether the server has nothing to do now (no analysis due or running, no edit waiting). */
  idle: () => boolean;
  /** The collector; by default V8's `gc`, when the server runs with `--expose-gc`. */
  collect?: Collect;
  /** Young-generation bytes in use and free (tests); by default from `v8.getHeapSpaceStatistics()`. */
  youngSpace?: () => { used: number; free: number };
}

function v8Collect(): Collect | undefined {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? (gc as Collect) : undefined;
}

function v8YoungSpace(): { used: number; free: number } {
  for (const s of getHeapSpaceStatistics()) {
    if (s.space_name === 'new_space') return { used: s.space_used_size, free: s.space_available_size };
  }
  return { used: 0, free: Infinity };
}

export class IdleGc {
  private collect: Collect | undefined;
  private readonly youngSpace: () => { used: number; free: number };
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Young-generation bytes an analysis and its publish left, at most, lately (decays). */
  private perAnalysis = 0;
  /** Scavenges made here, and the time they took (ms). */
  collections = 0;
  spentMs = 0;

  constructor(private readonly options: IdleGcOptions, env: NodeJS.ProcessEnv = process.env) {
    this.collect = env.FRAMEWISE_IDLE_GC === '0' ? undefined : options.collect ?? v8Collect();
    this.youngSpace = options.youngSpace ?? v8YoungSpace;
  }

  get on(): boolean {
    return !!this.collect;
  }

  /** Before an analysis: where the young generation stands (undefined when off). */
  before(): number | undefined {
    return this.collect ? this.youngSpace().used : undefined;
  }

  /**
   * After an analysis and its publish (`used`: what `before` gave): note the garbage it left, and look
   * again in `DELAY_MS`. A scavenge in between (less in use than before) says nothing about it.
   */
  after(used: number | undefined): void {
    if (!this.collect || used === undefined) return;
    const now = this.youngSpace().used;
    this.perAnalysis = Math.max(this.perAnalysis * 0.9, now >= used ? now - used : 0);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.look(), DELAY_MS);
    this.timer.unref?.();
  }

  /** Scavenge now if the server is idle and the next few analyses would not fit. */
  private look(): void {
    this.timer = undefined;
    if (!this.collect || !this.options.idle()) return;
    const { free } = this.youngSpace();
    if (free >= ROOM_FOR * this.perAnalysis) return;
    const t0 = performance.now();
    try {
      this.collect({ type: 'minor' });
    } catch {
      // A runtime whose gc takes no options: leave collecting to V8.
      this.collect = undefined;
      return;
    }
    this.collections++;
    this.spentMs += performance.now() - t0;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
