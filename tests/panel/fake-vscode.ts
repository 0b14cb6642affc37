/**
 * A small stand-in for the 'vscode' module, enough for client/src/panel/panel.ts to run under
 * vitest (`vi.mock('vscode', () => import('./fake-vscode'))`). It records what the panel does.
 */
type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  event = (l: Listener<T>) => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
}

export class Disposable {
  constructor(private readonly fn: () => void = () => {}) {}
  dispose(): void {
    this.fn();
  }
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
  Two = 2,
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(value: string, _strict?: boolean): Uri {
    const u = new URL(value);
    return new Uri(u.protocol.slice(0, -1), value);
  }
  static joinPath(base: Uri, ...segments: string[]): Uri {
    return new Uri(base.scheme, [base.path, ...segments].join('/'));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return this.scheme === 'file' ? `file://${this.path}` : this.path;
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
  compareTo(o: Position): number {
    return this.line - o.line || this.character - o.character;
  }
}

export class Range {
  constructor(
    readonly start: Position,
    readonly end: Position,
  ) {}
  get isEmpty(): boolean {
    return this.start.compareTo(this.end) === 0;
  }
  intersection(o: Range): Range | undefined {
    const start = this.start.compareTo(o.start) >= 0 ? this.start : o.start;
    const end = this.end.compareTo(o.end) <= 0 ? this.end : o.end;
    return start.compareTo(end) > 0 ? undefined : new Range(start, end);
  }
}

export class Selection extends Range {
  constructor(
    readonly anchor: Position,
    readonly active: Position,
  ) {
    super(anchor.compareTo(active) <= 0 ? anchor : active, anchor.compareTo(active) <= 0 ? active : anchor);
  }
}

export class CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  private constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
  contains(other: CodeActionKind): boolean {
    return this.value === other.value || other.value.startsWith(`${this.value}.`);
  }
  static of(value: string): CodeActionKind {
    return new CodeActionKind(value);
  }
}

export class CancellationTokenSource {
  token = { isCancellationRequested: false, onCancellationRequested: new EventEmitter<void>().event };
  cancel(): void {
    this.token.isCancellationRequested = true;
  }
  dispose(): void {}
}

export class WorkspaceEdit {
  readonly edits: Array<[Uri, { range: Range; newText: string }]> = [];
  replace(uri: Uri, range: Range, newText: string): void {
    this.edits.push([uri, { range, newText }]);
  }
  entries(): Array<[Uri, { range: Range; newText: string }[]]> {
    const byUri = new Map<string, [Uri, { range: Range; newText: string }[]]>();
    for (const [uri, e] of this.edits) {
      const k = uri.toString();
      if (!byUri.has(k)) byUri.set(k, [uri, []]);
      byUri.get(k)![1].push(e);
    }
    return [...byUri.values()];
  }
}

// ---------------------------------------------------------------------------------------------
// Recorded environment

export class FakeWebview {
  private current = '';
  readonly htmlHistory: string[] = [];
  options: unknown;
  readonly cspSource = "'self' https://*.vscode-cdn.net";
  readonly posted: unknown[] = [];
  private readonly received = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;
  get html(): string {
    return this.current;
  }
  set html(v: string) {
    this.current = v;
    this.htmlHistory.push(v);
  }
  asWebviewUri(u: Uri): Uri {
    return Uri.parse(`https://panel.test${u.path}`);
  }
  async postMessage(m: unknown): Promise<boolean> {
    this.posted.push(m);
    return true;
  }
  /** A message from the webview's script. */
  receive(m: unknown): void {
    this.received.fire(m);
  }
}

export interface FakePanel {
  viewType: string;
  title: string;
  iconPath?: unknown;
  visible: boolean;
  webview: FakeWebview;
  revealed: unknown[];
  disposed: boolean;
  reveal(column?: unknown, preserveFocus?: boolean): void;
  onDidDispose: (l: Listener<void>) => { dispose(): void };
  onDidChangeViewState: (l: Listener<unknown>) => { dispose(): void };
  dispose(): void;
}

