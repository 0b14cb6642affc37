/**
 * Finds the extension's own data folders (grammars/, snippets/, docs/rules/) next to the running code:
 * dist/server.js, server/out/cli.js, or the sources under tests. Never a folder relative to the working
 * directory (under VS Code that is the workspace, which must not supply grammars or catalog data).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where `relDir` may be, most likely first; `envVar` (a test/packaging override) comes before all. */
export function resourceCandidates(relDir: string, envVar?: string): string[] {
  const env = envVar ? process.env[envVar] : undefined;
  return [
    ...(env ? [env] : []),
    path.resolve(__dirname, '..', relDir), // dist/server.js
    path.resolve(__dirname, '..', '..', relDir), // server/out/cli.js, server/src/resources.ts
  ];
}

/** The first candidate folder holding `probe` (a file or folder inside it), or undefined. */
export function findResourceDir(relDir: string, probe: string, envVar?: string): string | undefined {
  return resourceCandidates(relDir, envVar).find((dir) => fs.existsSync(path.join(dir, probe)));
}
