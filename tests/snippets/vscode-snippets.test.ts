/** The VS Code snippet files are generated from the catalog, contributed, and expand to parsable code. */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ready, syntaxErrorCount } from '../helpers/analyze';

const ROOT = path.resolve(__dirname, '..', '..');
const FRAMEWORKS = ['torch', 'jax', 'tensorflow'];

beforeAll(ready);

describe('VS Code snippets', () => {
  it('are up to date with the catalog', async () => {
    const gen = await import(path.join(ROOT, 'scripts', 'gen-snippets.mjs'));
    const files: Record<string, string> = gen.generate();
    for (const fw of FRAMEWORKS) {
      const name = `${fw}.code-snippets`;
      expect(fs.readFileSync(path.join(ROOT, 'snippets', 'snippets', name), 'utf8'), `${name} is stale: run node scripts/gen-snippets.mjs`).toBe(files[name]);
    }
  });

  it('are contributed for Python in package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const contributed = (pkg.contributes.snippets ?? []).map((s: { language: string; path: string }) => `${s.language}:${path.normalize(s.path)}`);
    for (const fw of FRAMEWORKS) expect(contributed).toContain(`python:${path.normalize(`./snippets/snippets/${fw}.code-snippets`)}`);
  });

  it('have one entry per existing framework form, unique prefixes, and expand to code that parses', () => {
    const catalog = fs.readdirSync(path.join(ROOT, 'snippets', 'catalog')).flatMap((f) => JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets', 'catalog', f), 'utf8')).concepts);
    for (const fw of FRAMEWORKS) {
      const snippets = JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets', 'snippets', `${fw}.code-snippets`), 'utf8')) as Record<string, { prefix: string; body: string[] }>;
      const expected = catalog.filter((c) => c.frameworks[fw].exists).length;
      expect(Object.keys(snippets)).toHaveLength(expected);
      const prefixes = Object.values(snippets).map((s) => s.prefix);
      expect(new Set(prefixes).size).toBe(prefixes.length);
      for (const [name, s] of Object.entries(snippets)) {
        // Expand as VS Code would: this catalog uses no tab stops, so only escapes need undoing.
        const text = s.body.map((l) => l.replace(/\\([$}\\])/g, '$1')).join('\n') + '\n';
        expect(/(^|[^\\])\$/.test(s.body.join('\n')), `${name}: unescaped $`).toBe(false);
        expect(syntaxErrorCount(text), name).toBe(0);
      }
    }
  });
});
