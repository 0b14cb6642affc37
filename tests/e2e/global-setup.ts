// vitest globalSetup for the e2e suite: make sure code-server (from
// tests/e2e/setup/package-lock.json) and Chromium are there before any test
// starts, so that a missing dependency fails once, early, with the fix in the
// message. FRAMEWISE_E2E_APT=1 lets it apt-get what is missing (root only).

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { chromiumPath, ensureE2eDeps, sweepRun } from '../../scripts/e2e-env.mjs';

export default async function setup(): Promise<() => void> {
  // Tag this run: workers, code-server and Chromium inherit it, so teardown
  // can kill whatever a crashed worker left behind.
  const runId = randomBytes(6).toString('hex');
  process.env.FRAMEWISE_E2E_RUN = runId;
  const apt = process.env.FRAMEWISE_E2E_APT === '1';
  const t0 = performance.now();
  const r = await ensureE2eDeps({ apt, browser: true });
  if (!r.skipped) console.log(`[e2e] code-server installed from lockfile in ${r.seconds.toFixed(1)} s`);
  if (!fs.existsSync(chromiumPath()))
    throw new Error(`e2e: Chromium not found at ${chromiumPath()}: apt-get install -y chromium (or FRAMEWISE_E2E_APT=1)`);
  const s = (performance.now() - t0) / 1000;
  if (s > 1) console.log(`[e2e] global setup took ${s.toFixed(1)} s`);
  return () => {
    const killed = sweepRun(runId);
    if (killed.length) console.warn(`[e2e] killed ${killed.length} leftover process(es) of this run: ${killed.join(' ')}`);
  };
}
