/**
 * The panel controller (client/src/panel/panel.ts) against a fake 'vscode' module and a fake
 * LanguageClient whose answers come from the real server handler: commands, webview options, the
 * rendered document, message handling (validated, stale-safe), following and pinning, insert /
 * replace through the translation code action, and the serializer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { equivalents } from '../../server/src/lsp/equivalents';
import type { FramewiseServer } from '../../server/src/lsp/server';
import * as fake from './fake-vscode';
import { conceptById } from './fixtures';

vi.mock('vscode', () => import('./fake-vscode'));

const { registerEquivalentsPanel, VIEW_TYPE } = await import('../../client/src/panel/panel');

const server = { docs: new Map() } as unknown as FramewiseServer;
/** What the fake server answers for a position request, by document URI. */
let atPosition: Record<string, string | undefined> = {};
const requests: unknown[] = [];

const client = {
  isRunning: () => true,
  onDidChangeState: () => ({ dispose() {} }),
  code2ProtocolConverter: { asUri: (u: fake.Uri) => u.toString() },
  sendRequest: async (method: string, params: Record<string, unknown>) => {
    requests.push({ method, params });
    if (params.textDocument) {
      const id = atPosition[(params.textDocument as { uri: string }).uri];
      return id ? { ...equivalents(server, { query: id }), from: { framework: 'torch', api: 'torch.sum' } } : { concept: null };
    }
    return JSON.parse(JSON.stringify(equivalents(server, params)));
  },
};

const log = { warn: vi.fn(), error: vi.fn(), info: vi.fn() };
let disposables: { dispose(): void }[] = [];
let editor: fake.FakeEditor;

function register(): void {
  const context = { extensionUri: fake.Uri.file('/ext') };
  disposables = registerEquivalentsPanel(context as never, { getClient: () => client as never, log: log as never });
}

const run = (id: string, ...args: unknown[]) => fake.recorded.commands.get(id)!(...args) as Promise<void>;
const panel = () => fake.recorded.panels.at(-1)!;
const settle = () => new Promise((r) => setTimeout(r, 20));

beforeEach(() => {
  const r = fake.recorded;
  r.commands.clear();
  r.serializers.clear();
  for (const list of [r.panels, r.createArgs, r.clipboard, r.opened, r.applied, r.executed, r.warnings, r.codeActions]) list.length = 0;
  r.quickPick = undefined;
  requests.length = 0;
  atPosition = {};
  editor = fake.createFakeEditor();
  fake.window.activeTextEditor = editor;
  fake.window.visibleTextEditors = [editor];
  log.warn.mockClear();
  register();
});

afterEach(() => {
  for (const d of disposables) d.dispose();
});

