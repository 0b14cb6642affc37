/**
 * The equivalence panel's webview script (bundled by esbuild to dist/panel/panel.js, an iife for the
 * browser). It only wires the DOM that client/src/panel/render.ts produced to the extension:
 *
 * - buttons/links carrying data-action + data-framework post { type, conceptId, framework }; the
 *   extension validates the message and looks the snippet or URL up itself;
 * - the pin and pick buttons post { type: 'setPinned' } / { type: 'pick' };
 * - messages from the extension (pinned state, editor state, status text) are shape-checked and
 *   applied with textContent/attributes only, never as HTML;
 * - the state { conceptId, pinned } is kept with setState so the panel survives a reload;
 * - ArrowLeft/ArrowRight on a column's action moves to the same action in the neighbouring column.
 */

interface VsCodeApi {
  postMessage(message: unknown): void;
  setState(state: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const FRAMEWORKS = ['torch', 'jax', 'tensorflow'] as const;
type Framework = (typeof FRAMEWORKS)[number];
const ACTIONS = ['copy', 'insert', 'openDocs'] as const;
type Action = (typeof ACTIONS)[number];

const vscode = acquireVsCodeApi();
const body = document.body;
const conceptId = /^[a-z0-9.-]+$/.test(body.dataset.conceptId ?? '') ? (body.dataset.conceptId as string) : null;
let pinned = body.dataset.pinned === 'true';

function saveState(): void {
  vscode.setState({ conceptId, pinned });
}

function isFramework(v: unknown): v is Framework {
  return typeof v === 'string' && (FRAMEWORKS as readonly string[]).includes(v);
}

function isAction(v: unknown): v is Action {
  return typeof v === 'string' && (ACTIONS as readonly string[]).includes(v);
}

function applyPinned(value: boolean): void {
  pinned = value;
  body.dataset.pinned = value ? 'true' : 'false';
  const pin = document.getElementById('fw-pin');
  if (pin) {
    pin.setAttribute('aria-pressed', value ? 'true' : 'false');
    pin.textContent = value ? 'Pinned' : 'Pin';
    pin.title = value ? 'Pinned: the panel keeps this concept. Press to follow the cursor again.' : 'Follows the cursor. Press to keep this concept.';
  }
  saveState();
}

function applyEditor(canInsert: boolean, hasSelection: boolean): void {
  for (const el of document.querySelectorAll<HTMLButtonElement>('button[data-action="insert"]')) {
    const label = hasSelection ? el.dataset.labelReplace : el.dataset.labelInsert;
    if (label) el.textContent = label;
    const fw = el.dataset.framework ?? '';
    const name = document.getElementById(`fw-col-${fw}`)?.textContent ?? fw;
    el.setAttribute('aria-label', hasSelection ? `Replace the selection with the ${name} equivalent` : `Insert the ${name} snippet at the cursor`);
    el.disabled = !canInsert;
    el.title = canInsert ? '' : 'Open a Python editor to insert into';
  }
}

let statusTimer: ReturnType<typeof setTimeout> | undefined;
function showStatus(text: string): void {
  const status = document.getElementById('fw-status');
  if (!status) return;
  status.textContent = text;
  if (statusTimer) clearTimeout(statusTimer);
  statusTimer = setTimeout(() => {
    status.textContent = '';
  }, 4000);
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  if (target.closest('#fw-pin')) {
    if (conceptId) vscode.postMessage({ type: 'setPinned', pinned: !pinned });
    return;
  }
  if (target.closest('#fw-pick')) {
    vscode.postMessage({ type: 'pick' });
    return;
  }
  const el = target.closest<HTMLElement>('[data-action]');
  if (!el) return;
  // Links are opened by the extension after it validates the URL, never by the webview.
  event.preventDefault();
  const action = el.dataset.action;
  const framework = el.dataset.framework;
  if (!conceptId || !isAction(action) || !isFramework(framework)) return;
  if (el instanceof HTMLButtonElement && el.disabled) return;
  vscode.postMessage({ type: action, conceptId, framework });
});

// ArrowLeft/ArrowRight: same action in the previous/next column (tab order stays column by column).
document.addEventListener('keydown', (event) => {
  if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
  const el = event.target instanceof HTMLElement ? event.target.closest<HTMLElement>('[data-action][data-framework]') : null;
  if (!el) return;
  const index = FRAMEWORKS.indexOf(el.dataset.framework as Framework);
  if (index < 0) return;
  const step = event.key === 'ArrowRight' ? 1 : -1;
  for (let i = index + step; i >= 0 && i < FRAMEWORKS.length; i += step) {
    const next = document.querySelector<HTMLElement>(`[data-action="${el.dataset.action}"][data-framework="${FRAMEWORKS[i]}"]`);
    if (next && !(next instanceof HTMLButtonElement && next.disabled)) {
      event.preventDefault();
      next.focus();
      return;
    }
  }
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m = event.data;
  if (typeof m !== 'object' || m === null) return;
  const msg = m as Record<string, unknown>;
  switch (msg.type) {
    case 'pinned':
      if (typeof msg.pinned === 'boolean') applyPinned(msg.pinned);
      break;
    case 'editor':
      if (typeof msg.canInsert === 'boolean' && typeof msg.hasSelection === 'boolean') applyEditor(msg.canInsert, msg.hasSelection);
      break;
    case 'status':
      if (typeof msg.text === 'string') showStatus(msg.text.slice(0, 300));
      break;
  }
});

saveState();
vscode.postMessage({ type: 'ready' });
