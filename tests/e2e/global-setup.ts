// vitest globalSetup for the e2e suite: make sure code-server (from
// tests/e2e/setup/package-lock.json) and Chromium are there before any test
// starts, so that a missing dependency fails once, early, with the fix in the
// message. FRAMEWISE_E2E_APT=1 lets it apt-get what is missing (root only).

import fs from 'node:fs';
import { chromiumPath, ensureE2eDeps } from '../../scripts/e2e-env.mjs';

export default async function setup(): Promise<void> {
  const apt = process.env.FRAMEWISE_E2E_APT === '1';
  const t0 = performance.now();
  const r = await ensureE2eDeps({ apt, browser: true });
  if (!r.skipped) console.log(`[e2e] code-server installed from lockfile in ${r.seconds.toFixed(1)} s`);
  if (!fs.existsSync(chromiumPath()))
    throw new Error(`e2e: Chromium not found at ${chromiumPath()}: apt-get install -y chromium (or FRAMEWISE_E2E_APT=1)`);
  const s = (performance.now() - t0) / 1000;
  if (s > 1) console.log(`[e2e] global setup took ${s.toFixed(1)} s`);
}
