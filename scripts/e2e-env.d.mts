// Types for scripts/e2e-env.mjs (plain ESM so Node runs it without a build).

export declare const REPO_ROOT: string;
export declare const SETUP_DIR: string;
export declare const NODE24_DIR: string;
export declare const NODE24_BIN: string;
export declare const CODE_SERVER_DIR: string;
export declare const CODE_SERVER_ENTRY: string;
export declare const DEFAULT_SKIPPED_BUILTINS: readonly string[];
export declare const QUIET_SETTINGS: Readonly<Record<string, unknown>>;

export declare function defaultVsixPath(): string;
export declare function chromiumPath(): string;
export declare function node24Env(extra?: Record<string, string>): NodeJS.ProcessEnv;

export interface MissingDep {
  what: string;
  /** Debian package that provides it, or null. */
  apt: string | null;
}
export declare function checkSystemDeps(opts?: { browser?: boolean }): MissingDep[];
export declare function installSystemDeps(opts?: { browser?: boolean; log?: ((msg: string) => void) | null }): Promise<void>;
export declare function e2eDepsInstalled(): boolean;

export interface EnsureOptions {
  /** Reinstall even when the stamp matches the lockfile. */
  force?: boolean;
  /** apt-get install missing Debian packages first (root only). */
  apt?: boolean;
  /** Also require/install Chromium. */
  browser?: boolean;
  /** Progress messages; default stderr, null for silence. */
  log?: ((msg: string) => void) | null;
}
export declare function ensureE2eDeps(
  opts?: EnsureOptions,
): Promise<{ skipped: boolean; seconds: number; npmCiSeconds?: number }>;

/** Kill code-server instances and Chromium left by the test run tagged FRAMEWISE_E2E_RUN=runId. */
export declare function sweepRun(runId: string): number[];

export declare function freePort(host?: string): Promise<number>;

export interface StartOptions {
  /** Folder that the workbench opens. */
  folder?: string;
  /** .vsix file(s) installed into the fresh extensions dir before start. */
  vsix?: string | string[];
  /** Merged over QUIET_SETTINGS into User/settings.json. */
  settings?: Record<string, unknown>;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: a free port. */
  port?: number;
  /** With `port`: pick a free port when that one is taken instead of failing. */
  portFallback?: boolean;
  /** Parent of the temp dir (default os.tmpdir()). */
  baseDir?: string;
  /** Keep the temp dir (user data, logs) after stop(). */
  keepDirs?: boolean;
  /** Default 60 s. */
  startTimeoutMs?: number;
  /** Per .vsix, default 120 s. */
  installTimeoutMs?: number;
  /** Extra code-server arguments. */
  extraArgs?: string[];
  /** Extra environment for code-server (and so the extension host). */
  env?: Record<string, string>;
  /** Built-in extension ids not to load; default DEFAULT_SKIPPED_BUILTINS. */
  skipBuiltinExtensions?: readonly string[];
}

export interface CodeServer {
  id: string;
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  host: string;
  pid: number;
  /** Temp dir holding user-data, extensions, logs. */
  root: string;
  userDataDir: string;
  extensionsDir: string;
  /** code-server's stdout+stderr. */
  logFile: string;
  /** Ids (publisher.name) of the extensions installed from the .vsix files. */
  installedExtensions: string[];
  installSeconds: number;
  /** Seconds from spawn until /healthz answered 200. */
  startSeconds: number;
  folderUrl(dir?: string): string;
  log(): string;
  vscodeLogs(filter?: RegExp): string;
  exited(): { code: number | null; signal: NodeJS.Signals | null; error?: Error } | null;
  /** Synchronous SIGKILL of everything it started. */
  killNow(): void;
  /** SIGTERM the process group, SIGKILL after timeoutMs, then remove the temp dir. */
  stop(opts?: { timeoutMs?: number }): Promise<void>;
}
export declare function startCodeServer(opts?: StartOptions): Promise<CodeServer>;

export declare function packageVsix(
  extDir: string,
  outFile: string,
  opts?: { timeoutMs?: number; log?: (msg: string) => void },
): Promise<string>;
