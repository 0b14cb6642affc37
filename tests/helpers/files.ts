/** The repository's Python files, for tests that run over real code. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/** Every `.py` file under `dir` (node_modules left out), in directory order. */
export function pythonFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'node_modules') pythonFiles(p, out); } else if (e.name.endsWith('.py')) out.push(p);
  }
  return out;
}
