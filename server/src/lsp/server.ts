/**
 * The language server: keeps each open Python document as an incrementally-parsed tree, analyses it
 * (debounced) and publishes diagnostics tagged with the document version they were computed for.
 * Only this folder imports vscode-languageserver.
 */
import { dominantLineBreak, withLineBreak } from '../parse/eol';
import {
  CodeActionKind,
  LSPErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { initParser } from '../parse/parser';
import { PythonDocument, type SkipReason } from '../parse/document';
import { analyzeSyntax } from '../analyze';
import { SyntaxTree } from '../parse/mirror';
import { IncrementalAnalysis } from '../incremental';
import type { Finding } from '../rules/types';
import { normalizeSeverity, type Settings } from '../config/settings';
import { toDiagnostic, toTextEdits } from './convert';
import { WorkspaceConfig } from './config';
import { registerCodeActions } from './codeActions';
import { registerTranslation } from './translateActions';
import { registerDebug } from './debug';
import { QUIET_MS, WarmUp } from './warmup';
import { DELAY_MS as IDLE_GC_DELAY_MS, IdleGc } from './idleGc';
import { VERSION } from '../version';

export interface DocState {
  doc: PythonDocument;
  timer?: NodeJS.Timeout;
  /** Findings of the last analysis, and the version they belong to. */
  result?: { version: number; findings: Finding[]; skipped?: SkipReason };
  /** How long (ms) the last analysis of this document took; slow documents wait longer and go last. */
  cost?: number;
  /** When (Date.now()) the last analysis of this document ended. */
  finishedAt?: number;
  /**
   * The columns of its last mirrored version and its statement-local rules' findings by statement,
   * while it is among the documents edited last (see `keepMirror`).
   */
  mirror?: IncrementalAnalysis;
  /** When (performance.now()) its last change arrived. */
  changedAt?: number;
}

/** One publish, as `FramewiseServer.onPublished` sees it (ms, performance.now()). */
export interface PublishTiming {
  uri: string;
  version: number;
  /** When the change that made this version arrived (undefined for an open). */
  changedAt?: number;
  /** How long this version's analysis took (0 when it was already analysed). */
  analysisMs: number;
  /** When the analysis started. */
  startedAt: number;
  /** When the diagnostics had been encoded and written to the connection. */
  writtenAt: number;
}

export interface ServerOptions {
  debounceMs?: number;
  /** Warm the JIT up in idle time (lsp/warmup.ts); by default unless FRAMEWISE_WARM_UP=0. */
  warmUp?: boolean;
}

export class FramewiseServer {
  readonly docs = new Map<string, DocState>();
  settings: Settings = {};
  debounceMs: number;
  private ready: Promise<unknown>;
  /** Extension points: other features (code actions, hover, panel requests) register here. */
  readonly codeActionProviders: Array<(state: DocState, params: CodeActionParams) => CodeAction[]> = [];
  /** `[tool.framewise]` per document, layered over `settings` (lsp/config.ts). */
  readonly workspaceConfig = new WorkspaceConfig(this);
  /** Told when a publish has been written (the benchmark's server-side latency; lsp/debug.ts). */
  onPublished: ((t: PublishTiming) => void) | undefined;
  /** JIT warm-up in idle time, begun after the first analysis (lsp/warmup.ts); off with FRAMEWISE_WARM_UP=0. */
  readonly warmUp: WarmUp | undefined;
  /** When a document was last opened or edited (performance.now()): the warm-up waits while someone types. */
  private lastEditAt = -Infinity;
  /** Young-generation scavenges between keystrokes instead of in their analyses (lsp/idleGc.ts). */
  readonly idleGc: IdleGc;

  constructor(readonly connection: Connection, options: ServerOptions = {}) {
    this.debounceMs = options.debounceMs ?? 150;
    this.ready = initParser();
    this.warmUp = (options.warmUp ?? process.env.FRAMEWISE_WARM_UP !== '0')
      ? new WarmUp({ idle: () => this.quiet(QUIET_MS) })
      : undefined;
    this.idleGc = new IdleGc({ idle: () => this.quiet(IDLE_GC_DELAY_MS) });
    this.register();
    registerCodeActions(this);
    registerTranslation(this);
    registerDebug(this);
  }

  private register(): void {
    const c = this.connection;
    c.onInitialize((params): InitializeResult => {
      this.workspaceConfig.setFolders(params);
      return {
        capabilities: {
          textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
          codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll + '.framewise', 'refactor.rewrite.framewise', 'refactor.framewise'] },
          hoverProvider: true,
        },
        serverInfo: { name: 'framewise', version: VERSION },
      };
    });
    c.onInitialized(() => { void this.pullSettings(); });
    c.onDidChangeConfiguration(() => { void this.pullSettings(); });
    c.onDidChangeWatchedFiles(({ changes }) => this.guard(() => this.workspaceConfig.filesChanged(changes)));

    c.onDidOpenTextDocument(({ textDocument: td }) => this.guard(() => {
      const previous = this.docs.get(td.uri);
      previous?.doc.dispose();
      if (previous) this.dropMirror(previous);
      const doc = new PythonDocument(td.uri, td.version, td.text, this.workspaceConfig.maxFileSizeFor(td.uri));
      this.docs.set(td.uri, { doc });
      this.lastEditAt = performance.now();
      this.workspaceConfig.documentOpened(td.uri);
      this.schedule(td.uri, 0);
    }));
    c.onDidChangeTextDocument(({ textDocument: td, contentChanges }) => this.guard(() => {
      const state = this.docs.get(td.uri);
      if (!state) return;
      state.changedAt = this.lastEditAt = performance.now();
      state.doc.applyChanges(contentChanges.map((ch) => ('range' in ch ? { range: ch.range, text: ch.text } : { text: ch.text })), td.version);
      this.keepMirror(state);
      this.schedule(td.uri, this.debounceMs);
    }));
    c.onDidCloseTextDocument(({ textDocument: td }) => this.guard(() => {
      const state = this.docs.get(td.uri);
      if (state?.timer) clearTimeout(state.timer);
      state?.doc.dispose();
      if (state) this.dropMirror(state);
      this.docs.delete(td.uri);
      this.workspaceConfig.documentClosed(td.uri);
      void c.sendDiagnostics({ uri: td.uri, diagnostics: [] });
    }));
    c.onCodeAction((params, token) => (token.isCancellationRequested ? cancelled() : this.guard(() => this.codeActions(params)) ?? []));
  }

  /** Run a handler; a bug in one request must not take the server down. */
  guard<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      this.connection.console.error(`Framewise internal error: ${(e as Error).stack ?? e}`);
      return undefined;
    }
  }

  async pullSettings(): Promise<void> {
    try {
      const s = await this.connection.workspace.getConfiguration('framewise');
      if (s && typeof s === 'object') this.applySettings(s as Record<string, unknown>);
    } catch {
      // The client may not support workspace/configuration; keep the defaults.
    }
  }

  applySettings(raw: Record<string, unknown>): void {
    const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((x) => x.toUpperCase()) : undefined);
    const s: Settings = {};
    const select = list(raw.select);
    if (select && select.length) s.select = select;
    const ignore = list(raw.ignore);
    if (ignore && ignore.length) s.ignore = ignore;
    const severity = normalizeSeverity(raw.severity);
    if (severity) s.severity = severity;
    if (typeof raw.maxFileSize === 'number' && raw.maxFileSize > 0) s.maxFileSize = raw.maxFileSize;
    if (typeof raw.debounceMs === 'number' && raw.debounceMs >= 0) this.debounceMs = raw.debounceMs;
    this.settings = s;
    this.workspaceConfig.reconfigure();
  }

  /**
   * Analyse `uri` after `delay` ms (restarted by every edit: a burst of changes is analysed once).
   * The server is single-threaded and an analysis cannot be interrupted, so a slow document (its last
   * analysis took `SLOW_ANALYSIS_MS` or more) is kept from starving the others: its next analysis
   * starts no sooner after the end of its last one than that one took (typing in it leaves the server
   * free at least half the time, and other documents edited meanwhile go first). A faster one never
   * holds a request up for longer than that, so it is analysed after the debounce alone, as is any
   * edit after a pause. Due documents are analysed one per event-loop turn, cheapest first, with
   * edits and requests handled in between. Parse and rule time budgets bound any single analysis (the walk that reads
   * the tree is linear in its nodes).
   */
  schedule(uri: string, delay: number): void {
    const state = this.docs.get(uri);
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    const sinceLast = state.finishedAt === undefined ? Infinity : Date.now() - state.finishedAt;
    const slow = (state.cost ?? 0) >= SLOW_ANALYSIS_MS ? Math.min(state.cost!, MAX_SLOW_DELAY_MS) : 0;
    const wait = Math.max(delay, slow - sinceLast);
    // No wait: straight to the queue (a zero timeout would still cost a millisecond and a timer turn;
    // edits that arrive before the queue is pumped are still analysed once, in their last version).
    if (wait <= 0) {
      state.timer = undefined;
      this.enqueue(uri);
      return;
    }
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.enqueue(uri);
    }, wait);
  }

  private readonly due = new Set<string>();
  private pumping = false;

  private enqueue(uri: string): void {
    this.due.add(uri);
    if (this.pumping) return;
    this.pumping = true;
    void this.ready.then(() => setImmediate(() => this.pump()));
  }

  /** Analyse and publish one due document (the cheapest), then yield to the event loop. */
  private pump(): void {
    let next: string | undefined;
    let best = Infinity;
    for (const uri of this.due) {
      const state = this.docs.get(uri);
      // Closed, or edited again: its own timer will bring it back.
      if (!state || state.timer) { this.due.delete(uri); continue; }
      if ((state.cost ?? 0) < best) { best = state.cost ?? 0; next = uri; }
    }
    if (next !== undefined) {
      this.due.delete(next);
      const uri = next;
      this.guard(() => this.analyzeAndPublish(uri));
    }
    if (this.due.size) setImmediate(() => this.pump());
    else this.pumping = false;
  }

  /** Nothing to do: no analysis due or under way, none waiting for its debounce, no edit in the last `ms`. */
  private quiet(ms: number): boolean {
    if (this.pumping || this.due.size > 0 || performance.now() - this.lastEditAt < ms) return false;
    for (const state of this.docs.values()) if (state.timer) return false;
    return true;
  }

  /** Analyse the current version (if not already done) and return its findings. */
  analyze(state: DocState): Finding[] {
    const { doc } = state;
    if (state.result?.version === doc.version) return state.result.findings;
    const tree = doc.tree;
    if (!tree) state.mirror?.clear();
    const settings = this.settingsFor(doc.uri);
    const r = !tree ? undefined : state.mirror ? state.mirror.analyze(tree, doc.text, doc.lineStarts, settings)
      : analyzeSyntax(new SyntaxTree(tree, doc.text, undefined, doc.lineStarts), doc.text, settings);
    const findings = r?.findings ?? [];
    state.result = { version: doc.version, findings, skipped: r?.skipped ?? doc.skipReason };
    return findings;
  }

  /** Documents whose columns are kept, most recently edited last. */
  private readonly mirrored: DocState[] = [];

  /**
   * An edited document keeps the columns of its last version, so that the analysis after the next
   * keystroke re-walks only the statements it touched; the few documents edited last keep theirs (a
   * mirror of a 5,000-line file is about 1.5 MB of typed arrays; 200 open documents must not keep 200).
   */
  private keepMirror(state: DocState): void {
    const at = this.mirrored.indexOf(state);
    if (at >= 0) this.mirrored.splice(at, 1);
    this.mirrored.push(state);
    state.mirror ??= new IncrementalAnalysis();
    while (this.mirrored.length > MIRRORED_DOCUMENTS) this.mirrored.shift()!.mirror = undefined;
  }

  private dropMirror(state: DocState): void {
    state.mirror = undefined;
    const at = this.mirrored.indexOf(state);
    if (at >= 0) this.mirrored.splice(at, 1);
  }

  /** Effective settings for a document: VS Code settings overlaid with its `[tool.framewise]`. */
  settingsFor(uri: string): Settings {
    return this.workspaceConfig.settingsFor(uri);
  }

  analyzeAndPublish(uri: string): void {
    const state = this.docs.get(uri);
    if (!state) return;
    const version = state.doc.version;
    const fresh = state.result?.version !== version;
    const started = Date.now();
    const startedAt = performance.now();
    const young = fresh ? this.idleGc.before() : undefined;
    const findings = this.analyze(state);
    const analysisMs = fresh ? performance.now() - startedAt : 0;
    if (fresh) {
      state.finishedAt = Date.now();
      state.cost = state.finishedAt - started;
    }
    // Never publish for a version that is no longer current (a change arrived meanwhile).
    if (this.docs.get(uri) !== state || state.doc.version !== version) return;
    const diagnostics: Diagnostic[] = findings.map((f) => toDiagnostic(f));
    const skip = state.result?.skipped;
    if (skip) diagnostics.push({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 3, source: 'framewise', code: 'skipped', message: skip.message });
    const sent = this.connection.sendDiagnostics({ uri, version, diagnostics });
    this.idleGc.after(young);
    // The first document has its diagnostics: the server may warm up whenever it is idle from now on.
    this.warmUp?.start();
    const changedAt = state.changedAt;
    state.changedAt = undefined;
    const onPublished = this.onPublished;
    if (onPublished) {
      void Promise.resolve(sent).then(() => onPublished({ uri, version, changedAt, analysisMs, startedAt, writtenAt: performance.now() }), () => undefined);
    }
  }

  private codeActions(params: CodeActionParams): CodeAction[] {
    const state = this.docs.get(params.textDocument.uri);
    if (!state || !state.doc.tree) return [];
    const findings = this.analyze(state);
    const actions: CodeAction[] = [];
    const uri = params.textDocument.uri;
    const version = state.doc.version;
    for (const d of params.context.diagnostics) {
      if (d.source !== 'framewise') continue;
      const f = findings.find((x) => x.code === d.code && sameRange(x.range, d.range));
      if (!f?.fix) continue;
      actions.push({
        title: f.fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: !f.fix.suggestion,
        edit: { documentChanges: [{ textDocument: { uri, version }, edits: toTextEdits(f) }] },
      });
    }
    // Each provider on its own: one that fails (a translation on pathological code) must not take
    // the quick fixes of the others with it.
    for (const p of this.codeActionProviders) actions.push(...(this.guard(() => p(state, params)) ?? []));
    return withLineEnding(actions, state.doc.text);
  }
}

