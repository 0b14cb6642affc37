// How many catalog concepts translate in each of the six directions (torch→jax, torch→tf, jax→torch,
// jax→tf, tf→torch, tf→jax): `node scripts/translation-coverage.mjs [--json] [--list]`.
// Bundles server/src/translate/coverage.ts with esbuild into .tmp/ and runs it on snippets/catalog.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, '.tmp', 'translation-coverage.cjs');
const entry = path.join(ROOT, '.tmp', 'translation-coverage-entry.ts');
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(entry, `
import { initParser } from '../server/src/parse/parser';
import { translationCoverage } from '../server/src/translate/coverage';
import { getCatalog } from '../server/src/catalog/index';
export async function run() { await initParser(); return { total: getCatalog().concepts.length, coverage: translationCoverage() }; }
`);
await esbuild.build({
  entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: OUT, logLevel: 'warning',
  define: { 'import.meta.url': '__import_meta_url', __FRAMEWISE_VERSION__: '"dev"' },
  banner: { js: "const __import_meta_url = require('url').pathToFileURL(__filename).href;" },
});
process.env.FRAMEWISE_GRAMMARS ??= path.join(ROOT, 'grammars');
process.env.FRAMEWISE_SNIPPETS ??= path.join(ROOT, 'snippets');
const { run } = createRequire(import.meta.url)(OUT);
const { total, coverage } = await run();

const LABEL = { torch: 'torch', jax: 'jax', tensorflow: 'tf' };
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ concepts: total, directions: coverage }, null, 2));
} else {
  console.log(`${total} concepts in the catalog (translated: rewritten; clean: without a note; refused: left as they are with a note)\n`);
  console.log('direction      translated  clean  with notes  refused');
  for (const c of Object.values(coverage)) {
    const dir = `${LABEL[c.from]} -> ${LABEL[c.to]}`.padEnd(14);
    console.log(`${dir} ${String(c.translated.length).padStart(10)}  ${String(c.clean.length).padStart(5)}  ${String(c.translated.length - c.clean.length).padStart(10)}  ${String(c.refused.length).padStart(7)}`);
  }
  if (process.argv.includes('--list')) {
    for (const c of Object.values(coverage)) {
      console.log(`\n${LABEL[c.from]} -> ${LABEL[c.to]}`);
      console.log(`  translated: ${c.translated.join(', ')}`);
      if (c.refused.length) console.log(`  refused:    ${c.refused.join(', ')}`);
      if (c.noSample.length) console.log(`  no sample:  ${c.noSample.join(', ')}`);
    }
  }
}
