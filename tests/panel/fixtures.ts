/** Shared test data for the panel tests: the real catalog and a hostile concept. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Concept } from '../../client/src/panel/protocol';

export const REPO = path.resolve(__dirname, '..', '..');

/** Every concept of snippets/catalog/*.json, as the server would send it. */
export function catalogConcepts(): Concept[] {
  const dir = path.join(REPO, 'snippets', 'catalog');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { concepts: Concept[] }).concepts);
}

export function conceptById(id: string): Concept {
  const c = catalogConcepts().find((x) => x.id === id);
  if (!c) throw new Error(`no concept ${id}`);
  return c;
}

export const PAYLOAD = '</script><img src=x onerror=alert(1)>';

/** A concept whose every text field carries PAYLOAD (and a few more attempts). */
export function hostileConcept(): Concept {
  const form = (name: string) => ({
    exists: true,
    apis: [`${name}.api`, `x${PAYLOAD}`],
    snippet: `import ${name}\n# ${PAYLOAD}\ns = "${PAYLOAD}"\n${PAYLOAD}\n`,
    docs: `https://evil.example/"><script>alert(2)</script>`,
    notes: [`note ${PAYLOAD}`, '<svg onload=alert(3)>', "' onmouseover='alert(4)"],
  });
  return {
    id: 'ops.hostile',
    title: `Title ${PAYLOAD}`,
    summary: `Summary ${PAYLOAD} <iframe src="javascript:alert(5)"></iframe>`,
    frameworks: {
      torch: form('torch'),
      jax: { ...form('jax'), exists: false, nearest: `nearest ${PAYLOAD}` },
      tensorflow: form('tensorflow'),
    },
    args: [
      {
        name: `arg${PAYLOAD}`,
        torch: `dim${PAYLOAD}`,
        jax: null,
        tensorflow: 'axis',
        defaults: { torch: PAYLOAD, tensorflow: null },
        kind: 'value',
        note: `note ${PAYLOAD}`,
      },
    ],
    differences: [`diff ${PAYLOAD}`, '<a href="javascript:alert(6)">x</a>'],
  };
}

/** Resource URIs as a webview served from https://panel.test sees them; cspSource as VS Code gives it. */
export const RENDER_BASE = {
  cspSource: "'self' https://*.vscode-cdn.net",
  scriptUri: 'https://panel.test/dist/panel/panel.js',
  styleUri: 'https://panel.test/media/panel/panel.css',
} as const;
