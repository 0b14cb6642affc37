/**
 * The side-by-side equivalence panel (VS Code side): a webview beside the editor showing the catalog
 * concept under the cursor for PyTorch, JAX and TensorFlow.
 *
 * - Follows the cursor (debounced `framewise/equivalents` requests) unless pinned.
 * - Commands `framewise.showEquivalents` [conceptId] and `framewise.pickEquivalent` (QuickPick).
 * - Survives reloads through a WebviewPanelSerializer; the webview keeps { conceptId, pinned }.
 * - Copy / Insert / Replace / Docs act on the concept the extension itself rendered: the webview only
 *   names a concept id and a framework, validated by `parseWebviewMessage`.
 *
 * HTML comes from render.ts (pure, tested); highlighting from highlight.ts (Shiki, lazy-loaded).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { getPythonHighlighter, type HighlightResult } from './highlight';
import { allowedDocsUrl, parsePanelState, parseWebviewMessage, type HostMessage, type PanelState, type WebviewMessage } from './messages';
import {
  asConcept,
  asConceptList,
  asFoundFrom,
  EQUIVALENTS_METHOD,
  FRAMEWORKS,
  FRAMEWORK_LABELS,
  isConceptId,
  translationKind,
  type Concept,
  type EquivalentsParams,
  type FoundFrom,
  type FrameworkId,
} from './protocol';
import { createNonce, renderPanelHtml } from './render';

export const VIEW_TYPE = 'framewise.equivalents';
const FOLLOW_DEBOUNCE_MS = 250;
const CLIENT_READY_TIMEOUT_MS = 20_000;

export interface PanelHost {
  getClient(): LanguageClient | undefined;
  log: vscode.LogOutputChannel;
}

/** A concept id from a command argument: a string, or an object with `id`/`conceptId`. */
function conceptIdFromArg(arg: unknown): string | undefined {
  if (isConceptId(arg)) return arg;
  if (typeof arg === 'object' && arg !== null) {
    const o = arg as Record<string, unknown>;
    if (isConceptId(o.id)) return o.id;
    if (isConceptId(o.conceptId)) return o.conceptId;
  }
  return undefined;
}

/** A validated answer: the concept and where it was found. */
interface Found {
  concept: Concept;
  from?: FoundFrom;
}

function isPythonEditor(editor: vscode.TextEditor | undefined): editor is vscode.TextEditor {
  return !!editor && editor.document.languageId === 'python' && !editor.document.isClosed;
}

