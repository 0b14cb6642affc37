/** The .vsix holds what the extension needs at run time and nothing from development. */
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

describe('extension package', () => {
  it('lists only bundled files, with the manifest fields a marketplace needs', () => {
    const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    const files = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n').map((l) => l.trim()).filter(Boolean);
    for (const needed of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media/icon.png', 'dist/client.js', 'dist/server.js',
      'grammars/tree-sitter-python.wasm', 'grammars/web-tree-sitter.wasm', 'docs/rules/JAX001.md', 'snippets/catalog/ops-reduction.json',
      'snippets/snippets/torch.code-snippets']) {
      expect(files, needed).toContain(needed);
    }
    const dev = files.filter((f) => /^(tests|server\/src|client\/src|scripts|samples|node_modules|\.ci|\.tmp)\//.test(f) || /\.(ts|map)$/.test(f) || f.startsWith('tsconfig'));
    expect(dev).toEqual([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.capabilities.untrustedWorkspaces.supported).toBe(true);
    expect(pkg.categories.length).toBeGreaterThan(0);
    expect(pkg.keywords).toEqual(expect.arrayContaining(['pytorch', 'jax', 'tensorflow']));
    expect(pkg.icon).toBe('media/icon.png');
    expect(pkg.license).toBe('MIT');
  });
});
