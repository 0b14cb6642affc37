/**
 * Concept → the equivalence panel's HTML document. Pure (no 'vscode' import): the panel passes in
 * the webview's CSP source, resource URIs, a fresh nonce and the highlighted snippets.
 *
 * Safety rules this module keeps:
 * - Every piece of catalog/server text goes through `escapeHtml`, in content and in double-quoted
 *   attributes alike; the only unescaped HTML inserted is what `highlight.ts` produced (which escapes
 *   its token text the same way).
 * - The document carries a strict Content-Security-Policy: nothing by default, the one script only
 *   by nonce, styles only from the extension's own resources or by nonce, no 'unsafe-*'.
 * - No inline event handlers and no style attributes: the webview script (media/panel/main.ts)
 *   attaches listeners, the stylesheet (media/panel/panel.css) styles.
 */
import { escapeHtml } from './escape';
import { plainCodeHtml, type HighlightResult } from './highlight';
import { allowedDocsUrl } from './messages';
import { FRAMEWORKS, FRAMEWORK_LABELS, FRAMEWORK_SUBTITLES, isConceptId, type ArgMapping, type Concept, type DefaultValue, type FoundFrom, type FrameworkId } from './protocol';

export interface RenderInput {
  /** The concept to show; undefined renders the empty state. */
  concept: Concept | undefined;
  pinned: boolean;
  /** Fresh per render; only [A-Za-z0-9] (see createNonce). */
  nonce: string;
  /** `webview.cspSource`. */
  cspSource: string;
  /** `asWebviewUri` of the bundled webview script and of the stylesheet. */
  scriptUri: string;
  styleUri: string;
  /** Highlighted snippets in FRAMEWORKS order; without it snippets are shown as escaped plain text. */
  highlighted?: HighlightResult;
  /** The empty state's explanation. */
  emptyMessage?: string;
  /** The framework/API the concept was found through (marks that column as the user's code). */
  from?: FoundFrom;
}

const NONCE_RE = /^[A-Za-z0-9]{16,128}$/;
const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A 32-character nonce from the platform's CSPRNG. */
export function createNonce(): string {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += NONCE_ALPHABET[b % NONCE_ALPHABET.length];
  return out;
}

/** The panel's Content-Security-Policy. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  if (!NONCE_RE.test(nonce)) throw new Error('invalid CSP nonce');
  // cspSource is VS Code's (`'self' https://*.vscode-cdn.net` in current releases): host/scheme
  // sources and the 'self' keyword only; refuse anything that could end a directive or add 'unsafe-*'.
  const sources = cspSource.trim().split(/\s+/);
  const hostSource = /^https:\/\/(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?$/;
  if (!sources.every((t) => t === "'self'" || hostSource.test(t))) throw new Error('invalid CSP source');
  cspSource = sources.join(' ');
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** A default value as Python writes it. */
export function formatDefault(v: DefaultValue): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const h = escapeHtml;

