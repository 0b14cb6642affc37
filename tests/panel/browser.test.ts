/**
 * The panel's HTML in a real browser engine (Debian's Chromium through playwright-core): the XSS
 * proof, the CSP admitting exactly our own script and styles, the webview script's messages, the
 * keyboard behaviour and the theme-following token colours. No VS Code needed: the webview API
 * (acquireVsCodeApi) is stubbed and the page is served from a routed https origin.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPythonHighlighter, type PythonHighlighter } from '../../client/src/panel/highlight';
import { FRAMEWORKS } from '../../client/src/panel/protocol';
import { createNonce, renderPanelHtml, type RenderInput } from '../../client/src/panel/render';
import { conceptById, hostileConcept, PAYLOAD, RENDER_BASE, REPO } from './fixtures';

// A browser per file and a page per test: generous limits for slow or busy machines.
vi.setConfig({ testTimeout: 90_000 });

const CHROMIUM = process.env.FRAMEWISE_E2E_CHROMIUM || '/usr/bin/chromium';
const ORIGIN = 'https://panel.test';

interface Probe {
  posted: unknown[];
  alerts: string[];
  violations: string[];
  state: unknown;
}

let browser: Browser;
let script: string;
let css: string;
let hl: PythonHighlighter;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set FRAMEWISE_E2E_CHROMIUM)`);
  const built = await esbuild.build({
    entryPoints: [path.join(REPO, 'media', 'panel', 'main.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
  });
  script = built.outputFiles[0]!.text;
  css = fs.readFileSync(path.join(REPO, 'media', 'panel', 'panel.css'), 'utf8');
  [browser, hl] = await Promise.all([chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 90_000 }), createPythonHighlighter()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

function html(over: Partial<RenderInput> = {}): string {
  const concept = 'concept' in over ? over.concept : conceptById('layer.linear');
  const highlighted = concept ? hl.highlight(FRAMEWORKS.map((fw) => concept.frameworks[fw].snippet)) : undefined;
  return renderPanelHtml({ concept, pinned: false, nonce: createNonce(), ...RENDER_BASE, highlighted, ...over });
}

/** Opens `doc` as https://panel.test/index.html with the webview API stubbed and every alert recorded. */
async function open(doc: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('dialog', (d) => {
    void page.evaluate((m) => (window as unknown as { __probe: Probe }).__probe.alerts.push(`dialog:${m}`), d.message()).catch(() => {});
    void d.dismiss();
  });
  await page.addInitScript(() => {
    const probe: Probe = { posted: [], alerts: [], violations: [], state: undefined };
    const w = window as unknown as { __probe: Probe; acquireVsCodeApi: () => unknown };
    w.__probe = probe;
    window.alert = (m?: unknown) => {
      probe.alerts.push(String(m));
    };
    w.acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => probe.posted.push(JSON.parse(JSON.stringify(m))),
      setState: (s: unknown) => {
        probe.state = JSON.parse(JSON.stringify(s));
      },
      getState: () => probe.state,
    });
    document.addEventListener('securitypolicyviolation', (e) => probe.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/index.html') return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: doc });
    if (url.href === RENDER_BASE.scriptUri) return route.fulfill({ status: 200, contentType: 'text/javascript', body: script });
    if (url.href === RENDER_BASE.styleUri) return route.fulfill({ status: 200, contentType: 'text/css', body: css });
    return route.fulfill({ status: 404, body: '' });
  });
  await page.goto(`${ORIGIN}/index.html`, { waitUntil: 'load' });
  // Let any deferred handler (img onerror, timers) run before looking.
  await page.waitForTimeout(300);
  return page;
}

async function probe(page: Page): Promise<Probe> {
  return page.evaluate(() => (window as unknown as { __probe: Probe }).__probe);
}

async function hostile(page: Page): Promise<{ imgs: number; iframes: number; svgs: number; scripts: number; text: string; title: string }> {
  return page.evaluate(() => ({
    imgs: document.querySelectorAll('img').length,
    iframes: document.querySelectorAll('iframe').length,
    svgs: document.querySelectorAll('svg').length,
    scripts: document.querySelectorAll('script').length,
    text: document.body.innerText,
    title: document.title,
  }));
}