describe('commands and the webview', () => {
  it('registers the two commands and the serializer', () => {
    expect([...fake.recorded.commands.keys()].sort()).toEqual(['framewise.pickEquivalent', 'framewise.showEquivalents']);
    expect([...fake.recorded.serializers.keys()]).toEqual([VIEW_TYPE]);
    expect(VIEW_TYPE).toBe('framewise.equivalents');
  });

  it('opens beside the editor without taking focus, scripts on, resources limited to media/panel and dist/panel', async () => {
    await run('framewise.showEquivalents', 'layer.linear');
    const [viewType, , show, options] = fake.recorded.createArgs[0]!;
    expect(viewType).toBe('framewise.equivalents');
    expect(show).toEqual({ viewColumn: fake.ViewColumn.Beside, preserveFocus: true });
    const opts = options as { enableScripts: boolean; enableCommandUris: boolean; localResourceRoots: fake.Uri[] };
    expect(opts.enableScripts).toBe(true);
    expect(opts.enableCommandUris).toBe(false);
    expect(opts.localResourceRoots.map((u) => u.path)).toEqual(['/ext/media/panel', '/ext/dist/panel']);
    expect(requests).toContainEqual({ method: 'framewise/equivalents', params: { query: 'layer.linear' } });
    const html = panel().webview.html;
    expect(html).toContain('data-concept-id="layer.linear"');
    expect(html).toContain('src="https://panel.test/ext/dist/panel/panel.js"');
    expect(html).toContain('href="https://panel.test/ext/media/panel/panel.css"');
    expect(html).toMatch(/<span class="tk\d+">import<\/span>/); // highlighted by Shiki
    expect(panel().title).toBe('Equivalents: Fully connected (dense) layer');
  });

  it('uses a fresh nonce for every render', async () => {
    await run('framewise.showEquivalents', 'layer.linear');
    await run('framewise.showEquivalents', 'ops.sum');
    const nonces = panel().webview.htmlHistory.map((h) => /script-src 'nonce-([A-Za-z0-9]+)'/.exec(h.replace(/&#39;/g, "'"))![1]);
    expect(nonces).toHaveLength(2);
    expect(nonces[0]).not.toBe(nonces[1]);
    expect(fake.recorded.panels).toHaveLength(1); // the second call reused the panel
  });

  it('without an argument shows the idiom under the cursor, or explains why not', async () => {
    await run('framewise.showEquivalents');
    expect(panel().webview.html).toContain('No framework idiom under the cursor');
    atPosition[editor.document.uri.toString()] = 'ops.sum';
    await run('framewise.showEquivalents');
    expect(panel().webview.html).toContain('data-concept-id="ops.sum"');
    expect(panel().webview.html).toContain('<p class="fw-found" data-testid="found-torch">Under the cursor: <code>torch.sum</code></p>');
    expect(requests.at(-1)).toEqual({ method: 'framewise/equivalents', params: { textDocument: { uri: 'file:///ws/model.py' }, position: { line: 0, character: 0 } } });
  });

  it('ignores a malformed command argument', async () => {
    await run('framewise.showEquivalents', '<img src=x>');
    expect(requests.some((r) => JSON.stringify(r).includes('img'))).toBe(false);
  });

  it('pick lists every concept and shows the chosen one, pinned', async () => {
    let seen: { label: string; description: string }[] = [];
    fake.recorded.quickPick = (items) => {
      seen = items as typeof seen;
      return seen.find((i) => i.description === 'optim.adam');
    };
    await run('framewise.pickEquivalent');
    expect(seen.length).toBeGreaterThan(100);
    expect(panel().webview.html).toContain('data-concept-id="optim.adam"');
    expect(panel().webview.html).toContain('data-pinned="true"');
  });
});

describe('messages from the webview', () => {
  beforeEach(async () => {
    await run('framewise.showEquivalents', 'layer.linear');
  });

  it('copy puts the shown concept’s snippet on the clipboard', async () => {
    panel().webview.receive({ type: 'copy', conceptId: 'layer.linear', framework: 'jax' });
    await settle();
    expect(fake.recorded.clipboard).toEqual([conceptById('layer.linear').frameworks.jax.snippet]);
    expect(panel().webview.posted).toContainEqual({ type: 'status', text: 'Copied the JAX snippet.' });
  });

  it('ignores malformed messages and messages about a concept that is not shown', async () => {
    panel().webview.receive({ type: 'copy', conceptId: 'layer.linear', framework: 'jax', snippet: 'evil' });
    panel().webview.receive({ type: 'copy', conceptId: 'ops.sum', framework: 'jax' });
    panel().webview.receive({ type: 'openDocs', conceptId: 'layer.linear', framework: 'jax', url: 'https://evil.example' });
    panel().webview.receive('copy');
    await settle();
    expect(fake.recorded.clipboard).toEqual([]);
    expect(fake.recorded.opened).toEqual([]);
    expect(log.warn).toHaveBeenCalledTimes(3);
  });

  it('openDocs opens the concept’s own allow-listed URL', async () => {
    panel().webview.receive({ type: 'openDocs', conceptId: 'layer.linear', framework: 'tensorflow' });
    await settle();
    expect(fake.recorded.opened).toEqual(['https://keras.io/api/layers/core_layers/dense/']);
  });

  it('pin stops following; unpin follows again', async () => {
    const uri = editor.document.uri.toString();
    panel().webview.receive({ type: 'setPinned', pinned: true });
    await settle();
    expect(panel().webview.posted).toContainEqual({ type: 'pinned', pinned: true });
    atPosition[uri] = 'ops.sum';
    fake.events.selection.fire({ textEditor: editor, selections: [editor.selection] });
    await new Promise((r) => setTimeout(r, 400));
    expect(panel().webview.html).toContain('data-concept-id="layer.linear"');

    panel().webview.receive({ type: 'setPinned', pinned: false });
    await vi.waitFor(() => expect(panel().webview.html).toContain('data-concept-id="ops.sum"'));
  });

  it('follows the cursor with one debounced request per burst, and keeps the concept off an idiom', async () => {
    const uri = editor.document.uri.toString();
    atPosition[uri] = 'ops.sum';
    const before = requests.length;
    for (let i = 0; i < 5; i++) fake.events.selection.fire({ textEditor: editor, selections: [editor.selection] });
    await vi.waitFor(() => expect(panel().webview.html).toContain('data-concept-id="ops.sum"'));
    expect(requests.length - before).toBe(1);
    atPosition[uri] = undefined;
    fake.events.selection.fire({ textEditor: editor, selections: [editor.selection] });
    await new Promise((r) => setTimeout(r, 400));
    expect(panel().webview.html).toContain('data-concept-id="ops.sum"');
  });

  it('ready sends the pin and editor state', async () => {
    editor.selection = new fake.Selection(new fake.Position(1, 0), new fake.Position(1, 5));
    panel().webview.receive({ type: 'ready' });
    await settle();
    expect(panel().webview.posted).toContainEqual({ type: 'pinned', pinned: false });
    expect(panel().webview.posted).toContainEqual({ type: 'editor', canInsert: true, hasSelection: true });
  });
});

describe('insert and replace', () => {
  beforeEach(async () => {
    await run('framewise.showEquivalents', 'layer.linear');
  });

  it('inserts the snippet at the cursor when nothing is selected', async () => {
    editor.selection = new fake.Selection(new fake.Position(3, 4), new fake.Position(3, 4));
    panel().webview.receive({ type: 'insert', conceptId: 'layer.linear', framework: 'torch' });
    await settle();
    expect(editor.edits).toEqual([{ op: 'insert', at: new fake.Position(3, 4), text: conceptById('layer.linear').frameworks.torch.snippet }]);
  });

  it('replaces a selected translatable call with the translation code action’s edit', async () => {
    editor.selection = new fake.Selection(new fake.Position(2, 0), new fake.Position(2, 20));
    const edit = new fake.WorkspaceEdit();
    edit.replace(editor.document.uri, new fake.Range(new fake.Position(2, 0), new fake.Position(3, 0)), 'layer = nn.Dense(features=32)\n');
    const other = new fake.WorkspaceEdit();
    other.replace(editor.document.uri, new fake.Range(new fake.Position(9, 0), new fake.Position(10, 0)), 'x\n');
    fake.recorded.codeActions.push(
      { title: 'Show equivalents', command: 'framewise.showEquivalents', arguments: ['layer.linear'] },
      { title: 'Translate to PyTorch', kind: fake.CodeActionKind.of('refactor.rewrite.framewise.to-torch'), edit: other },
      { title: 'Translate to JAX (elsewhere)', kind: fake.CodeActionKind.of('refactor.rewrite.framewise.to-jax'), edit: other },
      { title: 'Translate to JAX', kind: fake.CodeActionKind.of('refactor.rewrite.framewise.to-jax'), edit },
    );
    panel().webview.receive({ type: 'insert', conceptId: 'layer.linear', framework: 'jax' });
    await vi.waitFor(() => expect(fake.recorded.applied).toEqual([edit]));
    const call = fake.recorded.executed.find((c) => c[0] === 'vscode.executeCodeActionProvider')!;
    expect(call[2]).toEqual(new fake.Range(new fake.Position(2, 0), new fake.Position(2, 20)));
    expect(call[3]).toBe('refactor.rewrite.framewise.to-jax');
    expect(editor.edits).toEqual([]);
    expect(panel().webview.posted).toContainEqual({ type: 'status', text: 'Replaced the selection with its JAX translation.' });
  });

  it('replaces the selection with the snippet when no translation applies', async () => {
    const sel = new fake.Selection(new fake.Position(2, 0), new fake.Position(2, 20));
    editor.selection = sel;
    panel().webview.receive({ type: 'insert', conceptId: 'layer.linear', framework: 'tensorflow' });
    await vi.waitFor(() => expect(editor.edits).toHaveLength(1));
    expect(editor.edits[0]).toEqual({ op: 'replace', at: sel, text: conceptById('layer.linear').frameworks.tensorflow.snippet });
    expect(fake.recorded.applied).toEqual([]);
  });

  it('says so when there is no Python editor', async () => {
    fake.window.activeTextEditor = undefined;
    fake.window.visibleTextEditors = [];
    disposables.forEach((d) => d.dispose());
    register();
    await run('framewise.showEquivalents', 'layer.linear');
    panel().webview.receive({ type: 'insert', conceptId: 'layer.linear', framework: 'torch' });
    await settle();
    expect(panel().webview.posted).toContainEqual({ type: 'status', text: 'Open a Python editor to insert into.' });
  });
});

describe('reload', () => {
  it('the serializer restores the concept and the pin, with the webview options set again', async () => {
    const restored = fake.createFakePanel(VIEW_TYPE);
    await fake.recorded.serializers.get(VIEW_TYPE)!.deserializeWebviewPanel(restored, { conceptId: 'optim.adam', pinned: true });
    expect((restored.webview.options as { enableScripts: boolean }).enableScripts).toBe(true);
    expect(restored.webview.html).toContain('data-concept-id="optim.adam"');
    expect(restored.webview.html).toContain('data-pinned="true"');
  });

  it('a tampered state restores the empty panel', async () => {
    const restored = fake.createFakePanel(VIEW_TYPE);
    await fake.recorded.serializers.get(VIEW_TYPE)!.deserializeWebviewPanel(restored, { conceptId: '"><script>', pinned: true });
    expect(restored.webview.html).toContain('data-concept-id=""');
    expect(restored.webview.html).toContain('data-pinned="false"');
    expect(requests).toEqual([]);
  });
});