export function createFakePanel(viewType: string): FakePanel {
  const disposed = new EventEmitter<void>();
  const viewState = new EventEmitter<unknown>();
  const panel: FakePanel = {
    viewType,
    title: '',
    visible: true,
    webview: new FakeWebview(),
    revealed: [],
    disposed: false,
    reveal: (column, preserveFocus) => panel.revealed.push({ column, preserveFocus }),
    onDidDispose: disposed.event,
    onDidChangeViewState: viewState.event,
    dispose: () => {
      if (panel.disposed) return;
      panel.disposed = true;
      disposed.fire();
    },
  };
  return panel;
}

export interface FakeEditor {
  document: { uri: Uri; languageId: string; isClosed: boolean; version: number };
  selection: Selection;
  viewColumn: ViewColumn;
  edits: Array<{ op: 'insert' | 'replace'; at: unknown; text: string }>;
  edit(cb: (b: { insert(p: Position, t: string): void; replace(r: Range, t: string): void }) => void): Promise<boolean>;
}

export function createFakeEditor(path = '/ws/model.py', languageId = 'python'): FakeEditor {
  const editor: FakeEditor = {
    document: { uri: Uri.file(path), languageId, isClosed: false, version: 1 },
    selection: new Selection(new Position(0, 0), new Position(0, 0)),
    viewColumn: ViewColumn.One,
    edits: [],
    edit: async (cb) => {
      cb({
        insert: (p, t) => editor.edits.push({ op: 'insert', at: p, text: t }),
        replace: (r, t) => editor.edits.push({ op: 'replace', at: r, text: t }),
      });
      return true;
    },
  };
  return editor;
}

export const recorded = {
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  serializers: new Map<string, { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> }>(),
  panels: [] as FakePanel[],
  createArgs: [] as unknown[][],
  clipboard: [] as string[],
  opened: [] as string[],
  applied: [] as unknown[],
  executed: [] as unknown[][],
  warnings: [] as string[],
  quickPick: undefined as undefined | ((items: unknown[], opts: unknown) => unknown),
  codeActions: [] as unknown[],
};

export const events = {
  activeEditor: new EventEmitter<unknown>(),
  selection: new EventEmitter<unknown>(),
  closeDoc: new EventEmitter<unknown>(),
};

export const window = {
  activeTextEditor: undefined as FakeEditor | undefined,
  visibleTextEditors: [] as FakeEditor[],
  onDidChangeActiveTextEditor: events.activeEditor.event,
  onDidChangeTextEditorSelection: events.selection.event,
  createWebviewPanel: (viewType: string, ...rest: unknown[]) => {
    recorded.createArgs.push([viewType, ...rest]);
    const p = createFakePanel(viewType);
    p.webview.options = rest[2];
    recorded.panels.push(p);
    return p;
  },
  registerWebviewPanelSerializer: (viewType: string, s: { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> }) => {
    recorded.serializers.set(viewType, s);
    return new Disposable();
  },
  showQuickPick: async (items: unknown[], opts: unknown) => recorded.quickPick?.(items, opts),
  showWarningMessage: async (m: string) => {
    recorded.warnings.push(m);
    return undefined;
  },
};

export const workspace = {
  onDidCloseTextDocument: events.closeDoc.event,
  applyEdit: async (edit: unknown) => {
    recorded.applied.push(edit);
    return true;
  },
};

export const commands = {
  registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
    recorded.commands.set(id, fn);
    return new Disposable(() => recorded.commands.delete(id));
  },
  executeCommand: async (id: string, ...args: unknown[]) => {
    recorded.executed.push([id, ...args]);
    if (id === 'vscode.executeCodeActionProvider') return recorded.codeActions;
    return undefined;
  },
};

export const env = {
  clipboard: {
    writeText: async (t: string) => {
      recorded.clipboard.push(t);
    },
  },
  openExternal: async (u: Uri) => {
    recorded.opened.push(u.toString());
    return true;
  },
};