class EquivalentsPanel implements vscode.Disposable {
  private concept: Concept | undefined;
  private from: FoundFrom | undefined;
  private pinned: boolean;
  private emptyMessage: string | undefined;
  private renderSeq = 0;
  private wasVisible = true;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly controller: PanelController,
    state: PanelState,
  ) {
    this.pinned = state.pinned;
    panel.webview.options = webviewOptions(controller.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(controller.extensionUri, 'media', 'icon.png');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      panel.onDidChangeViewState((e) => {
        // Catch up with the cursor when the panel comes back into view (not on every focus change).
        const visible = e.webviewPanel.visible;
        if (visible && !this.wasVisible && !this.pinned) controller.followNow();
        this.wasVisible = visible;
      }),
    );
  }

  get conceptId(): string | undefined {
    return this.concept?.id;
  }

  get fromFramework(): FrameworkId | undefined {
    return this.from?.framework;
  }

  get isPinned(): boolean {
    return this.pinned;
  }

  /** Shows `concept` (found through `from`); an undefined concept shows the empty state with `message`. */
  async show(concept: Concept | undefined, message?: string, from?: FoundFrom): Promise<void> {
    this.concept = concept;
    this.from = concept ? from : undefined;
    this.emptyMessage = message;
    if (!concept) this.pinned = false;
    await this.render();
  }

  /** Pins before the next render (which carries the state), without a message or a follow. */
  pinQuietly(): void {
    this.pinned = true;
  }

  setPinned(pinned: boolean): void {
    this.pinned = pinned && !!this.concept;
    this.post({ type: 'pinned', pinned: this.pinned });
    if (!this.pinned) this.controller.followNow();
  }

  postEditorState(): void {
    const editor = this.controller.targetEditor();
    this.post({ type: 'editor', canInsert: !!editor, hasSelection: !!editor && !editor.selection.isEmpty });
  }

  status(text: string): void {
    this.post({ type: 'status', text });
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private async render(): Promise<void> {
    const seq = ++this.renderSeq;
    const concept = this.concept;
    let highlighted: HighlightResult | undefined;
    if (concept) {
      try {
        const highlighter = await getPythonHighlighter();
        highlighted = highlighter.highlight(FRAMEWORKS.map((fw) => concept.frameworks[fw].snippet));
      } catch (err) {
        this.controller.host.log.warn(`Equivalents panel: highlighting unavailable (${String(err)}); showing plain code.`);
      }
    }
    if (seq !== this.renderSeq) return; // a newer render started while this one was highlighting
    const webview = this.panel.webview;
    const base = this.controller.extensionUri;
    this.panel.title = concept ? `Equivalents: ${concept.title}` : 'Equivalents';
    webview.html = renderPanelHtml({
      concept,
      pinned: this.pinned,
      nonce: createNonce(),
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(base, 'dist', 'panel', 'panel.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(base, 'media', 'panel', 'panel.css')).toString(),
      highlighted,
      emptyMessage: this.emptyMessage,
      from: this.from,
    });
  }

  private onMessage(raw: unknown): void {
    const msg = parseWebviewMessage(raw);
    if (!msg) {
      this.controller.host.log.warn('Equivalents panel: ignored a malformed message from the webview.');
      return;
    }
    void this.handle(msg).catch((err: unknown) => {
      this.controller.host.log.error(`Equivalents panel: ${msg.type} failed: ${String(err)}`);
      this.status(`${msg.type === 'insert' ? 'Insert' : 'The action'} failed.`);
    });
  }

  private async handle(msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.post({ type: 'pinned', pinned: this.pinned });
        this.postEditorState();
        return;
      case 'pick':
        await this.controller.pick();
        return;
      case 'setPinned':
        this.setPinned(msg.pinned);
        return;
    }
    // The remaining actions act on the concept shown; a message about another one is stale.
    const concept = this.concept;
    if (!concept || concept.id !== msg.conceptId) return;
    const form = concept.frameworks[msg.framework];
    const label = FRAMEWORK_LABELS[msg.framework];
    switch (msg.type) {
      case 'copy':
        await vscode.env.clipboard.writeText(form.snippet);
        this.status(`Copied the ${label} snippet.`);
        return;
      case 'openDocs': {
        const url = allowedDocsUrl(form.docs);
        if (!url) {
          this.status('This documentation link is not on a known documentation site; not opened.');
          return;
        }
        await vscode.env.openExternal(vscode.Uri.parse(url, true));
        return;
      }
      case 'insert':
        this.status(await this.controller.insert(concept, msg.framework));
        return;
    }
  }

  dispose(): void {
    this.controller.forget(this);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media', 'panel'), vscode.Uri.joinPath(extensionUri, 'dist', 'panel')],
  };
}

