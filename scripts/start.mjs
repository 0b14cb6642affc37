#!/usr/bin/env node
// `npm start`: try Framewise in a real VS Code in your browser.
//
//  1. builds the extension (`npm run package` -> framewise.vsix),
//  2. installs the pinned code-server (tests/e2e/setup, from its lockfile; once),
//  3. starts code-server with a fresh profile, framewise.vsix installed,
//     on the bundled samples/ workspace,
//  4. prints the URL to open, and runs until Ctrl+C.
//
// Options:
//   --no-build        use the existing framewise.vsix (or FRAMEWISE_E2E_VSIX)
//   --vsix FILE       install this .vsix instead of framewise.vsix
//   --folder DIR      open DIR instead of samples/
//   --port N          port (default 8080, or $PORT; falls back to a free one)
//   --host ADDR       bind address (default 127.0.0.1)
//   --keep            keep the temporary profile (user data, logs) on exit

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, defaultVsixPath, ensureE2eDeps, startCodeServer } from './e2e-env.mjs';

function parseArgs(argv) {
  const opts = { build: true, vsix: null, folder: path.join(REPO_ROOT, 'samples'), port: null, host: '127.0.0.1', keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--no-build') opts.build = false;
    else if (a === '--vsix') opts.vsix = path.resolve(next());
    else if (a === '--folder') opts.folder = path.resolve(next());
    else if (a === '--port') opts.port = Number(next());
    else if (a === '--host') opts.host = next();
    else if (a === '--keep') opts.keep = true;
    else if (a === '-h' || a === '--help') {
      console.log(fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown option ${a} (see --help)`);
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const vsix = opts.vsix ?? defaultVsixPath();
  const step = (msg) => console.log(`\n\u001b[1m> ${msg}\u001b[0m`);

  if (opts.build && !opts.vsix) {
    step('Building the extension (npm run package)');
    const npm = process.env.npm_execpath?.endsWith('.js') ? [process.execPath, process.env.npm_execpath] : ['npm'];
    const r = spawnSync(npm[0], [...npm.slice(1), 'run', 'package'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (r.status !== 0) {
      if (fs.existsSync(vsix)) console.warn(`\n! npm run package failed; using the existing ${path.relative(REPO_ROOT, vsix)} (${fs.statSync(vsix).mtime.toISOString()})`);
      else console.warn(`\n! npm run package failed and there is no ${path.relative(REPO_ROOT, vsix)}: starting VS Code without Framewise`);
    }
  }
  const haveVsix = fs.existsSync(vsix);
  if (!haveVsix && !opts.build) console.warn(`! no ${vsix}: starting VS Code without Framewise (drop --no-build to build it)`);

  step('Installing code-server (first time only: a few minutes)');
  const t0 = performance.now();
  const dep = await ensureE2eDeps({ log: (m) => console.log(`  ${m}`) });
  console.log(dep.skipped ? '  already installed' : `  installed in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  step(`Starting VS Code (code-server) on ${path.relative(REPO_ROOT, opts.folder) || opts.folder}`);
  const wanted = opts.port ?? (process.env.PORT ? Number(process.env.PORT) : 8080);
  const server = await startCodeServer({
    folder: opts.folder,
    vsix: haveVsix ? [vsix] : [],
    host: opts.host,
    port: wanted,
    portFallback: true,
    keepDirs: opts.keep,
    startTimeoutMs: 120_000,
    // A person may want git and the rest; keep only the quiet settings.
    skipBuiltinExtensions: ['GitHub.copilot-chat'],
    settings: { 'git.enabled': true },
  });
  if (haveVsix) console.log(`  installed ${server.installedExtensions.join(', ')} from ${path.relative(REPO_ROOT, vsix)}`);
  if (server.port !== wanted) console.log(`  port ${wanted} was taken; using ${server.port}`);

  const url = server.folderUrl(opts.folder).replace('://0.0.0.0:', '://127.0.0.1:');
  console.log(`\n  Open: \u001b[1;36m${url}\u001b[0m\n`);
  console.log(`  profile and logs: ${server.root}${opts.keep ? ' (kept)' : ' (removed on exit)'}`);
  console.log('  Ctrl+C to stop.');

  let stopping = false;
  const stop = async (why) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping code-server…`);
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => stop('Ctrl+C'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => stop('SIGHUP'));
  // If code-server dies on its own, say so and exit non-zero.
  const timer = setInterval(() => {
    const ex = server.exited();
    if (ex && !stopping) {
      clearInterval(timer);
      console.error(`\ncode-server exited (${ex.signal ?? `code ${ex.code}`}); last log lines:\n${server.log().split('\n').slice(-30).join('\n')}`);
      server.stop().finally(() => process.exit(1));
    }
  }, 1000);
}

main().catch((err) => {
  console.error(`\nnpm start failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
