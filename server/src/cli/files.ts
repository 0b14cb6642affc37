/** Collect the Python files under the given paths (skipping VCS, virtualenv and build folders). */
import * as fs from 'node:fs';
import * as path from 'node:path';

const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache', '.pytest_cache', 'site-packages', 'build', 'dist', '.eggs']);

export function collectPythonFiles(inputs: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const visit = (p: string, explicit: boolean) => {
    let st: fs.Stats;
    try { st = fs.statSync(p); } catch { if (explicit) missing.push(p); return; }
    if (st.isDirectory()) {
      if (!explicit && SKIP_DIRS.has(path.basename(p))) return;
      let entries: string[] = [];
      try { entries = fs.readdirSync(p).sort(); } catch { return; }
      for (const e of entries) visit(path.join(p, e), false);
    } else if (st.isFile() && (explicit || /\.pyi?$/.test(p))) {
      files.push(p);
    }
  };
  for (const i of inputs) visit(i, true);
  return { files, missing };
}
