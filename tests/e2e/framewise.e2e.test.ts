// The real extension in a real VS Code: framewise.vsix (built by
// `npm run package`, or FRAMEWISE_E2E_VSIX) installed into code-server, on a
// copy of samples/. Skipped when there is no .vsix to test.
//
// Run: npm run package && npx vitest run --config vitest.e2e.config.mts tests/e2e/framewise.e2e.test.ts
//
// One code-server + browser for the whole file (start-up is the expensive
// part), but each test works on its own file in the workspace copy (written in
// beforeAll), so a test's edits never change what another test sees. Every
// wait is on editor/Problems/webview state, never a fixed sleep.
//
// The README screenshots (docs/images/{diagnostics,quick-fix,translate,panel,translate-module}.png)
// are taken at the session's fixed 1400×900 viewport.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, defaultVsixPath, openSession, type Problem, type Session, type Workbench } from './helpers';

const VSIX = defaultVsixPath();
const ENABLED = process.env.FRAMEWISE_E2E === '1' && fs.existsSync(VSIX);
if (process.env.FRAMEWISE_E2E === '1' && !ENABLED) console.warn(`[e2e] ${VSIX} not found: run \`npm run package\` first; skipping`);

/** README screenshots are refreshed only when FRAMEWISE_E2E_DOCS_IMAGES=1 (every run still saves them under tests/e2e/.artifacts/). */
const DOCS_IMAGES = process.env.FRAMEWISE_E2E_DOCS_IMAGES === '1' ? path.join(REPO_ROOT, 'docs', 'images') : undefined;
const VIEWPORT = { width: 1400, height: 900 };

// Per-test copies of the JAX sample, so edits stay local to one test. Their
// names must not contain "jax_mlp.py": Quick Open would then list several rows
// for that query while it re-sorts, and openFile could click the wrong one.
const QUICK_FIX_FILE = 'quickfix_sample.py';
const EDIT_FILE = 'edit_sample.py';
const TRANSLATE_FILE = 'scratch_translate.py';
const MODULE_FILE = 'torch_module.py';
const moduleSample = fs.readFileSync(path.join(REPO_ROOT, 'tests', 'translate', 'modules', 'torch_mlp.py'), 'utf8');
// A file no earlier test opened: Quick Open on an already open file shows a
// "recently opened" row first and the click on it could be lost while the
// list re-renders (see the report), so each test opens a fresh file.
const PANEL_FILE = 'panel_sample.py';

/** A Problems entry that belongs to `file` (basename), by the file row above it. */
const inFile = (p: Problem, file: string) => !!p.file && new RegExp(`(^|[\\\\/\\s])${file.replace(/\./g, '\\.')}$`).test(p.file);
const fw = (ps: Problem[], file: string, code?: string) => ps.filter((p) => p.source === 'framewise' && inFile(p, file) && (!code || p.code === code));
/** JAX001 covers every trace-time side effect (print, step_log.append, …); these are its print() reports. */
const prints = (ps: Problem[], file: string) => fw(ps, file, 'JAX001').filter((p) => /^print\(\)/.test(p.message));

