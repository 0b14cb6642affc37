/** Inline suppression: `# framewise: ignore[CODE, CODE2]` or bare `# framewise: ignore` on a line. */
const PATTERN = /#\s*framewise:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?/g;

/** line → suppressed codes ('*' = all). */
export function suppressedCodes(source: string, starts: number[]): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  if (!source.includes('framewise')) return out;
  PATTERN.lastIndex = 0;
  for (let m = PATTERN.exec(source); m; m = PATTERN.exec(source)) {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid] <= m.index) lo = mid; else hi = mid - 1; }
    const codes = out.get(lo) ?? new Set<string>();
    if (m[1] === undefined) codes.add('*');
    else for (const c of m[1].split(',')) if (c.trim()) codes.add(c.trim().toUpperCase());
    out.set(lo, codes);
  }
  return out;
}