/** Fixes and translations write '\n': in a CRLF file, their line breaks become CRLF (see parse/eol.ts). */
export function withLineEnding(actions: CodeAction[], text: string): CodeAction[] {
  const eol = dominantLineBreak(text);
  if (eol === '\n') return actions;
  return actions.map((a) => {
    const changes = a.edit?.documentChanges;
    if (!changes) return a;
    return {
      ...a,
      edit: {
        ...a.edit,
        documentChanges: changes.map((dc) => ('edits' in dc
          ? { ...dc, edits: dc.edits.map((e) => ('newText' in e ? { ...e, newText: withLineBreak(e.newText, eol) } : e)) }
          : dc)),
      },
    };
  });
}

/** How many recently edited documents keep their mirror's columns. */
const MIRRORED_DOCUMENTS = 4;

/** Longest extra wait (ms) given to a document whose analysis is slow. */
const MAX_SLOW_DELAY_MS = 5000;

/**
 * An analysis that takes this long (ms) or more makes its document "slow" (see `schedule`); a shorter
 * one is under the delay people perceive as instant, and is what a request can wait behind.
 */
export const SLOW_ANALYSIS_MS = 100;

/** The answer to a request the client cancelled before it was handled. */
export function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled');
}

export function sameRange(a: { start: { line: number; character: number }; end: { line: number; character: number } }, b: typeof a): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
