// The real extension in a real VS Code: framewise.vsix (built by
// `npm run package`, or FRAMEWISE_E2E_VSIX) installed into code-server, on a
// copy of samples/. Skipped when there is no .vsix to test.
//
// Run: npm run package && npx vitest run --config vitest.e2e.config.mts

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, defaultVsixPath, openSession, type Session } from './helpers';

const VSIX = defaultVsixPath();
const ENABLED = process.env.FRAMEWISE_E2E === '1' && fs.existsSync(VSIX);
if (process.env.FRAMEWISE_E2E === '1' && !ENABLED) console.warn(`[e2e] ${VSIX} not found: run \`npm run package\` first; skipping`);

describe.skipIf(!ENABLED)('e2e: framewise.vsix on the samples', () => {
  let tmp = '';
  let session: Session | undefined;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'framewise-e2e-samples-'));
    // A copy, so tests may edit files without touching the repo's samples/.
    const folder = path.join(tmp, 'samples');
    fs.cpSync(path.join(REPO_ROOT, 'samples'), folder, { recursive: true });
    session = await openSession({
      folder,
      vsix: VSIX,
      artifactsDir: path.join(process.env.FRAMEWISE_E2E_ARTIFACTS ?? path.join(__dirname, '.artifacts'), 'framewise'),
    });
    expect(session.server.installedExtensions).toContain('framewise.framewise');
  });

  beforeEach((ctx) => {
    ctx.onTestFailed(async () => {
      const files = await session?.captureFailure(ctx.task.name);
      if (files) console.error(`[e2e] failure artifacts:\n  ${files.join('\n  ')}`);
    });
  });

  afterAll(async () => {
    await session?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows Framewise diagnostics for a JAX sample as squiggles and Problems entries', async () => {
    const wb = session!.workbench;
    await wb.openFile('jax_mlp.py');
    const problems = await wb.waitForProblems((p) => p.some((x) => x.source === 'framewise' && x.code === 'JAX002'), 120_000);
    expect(problems.filter((p) => p.source === 'framewise').length).toBeGreaterThan(0);
    const jax002 = problems.find((p) => p.code === 'JAX002')!;
    expect(jax002).toMatchObject({ severity: 'error', file: expect.stringMatching(/jax_mlp\.py$/) });
    // Squiggles exist only for rendered lines: bring the diagnostic's line into view.
    expect(await wb.waitForSquiggles({ severity: 'error', line: jax002.line })).toBeGreaterThan(0);
    await wb.screenshot('jax-sample');
  });

  it('offers a code action for a fixable diagnostic', async () => {
    const wb = session!.workbench;
    const jax002 = (await wb.problems()).find((p) => p.code === 'JAX002')!;
    const labels = await wb.openCodeActions({ line: jax002.line!, column: jax002.column! });
    expect(labels.length).toBeGreaterThan(0);
    await wb.screenshot('jax-code-actions');
    await wb.page.keyboard.press('Escape');
  });
});
