import { beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../client/src/panel/escape';
import { createPythonHighlighter, type PythonHighlighter } from '../../client/src/panel/highlight';
import { FRAMEWORKS } from '../../client/src/panel/protocol';
import { contentSecurityPolicy, createNonce, formatDefault, renderPanelHtml, type RenderInput } from '../../client/src/panel/render';
import { catalogConcepts, conceptById, hostileConcept, PAYLOAD, RENDER_BASE } from './fixtures';

function render(over: Partial<RenderInput> = {}): string {
  return renderPanelHtml({ concept: conceptById('layer.linear'), pinned: false, nonce: createNonce(), ...RENDER_BASE, ...over });
}

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  expect(m, 'CSP meta tag').not.toBeNull();
  return m![1]!.replace(/&#39;/g, "'");
}

describe('Content-Security-Policy', () => {
  it('is strict: nothing by default, the script by nonce only, styles from the extension or by nonce', () => {
    const nonce = createNonce();
    const csp = cspOf(render({ nonce }));
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual([`'nonce-${nonce}'`]);
    expect(directives['style-src']).toEqual(["'self'", 'https://*.vscode-cdn.net', `'nonce-${nonce}'`]);
    expect(directives['img-src']).toEqual(["'self'", 'https://*.vscode-cdn.net']);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-|data:|blob:|http:/);
    expect(Object.keys(directives).sort()).toEqual(['base-uri', 'default-src', 'form-action', 'img-src', 'script-src', 'style-src']);
  });

  it('is the first element of <head>, before any resource', () => {
    const html = render();
    const head = html.slice(html.indexOf('<head>'), html.indexOf('</head>'));
    expect(head.indexOf('Content-Security-Policy')).toBeLessThan(head.indexOf('<link'));
    expect(head.indexOf('Content-Security-Policy')).toBeLessThan(head.indexOf('<style'));
  });

  it('uses the nonce on the one script and the one style element, and a fresh nonce per render', () => {
    const nonce = createNonce();
    const html = render({ nonce });
    expect(html.match(/<script\b[^>]*>/g)).toEqual([`<script nonce="${nonce}" src="${RENDER_BASE.scriptUri}">`]);
    expect(html.match(/<style\b[^>]*>/g)).toEqual([`<style nonce="${nonce}">`]);
    const nonces = new Set(Array.from({ length: 50 }, () => createNonce()));
    expect(nonces.size).toBe(50);
    for (const n of nonces) expect(n).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('refuses a malformed nonce or CSP source instead of weakening the policy', () => {
    expect(() => contentSecurityPolicy(RENDER_BASE.cspSource, "abc' 'unsafe-inline")).toThrow();
    expect(() => contentSecurityPolicy(RENDER_BASE.cspSource, 'short')).toThrow();
    expect(() => contentSecurityPolicy("https://x; script-src 'unsafe-inline'", createNonce())).toThrow();
    expect(() => contentSecurityPolicy("'self' 'unsafe-inline'", createNonce())).toThrow();
    expect(() => contentSecurityPolicy("'self'\nscript-src *", createNonce())).toThrow();
    expect(() => contentSecurityPolicy('*', createNonce())).toThrow();
    expect(() => contentSecurityPolicy('https:', createNonce())).toThrow();
    expect(() => contentSecurityPolicy('http://*.vscode-cdn.net', createNonce())).toThrow();
    // VS Code's own values are accepted: current releases and older ones.
    expect(contentSecurityPolicy("'self' https://*.vscode-cdn.net", 'A'.repeat(32))).toContain("style-src 'self' https://*.vscode-cdn.net 'nonce-");
    expect(contentSecurityPolicy('https://*.vscode-webview.net', 'A'.repeat(32))).toContain('img-src https://*.vscode-webview.net;');
  });

  it('has no inline event handlers, style attributes or javascript: URLs in any catalog concept', () => {
    for (const concept of catalogConcepts()) {
      const html = render({ concept });
      expect(html, concept.id).not.toMatch(/\son[a-z]+\s*=/i);
      expect(html, concept.id).not.toMatch(/\sstyle\s*=/i);
      expect(html, concept.id).not.toMatch(/javascript:/i);
    }
  }, 120_000);
});

describe('columns', () => {
  it('renders PyTorch, JAX and TensorFlow side by side with headings, APIs, snippet, notes and actions', () => {
    const concept = conceptById('layer.linear');
    const html = render({ concept });
    for (const fw of FRAMEWORKS) {
      const start = html.indexOf(`data-testid="column-${fw}"`);
      expect(start, fw).toBeGreaterThan(0);
      const col = html.slice(start, html.indexOf('</section>', start));
      expect(col).toMatch(new RegExp(`<h2 id="fw-col-${fw}">`));
      expect(col).toContain(`aria-labelledby="fw-col-${fw}"`);
      for (const api of concept.frameworks[fw].apis) expect(col).toContain(`<code>${api}</code>`);
      expect(col).toMatch(/<pre class="fw-code" tabindex="0" aria-label="[^"]+ snippet"><code>/);
      expect(col).toContain(`<button type="button" class="fw-button" data-action="copy" data-framework="${fw}"`);
      expect(col).toContain(`data-action="insert" data-framework="${fw}"`);
      expect(col).toContain(`<a class="fw-docs" href="${concept.frameworks[fw].docs}" data-action="openDocs" data-framework="${fw}"`);
      for (const note of concept.frameworks[fw].notes ?? []) expect(col).toContain(`<li>${escapeHtml(note)}</li>`);
    }
    expect(html.indexOf('column-torch')).toBeLessThan(html.indexOf('column-jax'));
    expect(html.indexOf('column-jax')).toBeLessThan(html.indexOf('column-tensorflow'));
  });

  it('shows `nearest` for a framework without an equivalent', () => {
    const concept = conceptById('layer.flatten');
    expect(concept.frameworks.jax.exists).toBe(false);
    const html = render({ concept });
    expect(html).toContain('data-testid="nearest-jax"');
    expect(html).toContain('No direct equivalent.');
    expect(html).toContain(escapeHtml(concept.frameworks.jax.nearest!));
    expect(html).not.toContain('data-testid="nearest-torch"');
    expect(html).not.toContain('data-testid="nearest-tensorflow"');
  });

  it('every catalog concept with exists:false shows its nearest idiom', () => {
    let seen = 0;
    for (const concept of catalogConcepts()) {
      const html = render({ concept });
      for (const fw of FRAMEWORKS) {
        expect(html.includes(`data-testid="nearest-${fw}"`), `${concept.id} ${fw}`).toBe(!concept.frameworks[fw].exists);
        if (!concept.frameworks[fw].exists) seen++;
      }
    }
    expect(seen).toBeGreaterThan(0);
  }, 120_000);

  it('renders the argument table with each framework name, missing args and differing defaults', () => {
    const html = render({ concept: conceptById('layer.linear') });
    expect(html).toContain('<h2 id="fw-args-title">Argument mapping</h2>');
    expect(html).toMatch(/<th scope="row"><code>out_features<\/code><\/th>\n<td><code>out_features<\/code><\/td>\n<td><code>features<\/code><\/td>\n<td><code>units<\/code><\/td>/);
    expect(html).toMatch(/<th scope="row"><code>in_features<\/code><\/th>\n<td><code>in_features<\/code><\/td>\n<td class="fw-none"><span aria-hidden="true">—<\/span><span class="fw-visually-hidden">not needed<\/span><\/td>/);
    expect(html).toContain('default <code>True</code>');

    const concept = hostileConcept();
    concept.args = [{ name: 'reduction', torch: 'reduction', jax: null, tensorflow: 'reduction', defaults: { torch: 'mean', tensorflow: 'sum_over_batch_size' }, kind: 'value' }];
    const differ = render({ concept });
    expect(differ).toContain('<tr class="fw-defaults-differ">');
    expect(differ).toContain('default <code>&#39;mean&#39;</code>');
    expect(differ).toContain('Defaults differ.');
  });

  it('marks the column of the framework the concept was found through', () => {
    const html = render({ concept: conceptById('ops.sum'), from: { framework: 'jax', api: `jax.numpy.sum${PAYLOAD}` } });
    expect(html).toContain('<section class="fw-column fw-current" data-testid="column-jax"');
    expect(html).toContain('data-testid="found-jax">Under the cursor: <code>jax.numpy.sum&lt;/script&gt;&lt;img');
    expect(html.match(/fw-current/g)).toHaveLength(1);
    expect(render({ concept: conceptById('ops.sum') })).not.toContain('fw-current');
  });

  it('lists the differences that matter', () => {
    const concept = conceptById('layer.linear');
    const html = render({ concept });
    expect(html).toContain('<h2 id="fw-diff-title">Differences that matter</h2>');
    expect(html).toContain('Weight layout: torch (out, in)');
  });

  it('has the pin toggle with its state, and the pick button', () => {
    expect(render({ pinned: false })).toContain('data-testid="pin-button" aria-pressed="false"');
    const pinned = render({ pinned: true });
    expect(pinned).toContain('data-testid="pin-button" aria-pressed="true"');
    expect(pinned).toContain('data-pinned="true"');
    expect(pinned).toContain('data-testid="pick-button"');
    expect(pinned).toContain('data-concept-id="layer.linear"');
  });

  it('renders an empty state without columns', () => {
    const html = render({ concept: undefined, emptyMessage: `Nothing <here> ${PAYLOAD}` });
    expect(html).not.toContain('data-testid="column-');
    expect(html).toContain('Nothing &lt;here&gt;');
    expect(html).toContain('data-concept-id=""');
    expect(html).toMatch(/data-testid="pin-button"[^>]* disabled>/);
  });

  it('puts highlighted code in the columns when given, and the token CSS in the nonce style', async () => {
    const hl: PythonHighlighter = await createPythonHighlighter();
    const concept = conceptById('ops.sum');
    const highlighted = hl.highlight(FRAMEWORKS.map((fw) => concept.frameworks[fw].snippet));
    const html = render({ concept, highlighted });
    for (const block of highlighted.blocks) expect(html).toContain(`<code>${block}</code>`);
    expect(html).toContain(highlighted.css);
    expect(html).toMatch(/<span class="tk\d+">import<\/span>/);
  });
});

describe('escaping', () => {
  it('escapes every text field of a hostile concept (string-level check; the browser test proves it)', () => {
    const html = render({ concept: hostileConcept() });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<svg');
    expect(html).not.toContain('<iframe');
    expect(html).not.toMatch(/<a href="javascript/);
    expect(html.match(/<script\b/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    // The non-allow-listed docs URL is not rendered as a link at all.
    expect(html).not.toContain('evil.example');
    expect(html).toContain('<title>Equivalents: Title &lt;/script&gt;');
  });

  it('formats defaults as Python literals', () => {
    expect(formatDefault(true)).toBe('True');
    expect(formatDefault(false)).toBe('False');
    expect(formatDefault(null)).toBe('None');
    expect(formatDefault(0.5)).toBe('0.5');
    expect(formatDefault("it's")).toBe("'it\\'s'");
  });
});
