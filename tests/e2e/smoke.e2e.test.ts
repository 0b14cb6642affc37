// Smoke test of the e2e infrastructure: a throwaway extension (see
// probe-extension.ts) is packaged, installed into a fresh code-server, and
// driven in headless Chromium like a person would: open a .py file, see the
// squiggle and the Problems entry, apply the quick fix, run a palette command,
// take screenshots.
//
// Run: npx vitest run --config vitest.e2e.config.mts   (tests/e2e/README.md)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSession, type Session } from './helpers';
import { PROBE, buildProbeVsix } from './probe-extension';

const ENABLED = process.env.FRAMEWISE_E2E === '1';

describe.skipIf(!ENABLED)('e2e smoke: code-server + Chromium + a probe extension', () => {
  let tmp = '';
  let session: Session | undefined;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const t0 = performance.now();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'framewise-e2e-smoke-'));
    const vsix = await buildProbeVsix(tmp);
    timings.packageVsixSeconds = (performance.now() - t0) / 1000;

    const folder = path.join(tmp, 'workspace');
    fs.mkdirSync(path.join(folder, 'models'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'models', 'net.py'), 'import torch\n\nx = torch.zeros(3)\ny = x + 1\n');
    fs.writeFileSync(path.join(folder, 'clean.py'), 'print("nothing to see")\n');

    const t1 = performance.now();
    session = await openSession({ folder, vsix, artifactsDir: path.join(process.env.FRAMEWISE_E2E_ARTIFACTS ?? path.join(__dirname, '.artifacts'), 'smoke') });
    timings.vsixInstallSeconds = session.server.installSeconds;
    timings.codeServerStartSeconds = session.server.startSeconds;
    timings.sessionReadySeconds = (performance.now() - t1) / 1000;
    for (const [k, v] of Object.entries(session.workbench.readyTimings)) timings[`page: ${k}`] = v;
    expect(session.server.installedExtensions).toEqual([PROBE.id]);
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
    if (Object.keys(timings).length) {
      console.log(`[e2e] timings: ${JSON.stringify(timings)}`);
      if (session) fs.writeFileSync(path.join(session.artifactsDir, 'timings.json'), JSON.stringify(timings, null, 2));
    }
  });

  it('shows the diagnostic as a squiggle and in the Problems panel', async () => {
    const wb = session!.workbench;
    const t0 = performance.now();
    await wb.openFile('models/net.py');
    expect(await wb.waitForSquiggles({ severity: 'warning', timeoutMs: 120_000 })).toBe(1);
    timings.firstSquiggleSeconds = (performance.now() - t0) / 1000;
    expect(await wb.squiggleCount('error')).toBe(0);

    const hover = await wb.hoverSquiggle('warning');
    expect(hover).toContain(PROBE.message);

    const problems = await wb.waitForProblems((p) => p.length > 0);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: PROBE.message,
        source: PROBE.source,
        code: PROBE.code,
        line: 3,
        column: 5,
        file: expect.stringMatching(/models[\\/]net\.py$/),
      }),
    ]);
    expect(await wb.problemCounts()).toEqual({ errors: 0, warnings: 1 });
    expect(fs.existsSync(await wb.screenshot('squiggle-and-problems'))).toBe(true);
  });

  it('applies the quick fix through Ctrl+. and the diagnostic goes away', async () => {
    const wb = session!.workbench;
    const labels = await wb.openCodeActions({ line: 3, column: 7 });
    expect(labels).toContain(PROBE.fixLabel);
    await wb.screenshot('code-actions');
    await wb.page.keyboard.press('Escape');

    await wb.applyCodeAction(PROBE.fixLabel, { line: 3, column: 7 });
    await wb.waitForNoSquiggles('warning');
    expect(await wb.editorText()).toBe('import torch\n\nx = torch.ones(3)\ny = x + 1\n');
    await wb.waitForProblems((p) => p.length === 0);
    await wb.save();
    expect(fs.readFileSync(path.join(tmp, 'workspace', 'models', 'net.py'), 'utf8')).toContain('torch.ones(3)');
  });

  it('runs a command by title from the command palette', async () => {
    const wb = session!.workbench;
    await wb.runCommand(PROBE.commandTitle);
    expect(await wb.waitForNotification(PROBE.notification)).toContain(PROBE.notification);
    await wb.screenshot('command-notification');
  });
});