class PanelController implements vscode.Disposable {
  private current: EquivalentsPanel | undefined;
  private lastEditor: vscode.TextEditor | undefined;
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  private followSeq = 0;
  private followCancel: vscode.CancellationTokenSource | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly extensionUri: vscode.Uri,
    readonly host: PanelHost,
  ) {
    if (isPythonEditor(vscode.window.activeTextEditor)) this.lastEditor = vscode.window.activeTextEditor;
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (!isPythonEditor(editor)) return;
        this.lastEditor = editor;
        this.current?.postEditorState();
        this.scheduleFollow();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (!isPythonEditor(e.textEditor)) return;
        this.lastEditor = e.textEditor;
        this.current?.postEditorState();
        this.scheduleFollow();
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (this.lastEditor?.document === doc) {
          this.lastEditor = undefined;
          this.current?.postEditorState();
        }
      }),
    );
  }

  /** The Python editor Insert/Replace acts on: the active one, else the last one, if still visible. */
  targetEditor(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (isPythonEditor(active)) return active;
    const last = this.lastEditor;
    if (!last || last.document.isClosed) return undefined;
    return vscode.window.visibleTextEditors.find((e) => e.document === last.document) ?? undefined;
  }

  forget(panel: EquivalentsPanel): void {
    if (this.current === panel) this.current = undefined;
  }

  private createPanel(state: PanelState): EquivalentsPanel {
    const panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      'Equivalents',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { ...webviewOptions(this.extensionUri), enableFindWidget: true },
    );
    this.current = new EquivalentsPanel(panel, this, state);
    return this.current;
  }

  /**
   * `framewise.showEquivalents [conceptId]`: the given concept, or the one under the cursor.
   * `pin` (the picker) pins it, so the next cursor move does not replace a concept chosen by hand.
   */
  async showEquivalents(arg?: unknown, pin = false): Promise<void> {
    const id = conceptIdFromArg(arg);
    let panel = this.current;
    if (panel) panel.panel.reveal(undefined, true);
    else panel = this.createPanel({ conceptId: id ?? null, pinned: false });
    if (id) {
      await this.showById(panel, id, pin);
      return;
    }
    const editor = this.targetEditor();
    const found = editor ? await this.conceptAt(editor) : undefined;
    if (found) await panel.show(found.concept, undefined, found.from);
    else if (!panel.conceptId) await panel.show(undefined, editor ? 'No framework idiom under the cursor. Move the cursor onto a PyTorch, JAX or TensorFlow call, or pick a concept.' : undefined);
  }

  /** `framewise.pickEquivalent`: a searchable list of all concepts. */
  async pick(): Promise<void> {
    const client = await this.readyClient();
    if (!client) {
      void vscode.window.showWarningMessage('Framewise: the language server is not running, so the catalog is unavailable.');
      return;
    }
    let items: { label: string; description: string; id: string }[];
    try {
      const list = asConceptList(await client.sendRequest(EQUIVALENTS_METHOD, { list: true } satisfies EquivalentsParams));
      items = list.map((c) => ({ label: c.title, description: c.id, id: c.id }));
    } catch (err) {
      this.host.log.error(`Equivalents: listing concepts failed: ${String(err)}`);
      items = [];
    }
    if (!items.length) {
      void vscode.window.showWarningMessage('Framewise: no concepts in the equivalence catalog.');
      return;
    }
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Framewise: Show Equivalents For…',
      placeHolder: 'Search concepts by title or id (e.g. linear, ops.sum, optim.adam)',
      matchOnDescription: true,
    });
    if (!picked) return;
    await this.showEquivalents(picked.id, true);
  }

  /** Restores a panel after a reload. */
  async revive(webviewPanel: vscode.WebviewPanel, rawState: unknown): Promise<void> {
    const state = parsePanelState(rawState);
    this.current?.dispose();
    const panel = new EquivalentsPanel(webviewPanel, this, state);
    this.current = panel;
    if (state.conceptId) await this.showById(panel, state.conceptId);
    else await panel.show(undefined);
  }

  private async showById(panel: EquivalentsPanel, id: string, pin = false): Promise<void> {
    const concept = (await this.request({ query: id }))?.concept;
    if (concept && pin) panel.pinQuietly();
    await panel.show(concept, concept ? undefined : `Could not load the concept "${id}" from the equivalence catalog.`);
  }

  private scheduleFollow(): void {
    const panel = this.current;
    if (!panel || panel.isPinned || !panel.panel.visible) return;
    if (this.followTimer) clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => {
      this.followTimer = undefined;
      void this.follow();
    }, FOLLOW_DEBOUNCE_MS);
  }

  followNow(): void {
    if (this.followTimer) clearTimeout(this.followTimer);
    this.followTimer = undefined;
    void this.follow();
  }

  private async follow(): Promise<void> {
    const panel = this.current;
    const editor = this.targetEditor();
    if (!panel || panel.isPinned || !panel.panel.visible || !editor) return;
    const seq = ++this.followSeq;
    this.followCancel?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.followCancel = cts;
    try {
      const found = await this.conceptAt(editor, cts.token);
      // Only the newest request counts; off an idiom the panel keeps what it shows.
      if (seq !== this.followSeq || !found || panel !== this.current || panel.isPinned) return;
      if (found.concept.id !== panel.conceptId || found.from?.framework !== panel.fromFramework) await panel.show(found.concept, undefined, found.from);
    } finally {
      if (this.followCancel === cts) this.followCancel = undefined;
      cts.dispose();
    }
  }

  private async conceptAt(editor: vscode.TextEditor, token?: vscode.CancellationToken): Promise<Found | undefined> {
    const client = this.host.getClient();
    if (!client?.isRunning()) return undefined;
    const pos = editor.selection.active;
    return this.request(
      {
        textDocument: { uri: client.code2ProtocolConverter.asUri(editor.document.uri) },
        position: { line: pos.line, character: pos.character },
      },
      token,
    );
  }

  private async request(params: EquivalentsParams, token?: vscode.CancellationToken): Promise<Found | undefined> {
    const client = await this.readyClient();
    if (!client) return undefined;
    try {
      const answer: unknown = await client.sendRequest(EQUIVALENTS_METHOD, params, token);
      const concept = asConcept(answer);
      return concept ? { concept, from: asFoundFrom(answer) } : undefined;
    } catch (err) {
      if (!token?.isCancellationRequested) this.host.log.warn(`Equivalents: ${EQUIVALENTS_METHOD} failed: ${String(err)}`);
      return undefined;
    }
  }

  /** The client once it runs (a revived panel can come up before the server has started). */
  private async readyClient(): Promise<LanguageClient | undefined> {
    const client = this.host.getClient();
    if (!client) return undefined;
    if (client.isRunning()) return client;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        sub.dispose();
        resolve(undefined);
      }, CLIENT_READY_TIMEOUT_MS);
      const sub = client.onDidChangeState(() => {
        if (!client.isRunning()) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(client);
      });
    });
  }

  /**
   * Insert at the cursor, or replace the selection: with the translation quick fix to `fw` when the
   * selection holds a translatable call, else with the snippet. Returns the status line to show.
   */
  async insert(concept: Concept, fw: FrameworkId): Promise<string> {
    const editor = this.targetEditor();
    const label = FRAMEWORK_LABELS[fw];
    if (!editor) return 'Open a Python editor to insert into.';
    const snippet = concept.frameworks[fw].snippet;
    const selection = editor.selection;
    if (selection.isEmpty) {
      const ok = await editor.edit((b) => b.insert(selection.active, snippet));
      return ok ? `Inserted the ${label} snippet.` : 'The editor rejected the insert.';
    }
    const translated = await this.applyTranslation(editor, selection, fw);
    if (translated === 'applied') return `Replaced the selection with its ${label} translation.`;
    if (translated === 'failed') return `The ${label} translation could not be applied (the file changed?); nothing was replaced.`;
    const ok = await editor.edit((b) => b.replace(selection, snippet));
    return ok ? `Replaced the selection with the ${label} snippet.` : 'The editor rejected the replacement.';
  }

  /** Applies the translation quick fix for the call in `selection`: 'none' when there is none. */
  private async applyTranslation(editor: vscode.TextEditor, selection: vscode.Selection, fw: FrameworkId): Promise<'applied' | 'none' | 'failed'> {
    const doc = editor.document;
    const version = doc.version;
    const kind = translationKind(fw);
    const range = new vscode.Range(selection.start, selection.end);
    let actions: (vscode.CodeAction | vscode.Command)[] | undefined;
    try {
      actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', doc.uri, range, kind, 10);
    } catch (err) {
      this.host.log.warn(`Equivalents: code actions for ${kind} failed: ${String(err)}`);
      return 'none';
    }
    const wanted = vscode.CodeActionKind.Empty.append(kind);
    // A plain Command has a string `command`; a CodeAction's `command` is an object or absent.
    const isCodeAction = (a: vscode.CodeAction | vscode.Command): a is vscode.CodeAction => typeof (a as vscode.Command).command !== 'string';
    const candidates = (actions ?? []).filter(isCodeAction).filter((a) => !!a.kind && wanted.contains(a.kind) && !!a.edit);
    const inSelection = (a: vscode.CodeAction): boolean =>
      a.edit!.entries().some(([uri, edits]) => uri.toString() === doc.uri.toString() && edits.some((e) => !!e.range.intersection(range)));
    const action = candidates.find(inSelection);
    if (!action?.edit) return 'none';
    if (doc.version !== version) return 'failed';
    const applied = await vscode.workspace.applyEdit(action.edit);
    if (applied && action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    return applied ? 'applied' : 'failed';
  }

  dispose(): void {
    if (this.followTimer) clearTimeout(this.followTimer);
    this.followCancel?.cancel();
    this.current?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Registers the panel's commands, its serializer and the cursor-following listeners. */
export function registerEquivalentsPanel(context: vscode.ExtensionContext, host: PanelHost): vscode.Disposable[] {
  const controller = new PanelController(context.extensionUri, host);
  return [
    controller,
    vscode.commands.registerCommand('framewise.showEquivalents', (arg?: unknown) => controller.showEquivalents(arg)),
    vscode.commands.registerCommand('framewise.pickEquivalent', () => controller.pick()),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state) => controller.revive(panel, state),
    }),
  ];
}
