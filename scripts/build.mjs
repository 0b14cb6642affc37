// Bundles the client, the language server and the CLI with esbuild.
import * as esbuild from 'esbuild';
import { readFileSync, chmodSync } from 'node:fs';
import { nodeBundleOptions } from './esbuild-options.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');
const common = nodeBundleOptions(pkg.version);
const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  { ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'server/out/cli.js', banner: { js: '#!/usr/bin/env node\n' + common.banner.js } },
  // The equivalence panel's webview script (runs in the browser sandbox of the webview).
  { entryPoints: ['media/panel/main.ts'], outfile: 'dist/panel/panel.js', bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true, logLevel: 'warning' },
];
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  chmodSync('server/out/cli.js', 0o755);
}