/** 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line contains ${JSON.stringify(needle)}`);
  return i + 1;
}

describe.skipIf(!ENABLED)('e2e: framewise.vsix on the samples', () => {
  let tmp = '';
  let folder = '';
  let session: Session | undefined;
  const jaxSample = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'jax_mlp.py'), 'utf8');
  const wbOf = (): Workbench => session!.workbench;

  /** Screenshot into the artifacts folder, and into docs/images/<docName>.png when given. */
  async function shot(name: string, docName?: string): Promise<void> {
    const wb = wbOf();
    const file = await wb.screenshot(name);
    if (DOCS_IMAGES && docName) {
      fs.mkdirSync(DOCS_IMAGES, { recursive: true });
      fs.copyFileSync(file, path.join(DOCS_IMAGES, `${docName}.png`));
    }
  }

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'framewise-e2e-samples-'));
    // A copy, so tests may edit files without touching the repo's samples/.
    folder = path.join(tmp, 'samples');
    fs.cpSync(path.join(REPO_ROOT, 'samples'), folder, { recursive: true });
    fs.writeFileSync(path.join(folder, QUICK_FIX_FILE), jaxSample);
    fs.writeFileSync(path.join(folder, EDIT_FILE), jaxSample);
    fs.writeFileSync(path.join(folder, TRANSLATE_FILE), '');
    fs.writeFileSync(path.join(folder, MODULE_FILE), moduleSample);
    fs.writeFileSync(path.join(folder, PANEL_FILE), jaxSample);
    session = await openSession({
      folder,
      vsix: VSIX,
      viewport: VIEWPORT,
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

  it('(1) shows JAX001 and JAX002 on jax_mlp.py as squiggles and Problems entries', async () => {
    const wb = wbOf();
    await wb.openFile('jax_mlp.py');
    // The first file waits for the extension host and the server to start.
    const problems = await wb.waitForProblems(
      (p) => prints(p, 'jax_mlp.py').length > 0 && fw(p, 'jax_mlp.py', 'JAX002').length > 0,
      150_000,
    );
    const printLine = lineOf(jaxSample, 'print("loss", loss)');
    const updateLine = lineOf(jaxSample, 'onehot[:, 0] += eps');
    const jax001 = prints(problems, 'jax_mlp.py');
    const jax002 = fw(problems, 'jax_mlp.py', 'JAX002');
    // JAX001: the print inside the jitted train_step (and only there: main() is not traced).
    expect(jax001.map((p) => p.line)).toEqual([printLine]);
    expect(jax001[0]).toMatchObject({ severity: 'warning', column: 5 });
    expect(jax002.map((p) => p.line)).toEqual([updateLine]);
    expect(jax002[0]).toMatchObject({ severity: 'error', column: 5 });

    // Squiggles exist only for rendered lines: bring each line into view.
    expect(await wb.waitForSquiggles({ severity: 'warning', line: printLine })).toBeGreaterThan(0);
    expect(await wb.waitForSquiggles({ severity: 'error', line: updateLine })).toBeGreaterThan(0);
    expect(await wb.hoverSquiggle('error')).toMatch(/JAX002/);
    const counts = await wb.problemCounts();
    expect(counts.errors).toBeGreaterThanOrEqual(1);
    expect(counts.warnings).toBeGreaterThanOrEqual(1);
    // Problems panel open, the print line and the in-place update both in view.
    await wb.goTo(printLine, 5);
    await shot('diagnostics', 'diagnostics');
  });

  it('(2) Ctrl+. applies the JAX002 quick fix: the text changes and the diagnostic goes away', async () => {
    const wb = wbOf();
    const file = QUICK_FIX_FILE;
    await wb.openFile(file);
    const problems = await wb.waitForProblems((p) => fw(p, file, 'JAX002').length > 0, 120_000);
    const jax002 = fw(problems, file, 'JAX002')[0];
    expect(jax002.line).toBe(lineOf(jaxSample, 'onehot[:, 0] += eps'));
    await wb.waitForSquiggles({ severity: 'error', line: jax002.line });

    const label = /^Use onehot\.at\[:, 0\]\.add\(…\)/;
    const labels = await wb.openCodeActions({ line: jax002.line!, column: jax002.column! });
    expect(labels.some((l) => label.test(l)), JSON.stringify(labels)).toBe(true);
    await shot('quick-fix-menu', 'quick-fix'); // the menu open, before applying
    await wb.page.keyboard.press('Escape');
    await wb.page.locator('.action-widget').first().waitFor({ state: 'hidden' });

    await wb.applyCodeAction(label, { line: jax002.line!, column: jax002.column! });
    const text = await wb.editorText();
    expect(text).toContain('    onehot = onehot.at[:, 0].add(eps)\n');
    expect(text).not.toContain('onehot[:, 0] += eps');
    // The rest of the file is untouched.
    expect(text).toBe(jaxSample.replace('onehot[:, 0] += eps', 'onehot = onehot.at[:, 0].add(eps)'));
    const after = await wb.waitForProblems((p) => fw(p, file, 'JAX002').length === 0 && fw(p, file, 'JAX001').length > 0);
    expect(prints(after, file).map((p) => p.line)).toEqual([lineOf(jaxSample, 'print("loss", loss)')]);
    await wb.waitForNoSquiggles('error');
  });

  it('(3) "Translate to JAX" rewrites a torch.sum line typed into a scratch file', async () => {
    const wb = wbOf();
    await wb.openFile(TRANSLATE_FILE);
    await wb.focusEditor();
    // insertText: no auto-closing brackets or auto-indent getting in the way.
    const source = 'import torch\n\nx = torch.ones(4, 3)\ny = torch.sum(x, dim=1)\n';
    await wb.page.keyboard.insertText(source);
    expect(await wb.editorText()).toBe(source);

    const at = { line: 4, column: 'y = torch.s'.length }; // inside `sum`
    const labels = await wb.openCodeActions(at);
    expect(labels).toEqual(expect.arrayContaining(['Translate to JAX', 'Translate to TensorFlow', 'Show equivalents: Sum over axes']));
    expect(labels).not.toContain('Translate to PyTorch');
    await shot('translate-menu', 'translate');
    await wb.page.keyboard.press('Escape');
    await wb.page.locator('.action-widget').first().waitFor({ state: 'hidden' });

    await wb.applyCodeAction('Translate to JAX', at);
    const text = await wb.editorText();
    expect(text).toContain('y = jnp.sum(x, axis=1)');
    expect(text).toMatch(/^import jax\.numpy as jnp$/m);
    expect(text).not.toContain('torch.sum(');
    expect(text).toContain('x = torch.ones(4, 3)'); // only the line under the cursor
    await shot('translate-applied');
  });

  it('(6) "Translate class … to a Flax module" on a torch.nn.Module header rewrites the whole class', async () => {
    const wb = wbOf();
    await wb.openFile(MODULE_FILE);
    await wb.focusEditor();
    const at = { line: lineOf(moduleSample, 'class MLP(nn.Module):'), column: 'class M'.length };
    const labels = await wb.openCodeActions(at);
    expect(labels).toEqual(expect.arrayContaining(['Translate class MLP to a Flax module (@nn.compact) (with notes)', 'Translate class MLP to a Keras Layer (with notes)']));
    await wb.page.keyboard.press('Escape');
    await wb.page.locator('.action-widget').first().waitFor({ state: 'hidden' });
    await wb.applyCodeAction('Translate class MLP to a Flax module (@nn.compact) (with notes)', at);
    const text = await wb.editorText();
    expect(text).toContain('class MLP(fnn.Module):');
    expect(text).toContain('    @fnn.compact\n    def __call__(self, x, *, train: bool):');
    expect(text).toContain('fc1 = fnn.Dense(features=self.hidden, name="fc1")');
    expect(text).not.toContain('def forward');
    // Reading the text selected it all: put the cursor back on the class for the picture.
    await wb.page.keyboard.press('Control+Home');
    await shot('translate-module-applied', 'translate-module');
  });

  it('(5) editing updates diagnostics: deleting the print clears JAX001, a new print in a jitted function brings it back', async () => {
    const wb = wbOf();
    const file = EDIT_FILE;
    await wb.openFile(file);
    const printLine = lineOf(jaxSample, 'print("loss", loss)');
    await wb.waitForProblems((p) => prints(p, file).some((x) => x.line === printLine), 120_000);
    await wb.waitForSquiggles({ severity: 'warning', line: printLine });

    // Delete the offending line (Ctrl+Shift+K).
    await wb.goTo(printLine, 5);
    await wb.page.keyboard.press('Control+Shift+K');
    expect(await wb.editorText()).not.toContain('print("loss", loss)');
    const cleared = await wb.waitForProblems((p) => fw(p, file, 'JAX002').length > 0 && prints(p, file).length === 0);
    // The other rule is still reported, one line higher now.
    expect(fw(cleared, file, 'JAX002').map((p) => p.line)).toEqual([lineOf(jaxSample, 'onehot[:, 0] += eps') - 1]);
    // step_log.append moved up to the print's line and keeps its JAX001 warning.
    expect(fw(cleared, file, 'JAX001').map((p) => p.line)).toEqual([printLine]);

    // Type a print inside the jitted smooth_labels, after `onehot = jax.nn.one_hot(...)`.
    const oneHotLine = lineOf(jaxSample, 'onehot = jax.nn.one_hot(labels, classes)') - 1; // after the deletion
    await wb.goTo(oneHotLine, 1);
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.press('Enter'); // auto-indent: four spaces
    await wb.page.keyboard.insertText('print(onehot)');
    const text = await wb.editorText();
    expect(text).toContain('    onehot = jax.nn.one_hot(labels, classes)\n    print(onehot)\n');
    const newLine = oneHotLine + 1;
    const back = await wb.waitForProblems((p) => prints(p, file).some((x) => x.line === newLine));
    expect(prints(back, file).map((p) => p.line)).toEqual([newLine]);
    expect(await wb.waitForSquiggles({ severity: 'warning', line: newLine })).toBeGreaterThan(0);
  });

  it('(4) "Framewise: Show Equivalents" on nn.Dense opens the panel with torch / jax / tensorflow columns', async () => {
    const wb = wbOf();
    await wb.openFile(PANEL_FILE);
    const denseLine = lineOf(jaxSample, 'x = nn.Dense(self.hidden)(x)');
    await wb.waitForProblems((p) => fw(p, PANEL_FILE).length > 0, 120_000);
    await wb.goTo(denseLine, 'x = nn.D'.length + 8);
    await wb.runCommand('Framewise: Show Equivalents');

    // Webview: the editor's <iframe class="webview"> holds an inner #active-frame with the panel's HTML.
    const tab = wb.page.locator('.part.editor .tab').filter({ hasText: /^Equivalents/ }).first();
    await tab.waitFor({ state: 'visible' });
    const view = wb.page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
    for (const column of ['torch', 'jax', 'tensorflow']) {
      await expect.poll(() => view.locator(`[data-testid=column-${column}]`).isVisible(), { timeout: 60_000 }).toBe(true);
    }
    const torch = await view.locator('[data-testid=column-torch]').innerText();
    const jax = await view.locator('[data-testid=column-jax]').innerText();
    const tf = await view.locator('[data-testid=column-tensorflow]').innerText();
    expect(torch).toMatch(/Linear/);
    expect(jax).toMatch(/Dense/);
    expect(tf).toMatch(/Dense/);
    // The jax column is the one under the cursor.
    expect(await view.locator('[data-testid=found-jax]').innerText()).toMatch(/Dense/);
    expect(await tab.innerText()).toMatch(/Equivalents: /);
    await expect.poll(() => view.locator('[data-testid=pin-button]').isEnabled(), { timeout: 30_000 }).toBe(true);
    await shot('panel', 'panel');
  });
});