describe('XSS: a concept whose title, notes and snippet carry markup', () => {
  it('renders it as text: no element from the payload exists and nothing runs (with the CSP)', async () => {
    const page = await open(html({ concept: hostileConcept() }));
    const p = await probe(page);
    const dom = await hostile(page);
    expect(p.alerts).toEqual([]);
    expect(dom).toMatchObject({ imgs: 0, iframes: 0, svgs: 0, scripts: 1 });
    expect(dom.title).toBe(`Equivalents: Title ${PAYLOAD}`);
    expect(dom.text).toContain(`Title ${PAYLOAD}`);
    expect(dom.text).toContain(`note ${PAYLOAD}`);
    expect(dom.text).toContain(`nearest ${PAYLOAD}`);
    expect(dom.text).toContain(`diff ${PAYLOAD}`);
    for (const fw of FRAMEWORKS) {
      const code = await page.locator(`[data-testid="column-${fw}"] pre code`).textContent();
      expect(code).toContain(`s = "${PAYLOAD}"`);
    }
    // Our own nonce'd script did run under the CSP, and our resources were not blocked.
    expect(p.posted).toContainEqual({ type: 'ready' });
    expect(p.violations).toEqual([]);
    await page.close();
  });

  it('stays inert with the CSP removed: escaping alone is enough', async () => {
    const doc = html({ concept: hostileConcept() }).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    expect(doc).not.toContain('Content-Security-Policy');
    const page = await open(doc);
    expect((await probe(page)).alerts).toEqual([]);
    expect(await hostile(page)).toMatchObject({ imgs: 0, iframes: 0, svgs: 0, scripts: 1 });
    await page.close();
  });

  it('the harness does detect a payload that is not escaped (control)', async () => {
    const doc = html({ concept: conceptById('layer.linear') })
      .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
      .replace('<p class="fw-summary">', `<p class="fw-summary">${PAYLOAD}`);
    const page = await open(doc);
    await expect.poll(async () => (await probe(page)).alerts).toContain('1');
    await page.close();
  });

  it('the CSP alone also blocks the payload if escaping were missing (defence in depth)', async () => {
    const doc = html({ concept: conceptById('layer.linear') }).replace('<p class="fw-summary">', `<p class="fw-summary"><img src=x onerror=alert(1)><script>alert(2)</script>`);
    const page = await open(doc);
    const p = await probe(page);
    expect(p.alerts).toEqual([]);
    expect(p.violations.some((v) => v.startsWith('script-src'))).toBe(true);
    await page.close();
  });
});

describe('the webview script', () => {
  it('posts validated-shape messages for Copy, Insert, Docs, Pin and Pick; never navigates', async () => {
    const page = await open(html({ concept: conceptById('layer.flatten') }));
    await page.getByRole('button', { name: 'Copy the PyTorch snippet' }).click();
    await page.getByRole('button', { name: 'Insert the JAX snippet at the cursor' }).click();
    await page.getByRole('link', { name: /TensorFlow documentation/ }).click();
    await page.getByTestId('pin-button').click();
    await page.getByTestId('pick-button').click();
    expect(page.url()).toBe(`${ORIGIN}/index.html`);
    const p = await probe(page);
    expect(p.posted).toEqual([
      { type: 'ready' },
      { type: 'copy', conceptId: 'layer.flatten', framework: 'torch' },
      { type: 'insert', conceptId: 'layer.flatten', framework: 'jax' },
      { type: 'openDocs', conceptId: 'layer.flatten', framework: 'tensorflow' },
      { type: 'setPinned', pinned: true },
      { type: 'pick' },
    ]);
    expect(p.state).toEqual({ conceptId: 'layer.flatten', pinned: false });
    await page.close();
  });

  it('applies messages from the extension as text and attributes only', async () => {
    const page = await open(html());
    const send = (m: unknown) => page.evaluate((msg) => window.postMessage(msg, '*'), m);

    await send({ type: 'pinned', pinned: true });
    await expect.poll(() => page.getByTestId('pin-button').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('pin-button').textContent()).toBe('Pinned');
    expect((await probe(page)).state).toEqual({ conceptId: 'layer.linear', pinned: true });

    await send({ type: 'editor', canInsert: true, hasSelection: true });
    await expect.poll(() => page.locator('[data-testid="column-jax"] button[data-action="insert"]').textContent()).toBe('Replace selection');
    await send({ type: 'editor', canInsert: false, hasSelection: false });
    await expect.poll(() => page.locator('button[data-action="insert"]:disabled').count()).toBe(3);
    expect(await page.locator('[data-testid="column-jax"] button[data-action="insert"]').textContent()).toBe('Insert at cursor');

    await send({ type: 'status', text: PAYLOAD });
    await expect.poll(() => page.locator('#fw-status').textContent()).toBe(PAYLOAD);
    await send({ type: 'pinned', pinned: '<b>' });
    await send({ type: 'unknown', html: PAYLOAD });
    expect(await hostile(page)).toMatchObject({ imgs: 0, scripts: 1 });
    expect(await page.getByTestId('pin-button').getAttribute('aria-pressed')).toBe('true');
    expect((await probe(page)).alerts).toEqual([]);
    await page.close();
  });
});

