/**
 * `framewise check --jobs N`: the files are analysed on N worker threads, each running this same
 * bundle (server/out/cli.js) with its own parser. Workers pull files one at a time (two in flight each,
 * so none waits on a round trip), and results are put back in input order, so the output is the same
 * for every N. Where no bundle can be started as a worker (running from the TypeScript sources), or a
 * worker fails, the remaining files are analysed on the main thread.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { initParser } from '../parse/parser';
import { analyzeTextSync } from '../engine';
import type { Settings } from '../config/settings';
import type { FileResult } from './formats';

const WORKER_TAG = 'framewise-check-worker';

/** `--jobs` value: a positive integer, or 0 / `auto` for one per available core. */
export function parseJobs(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (v === 'auto' || v === '0') return availableCores();
  if (!/^\d+$/.test(v)) return undefined;
  return Number(v);
}

export function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** Read and analyse one file (the serial path, and each worker's unit of work). */
export function analyzeFile(file: string, settings: Settings): FileResult {
  let text: string;
  try {
    text = fs.readFileSync(file).toString('utf8');
  } catch (e) {
    return { file, findings: [], error: `cannot read: ${(e as Error).message}` };
  }
  const r = analyzeTextSync(text, settings, file);
  return { file, findings: r.findings, skipped: r.skipped };
}

/** The script a worker can run: this bundle, when it is one. */
function workerScript(): string | undefined {
  const self = typeof __filename === 'string' ? __filename : undefined;
  return self && /\.c?js$/.test(self) && fs.existsSync(self) ? self : undefined;
}

interface Job { index: number; file: string; settings: Settings }

/** Analyse `files` (results in input order) on up to `jobs` threads. `initParser()` must have completed. */
export async function checkFiles(files: string[], settingsFor: (file: string) => Settings, jobs = 1): Promise<FileResult[]> {
  const results: Array<FileResult | undefined> = new Array(files.length);
  const script = workerScript();
  const threads = Math.min(jobs, files.length);
  if (threads <= 1 || !script) {
    files.forEach((f, i) => { results[i] = analyzeFile(f, settingsFor(f)); });
    return results as FileResult[];
  }
  const queue: Job[] = files.map((file, index) => ({ index, file, settings: settingsFor(file) }));
  let next = 0;
  await Promise.all(Array.from({ length: threads }, () => new Promise<void>((resolve) => {
    const inFlight = new Map<number, Job>();
    const worker = new Worker(script, { workerData: { tag: WORKER_TAG }, stdout: false, stderr: false });
    let finished = false;
    const feed = () => {
      while (inFlight.size < 2 && next < queue.length) {
        const job = queue[next++];
        inFlight.set(job.index, job);
        worker.postMessage(job);
      }
      if (inFlight.size === 0 && !finished) {
        finished = true;
        void worker.terminate();
        resolve();
      }
    };
    worker.on('message', (m: { index: number; result: FileResult }) => {
      results[m.index] = m.result;
      inFlight.delete(m.index);
      feed();
    });
    const fail = () => {
      if (finished) return;
      finished = true;
      // Finish this worker's files here; the other workers keep draining the queue.
      for (const job of inFlight.values()) results[job.index] = analyzeFile(job.file, job.settings);
      inFlight.clear();
      while (next < queue.length) {
        const job = queue[next++];
        results[job.index] = analyzeFile(job.file, job.settings);
      }
      resolve();
    };
    worker.on('error', fail);
    worker.on('exit', () => { if (!finished) fail(); });
    feed();
  })));
  return results as FileResult[];
}

/** True in a thread started by `checkFiles`. */
export function isCheckWorker(): boolean {
  return !isMainThread && (workerData as { tag?: string } | null)?.tag === WORKER_TAG;
}

/** Worker side: analyse each file posted, answer with its result. */
export function runCheckWorker(): void {
  const port = parentPort!;
  const ready = initParser();
  port.on('message', (job: Job) => {
    void ready.then(() => {
      let result: FileResult;
      try {
        result = analyzeFile(job.file, job.settings);
      } catch (e) {
        result = { file: job.file, findings: [], error: `internal error: ${(e as Error).message}` };
      }
      port.postMessage({ index: job.index, result });
    });
  });
}
