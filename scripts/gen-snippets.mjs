// Generates VS Code snippet files (one per framework) from the equivalence catalog.
//   node scripts/gen-snippets.mjs          write snippets/snippets/*.code-snippets
//   node scripts/gen-snippets.mjs --check  exit 1 when the committed files are out of date
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const catalogDir = path.join(root, 'snippets', 'catalog');
const outDir = path.join(root, 'snippets', 'snippets');
const FRAMEWORKS = { torch: 'PyTorch', jax: 'JAX', tensorflow: 'TensorFlow' };

/** Snippet body lines with VS Code snippet syntax escaped ($ starts a tab stop or variable). */
function body(snippet) {
  return snippet.replace(/\n+$/, '').split('\n').map((l) => l.replace(/\\/g, '\\\\').replace(/\$/g, '\\$'));
}

export function generate() {
  const concepts = readdirSync(catalogDir).filter((f) => f.endsWith('.json')).sort()
    .flatMap((f) => JSON.parse(readFileSync(path.join(catalogDir, f), 'utf8')).concepts)
    .sort((a, b) => a.id.localeCompare(b.id));
  const files = {};
  for (const [fw, label] of Object.entries(FRAMEWORKS)) {
    const out = {};
    for (const c of concepts) {
      const form = c.frameworks[fw];
      if (!form?.exists) continue;
      out[`${label}: ${c.title} (${c.id})`] = {
        prefix: `fw-${fw}-${c.id}`,
        body: body(form.snippet),
        description: `${c.summary} APIs: ${form.apis.join(', ')}. Docs: ${form.docs}`,
      };
    }
    files[`${fw}.code-snippets`] = JSON.stringify(out, null, 2) + '\n';
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = generate();
  if (process.argv.includes('--check')) {
    const stale = Object.entries(files).filter(([name, text]) => {
      try { return readFileSync(path.join(outDir, name), 'utf8') !== text; } catch { return true; }
    });
    if (stale.length) { console.error(`out of date: ${stale.map(([n]) => n).join(', ')} — run node scripts/gen-snippets.mjs`); process.exit(1); }
    console.log('snippet files are up to date');
  } else {
    mkdirSync(outDir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(outDir, name), text);
    console.log(`wrote ${Object.keys(files).length} snippet files to snippets/snippets/`);
  }
}
