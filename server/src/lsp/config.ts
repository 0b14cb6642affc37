/**
 * Project configuration in the language server: the workspace folders from `initialize`, the
 * `[tool.framewise]` table that applies to each open document, the problems of those tables published
 * as diagnostics on their pyproject.toml, and re-reading when the client reports a pyproject.toml
 * changed (`workspace/didChangeWatchedFiles`).
 *
 * Layers, later winning: defaults < VS Code settings `framewise.*` < `[tool.framewise]`, so the editor
 * reports what `framewise check` reports in CI. The server reads only inside workspace folders: a
 * document outside every folder (or an untitled one) gets the VS Code settings alone.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type FileEvent, type InitializeParams } from 'vscode-languageserver/node';
import { findConfig, isInside, PYPROJECT, clearConfigCache, type PyprojectConfig } from '../config/pyproject';
import { mergeSettings, type Settings } from '../config/settings';
import { PythonDocument, DEFAULT_MAX_FILE_BYTES } from '../parse/document';
import type { FramewiseServer } from './server';

export class WorkspaceConfig {
  /** Workspace folder paths, longest first (the innermost folder wins). */
  private folders: string[] = [];
  /** Document URI → the pyproject config that applies to it (undefined: none). */
  private readonly perDoc = new Map<string, PyprojectConfig | undefined>();
  /** pyproject.toml URI → the problems last published for it (JSON), for those with any. */
  private readonly published = new Map<string, string>();
  /** Document URI → the max file size its PythonDocument was created with. */
  private readonly docLimits = new Map<string, number>();

  constructor(private readonly server: FramewiseServer) {}

  setFolders(params: Pick<InitializeParams, 'workspaceFolders' | 'rootUri' | 'rootPath'>): void {
    const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    const paths = uris.map(uriToPath).filter((p): p is string => !!p);
    if (paths.length === 0 && params.rootPath) paths.push(params.rootPath);
    this.folders = paths.sort((a, b) => b.length - a.length);
  }

  /** The `[tool.framewise]` config for a document, read on first use. */
  configFor(uri: string): PyprojectConfig | undefined {
    if (this.perDoc.has(uri)) return this.perDoc.get(uri);
    const file = uriToPath(uri);
    const folder = file && this.folders.find((f) => isInside(file, f));
    const config = file && folder ? findConfig(file, { root: folder }) : undefined;
    this.perDoc.set(uri, config);
    return config;
  }

  /** Effective settings for a document: VS Code settings overlaid with its pyproject. */
  settingsFor(uri: string): Settings {
    return mergeSettings(this.server.settings, this.configFor(uri)?.settings);
  }

  maxFileSizeFor(uri: string): number {
    const max = this.settingsFor(uri).maxFileSize ?? DEFAULT_MAX_FILE_BYTES;
    this.docLimits.set(uri, max);
    return max;
  }

  documentOpened(uri: string): void {
    this.configFor(uri);
    this.publishProblems();
  }

  documentClosed(uri: string): void {
    this.perDoc.delete(uri);
    this.docLimits.delete(uri);
    this.publishProblems();
  }

  /** `workspace/didChangeWatchedFiles`: re-read configuration when a pyproject.toml changed. */
  filesChanged(changes: FileEvent[]): void {
    const relevant = changes.filter((c) => c.uri.endsWith('/' + PYPROJECT));
    if (relevant.length === 0) return;
    for (const c of relevant) {
      const p = uriToPath(c.uri);
      if (p) clearConfigCache(p);
    }
    this.reload();
  }

  /** Forget every document's config, read again, republish problems and re-analyse everything. */
  reload(): void {
    this.perDoc.clear();
    this.publishProblems();
    this.reconfigure();
  }

  /**
   * Settings changed (VS Code or pyproject): drop cached results (they are keyed by document
   * version, which did not change), rebuild documents whose size limit changed, re-analyse.
   */
  reconfigure(): void {
    for (const [uri, state] of this.server.docs) {
      const max = this.settingsFor(uri).maxFileSize ?? DEFAULT_MAX_FILE_BYTES;
      if (this.docLimits.get(uri) !== max) {
        const { doc } = state;
        state.doc = new PythonDocument(doc.uri, doc.version, doc.text, max);
        doc.dispose();
        this.docLimits.set(uri, max);
      }
      state.result = undefined;
      this.server.schedule(uri, 0);
    }
  }

  /** Publish the problems of every config in use; clear those no longer in use or now fine. */
  private publishProblems(): void {
    const current = new Map<string, PyprojectConfig>();
    for (const uri of this.server.docs.keys()) {
      const c = this.configFor(uri);
      if (c) current.set(pathToFileURL(c.path).href, c);
    }
    for (const [uri, c] of current) {
      const key = JSON.stringify(c.problems);
      if (c.problems.length === 0 ? !this.published.has(uri) : this.published.get(uri) === key) continue;
      void this.server.connection.sendDiagnostics({ uri, diagnostics: c.problems.map(toDiagnostic) });
      if (c.problems.length) this.published.set(uri, key);
      else this.published.delete(uri);
    }
    for (const uri of [...this.published.keys()]) {
      if (current.has(uri)) continue;
      void this.server.connection.sendDiagnostics({ uri, diagnostics: [] });
      this.published.delete(uri);
    }
  }
}

function toDiagnostic(p: PyprojectConfig['problems'][number]): Diagnostic {
  return {
    range: p.range,
    severity: p.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: 'framewise',
    code: 'config',
    message: p.message,
  };
}

function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try { return fileURLToPath(uri); } catch { return undefined; }
}