describe('accessibility', () => {
  it('exposes a named region and heading per framework, and named buttons', async () => {
    const page = await open(html());
    for (const name of ['PyTorch', 'JAX', 'TensorFlow']) {
      await expect.poll(() => page.getByRole('region', { name, exact: true }).count()).toBe(1);
      expect(await page.getByRole('heading', { name, level: 2, exact: true }).count()).toBe(1);
      expect(await page.getByRole('button', { name: `Copy the ${name} snippet` }).count()).toBe(1);
    }
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Fully connected (dense) layer');
    expect(await page.getByRole('button', { name: 'Pin', pressed: false }).count()).toBe(1);
    expect(await page.getByRole('table').count()).toBe(1);
    await page.close();
  });

  it('tab order runs through the toolbar, then column by column; arrows move across columns; focus is visible', async () => {
    const page = await open(html());
    await page.evaluate(() => document.documentElement.style.setProperty('--vscode-focusBorder', '#0090f1'));
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el ? `${el.dataset.testid ?? el.dataset.action ?? el.tagName.toLowerCase()}${el.dataset.framework ? `:${el.dataset.framework}` : ''}` : '';
      });
    const order: string[] = [];
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab');
      order.push(await focused());
    }
    expect(order).toEqual([
      'pin-button',
      'pick-button',
      'pre', // the torch snippet is a focusable scroll region
      'copy:torch',
      'insert:torch',
      'openDocs:torch',
      'pre',
      'copy:jax',
      'insert:jax',
      'openDocs:jax',
      'pre',
      'copy:tensorflow',
      'insert:tensorflow',
      'openDocs:tensorflow',
    ]);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');

    await page.locator('[data-action="copy"][data-framework="torch"]').focus();
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('copy:jax');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('copy:tensorflow');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('copy:tensorflow');
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toBe('copy:jax');
    await page.close();
  });
});

describe('theme following', () => {
  it('recolours tokens by the theme class VS Code puts on <body>, without re-rendering', async () => {
    const page = await open(html({ concept: conceptById('ops.sum') }));
    const comment = page.locator('[data-testid="column-torch"] pre span', { hasText: '#' }).first();
    const colourIn = async (cls: string[]) => {
      await page.evaluate((c) => {
        document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light');
        document.body.classList.add(...c);
      }, cls);
      return comment.evaluate((el) => getComputedStyle(el).color);
    };
    const light = await colourIn(['vscode-light']);
    const dark = await colourIn(['vscode-dark']);
    const hc = await colourIn(['vscode-high-contrast']);
    const hcLight = await colourIn(['vscode-high-contrast', 'vscode-high-contrast-light']);
    expect(light).toBe('rgb(0, 128, 0)'); // Light+ comment
    expect(dark).toBe('rgb(106, 153, 85)'); // Dark+ comment
    expect(new Set([light, dark, hc, hcLight]).size).toBe(4);
    await page.close();
  });
});