export function renderPanelHtml(input: RenderInput): string {
  const { concept, pinned, nonce, cspSource } = input;
  const csp = contentSecurityPolicy(cspSource, nonce);
  const conceptId = concept && isConceptId(concept.id) ? concept.id : '';
  const title = concept ? `Equivalents: ${concept.title}` : 'Framework equivalents';
  const body = concept ? renderConcept(concept, input.highlighted, input.from) : renderEmpty(input.emptyMessage);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${h(input.styleUri)}">
<style nonce="${h(nonce)}">
${input.highlighted && concept ? input.highlighted.css : ''}
</style>
<title>${h(title)}</title>
</head>
<body data-concept-id="${h(conceptId)}" data-pinned="${pinned ? 'true' : 'false'}">
${renderHeader(concept, pinned)}
<main id="fw-main" aria-labelledby="fw-title">
${body}
</main>
<div id="fw-status" class="fw-status" role="status" aria-live="polite"></div>
<script nonce="${h(nonce)}" src="${h(input.scriptUri)}"></script>
</body>
</html>
`;
}

function renderHeader(concept: Concept | undefined, pinned: boolean): string {
  const heading = concept
    ? `<h1 id="fw-title">${h(concept.title)}</h1>
<p class="fw-summary">${h(concept.summary)}</p>
<p class="fw-concept-id">Concept <code>${h(concept.id)}</code></p>`
    : '<h1 id="fw-title">Framework equivalents</h1>';
  const pinLabel = pinned ? 'Pinned' : 'Pin';
  const pinTitle = pinned ? 'Pinned: the panel keeps this concept. Press to follow the cursor again.' : 'Follows the cursor. Press to keep this concept.';
  return `<header class="fw-header">
<div class="fw-heading">
${heading}
</div>
<div class="fw-toolbar" role="toolbar" aria-label="Equivalents panel">
<button type="button" id="fw-pin" class="fw-button fw-secondary" data-testid="pin-button" aria-pressed="${pinned ? 'true' : 'false'}" title="${h(pinTitle)}"${concept ? '' : ' disabled'}>${pinLabel}</button>
<button type="button" id="fw-pick" class="fw-button fw-secondary" data-testid="pick-button" title="Choose a concept from the catalog">Pick concept…</button>
</div>
</header>`;
}

function renderEmpty(message: string | undefined): string {
  return `<section class="fw-empty" aria-label="No concept">
<p>${h(message ?? 'Move the cursor onto a PyTorch, JAX or TensorFlow call, or pick a concept from the catalog.')}</p>
</section>`;
}

function renderConcept(concept: Concept, highlighted: HighlightResult | undefined, from: FoundFrom | undefined): string {
  const columns = FRAMEWORKS.map((fw, i) => renderColumn(concept, fw, highlighted?.blocks[i], from?.framework === fw ? from.api : undefined)).join('\n');
  return `<div class="fw-columns">
${columns}
</div>
${renderArgs(concept.args ?? [])}
${renderDifferences(concept.differences)}`;
}

function renderColumn(concept: Concept, fw: FrameworkId, codeHtml: string | undefined, currentApi: string | undefined): string {
  const form = concept.frameworks[fw];
  const label = FRAMEWORK_LABELS[fw];
  const hid = `fw-col-${fw}`;
  const parts: string[] = [];
  const current = currentApi !== undefined;
  parts.push(`<section class="fw-column${current ? ' fw-current' : ''}" data-testid="column-${fw}" data-framework="${fw}" aria-labelledby="${hid}">`);
  parts.push(`<h2 id="${hid}">${h(label)}</h2>`);
  parts.push(`<p class="fw-subtitle">${h(FRAMEWORK_SUBTITLES[fw])}</p>`);
  if (current) parts.push(`<p class="fw-found" data-testid="found-${fw}">Under the cursor: <code>${h(currentApi)}</code></p>`);
  if (!form.exists) {
    parts.push(`<div class="fw-nearest" data-testid="nearest-${fw}" role="note" aria-label="${h(`${label}: no direct equivalent`)}">
<p><strong>No direct equivalent.</strong> Nearest idiom:</p>
<p>${h(form.nearest ?? '')}</p>
</div>`);
  }
  if (form.apis.length) {
    parts.push(`<h3>API</h3>
<ul class="fw-apis" aria-label="${h(`${label} APIs`)}">
${form.apis.map((api) => `<li><code>${h(api)}</code></li>`).join('\n')}
</ul>`);
  }
  parts.push(`<h3>${form.exists ? 'Snippet' : 'Nearest snippet'}</h3>
<pre class="fw-code" tabindex="0" aria-label="${h(`${label} snippet`)}"><code>${codeHtml ?? plainCodeHtml(form.snippet)}</code></pre>`);
  const docs = allowedDocsUrl(form.docs);
  parts.push(`<div class="fw-actions">
<button type="button" class="fw-button" data-action="copy" data-framework="${fw}" aria-label="${h(`Copy the ${label} snippet`)}">Copy</button>
<button type="button" class="fw-button fw-secondary" data-action="insert" data-framework="${fw}" aria-label="${h(`Insert the ${label} snippet at the cursor`)}" data-label-insert="Insert at cursor" data-label-replace="Replace selection">Insert at cursor</button>
${docs ? `<a class="fw-docs" href="${h(docs)}" data-action="openDocs" data-framework="${fw}" aria-label="${h(`${label} documentation (opens in the browser)`)}">Docs</a>` : ''}
</div>`);
  if (form.notes?.length) {
    parts.push(`<h3>Notes</h3>
<ul class="fw-notes">
${form.notes.map((n) => `<li>${h(n)}</li>`).join('\n')}
</ul>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

function defaultsDiffer(arg: ArgMapping): boolean {
  if (!arg.defaults) return false;
  const present = FRAMEWORKS.filter((fw) => arg[fw] !== null && arg.defaults && fw in arg.defaults).map((fw) => formatDefault(arg.defaults![fw]!));
  return new Set(present).size > 1;
}

function renderArgCell(arg: ArgMapping, fw: FrameworkId): string {
  const name = arg[fw];
  if (name === null) {
    const why = arg.kind === 'drop' ? 'not needed' : 'no such argument';
    return `<td class="fw-none"><span aria-hidden="true">—</span><span class="fw-visually-hidden">${why}</span></td>`;
  }
  const d = arg.defaults && fw in arg.defaults ? arg.defaults[fw] : undefined;
  const def = d !== undefined ? ` <span class="fw-default">default <code>${h(formatDefault(d))}</code></span>` : '';
  return `<td><code>${h(name)}</code>${def}</td>`;
}

function renderArgs(args: readonly ArgMapping[]): string {
  if (!args.length) return '';
  const rows = args.map((arg) => {
    const differ = defaultsDiffer(arg);
    const notes = [arg.note ?? '', arg.kind === 'drop' ? 'May be omitted in a framework without it.' : '', differ ? 'Defaults differ.' : ''].filter(Boolean);
    return `<tr${differ ? ' class="fw-defaults-differ"' : ''}>
<th scope="row"><code>${h(arg.name)}</code></th>
${FRAMEWORKS.map((fw) => renderArgCell(arg, fw)).join('\n')}
<td>${notes.map((n) => h(n)).join(' ')}</td>
</tr>`;
  });
  return `<section class="fw-args" aria-labelledby="fw-args-title">
<h2 id="fw-args-title">Argument mapping</h2>
<div class="fw-table-wrap" tabindex="0" role="region" aria-labelledby="fw-args-title">
<table>
<caption class="fw-visually-hidden">Canonical argument names and each framework's parameter name and default</caption>
<thead><tr><th scope="col">Argument</th>${FRAMEWORKS.map((fw) => `<th scope="col">${h(FRAMEWORK_LABELS[fw])}</th>`).join('')}<th scope="col">Note</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</div>
</section>`;
}

function renderDifferences(differences: readonly string[]): string {
  if (!differences.length) return '';
  return `<section class="fw-differences" aria-labelledby="fw-diff-title">
<h2 id="fw-diff-title">Differences that matter</h2>
<ul>
${differences.map((d) => `<li>${h(d)}</li>`).join('\n')}
</ul>
</section>`;
}
