// Copies the Python grammar and the tree-sitter runtime WASM from node_modules into grammars/ and
// records their versions in grammars/VERSIONS.md.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const pkgDir = (name) => path.dirname(require.resolve(`${name}/package.json`, { paths: [root] }));
const version = (name) => JSON.parse(readFileSync(path.join(pkgDir(name), 'package.json'), 'utf8')).version;

const files = [
  ['tree-sitter-python', 'tree-sitter-python.wasm'],
  ['web-tree-sitter', 'web-tree-sitter.wasm'],
];
for (const [pkg, file] of files) {
  copyFileSync(path.join(pkgDir(pkg), file), path.join(root, 'grammars', file));
  console.log(`grammars/${file} <- ${pkg}@${version(pkg)}`);
}
const doc = path.join(root, 'grammars', 'VERSIONS.md');
let text = readFileSync(doc, 'utf8');
for (const [pkg, file] of files) {
  text = text.replace(new RegExp(`(\\| \`${file.replace('.', '\\.')}\` \\| \`${pkg}\` \\| )[^|]+\\|`), `$1${version(pkg)} |`);
}
writeFileSync(doc, text);
