/** Test helpers: analyse a snippet, apply fixes, read fixture expectations. */
import { initParser, createParser } from '../../server/src/parse/parser';
import { analyzeTextSync } from '../../server/src/engine';
import type { Finding, TextEdit } from '../../server/src/rules/types';
import type { Settings } from '../../server/src/config/settings';
import { lineStarts, offsetAt } from '../../server/src/parse/document';
import { syntaxErrors } from '../../server/src/parse/syntax';

export async function ready(): Promise<void> {
  await initParser();
}

/** Findings for `source` with only `codes` enabled (all rules when omitted). */
export function check(source: string, codes?: string[], settings: Settings = {}): Finding[] {
  return analyzeTextSync(source, { ...settings, select: codes ?? ['ALL'] }).findings;
}

export function codesOf(findings: Finding[]): string[] {
  return findings.map((f) => f.code);
}

/** Apply edits (non-overlapping) to text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const starts = lineStarts(text);
  const withOffsets = edits.map((e) => ({ s: offsetAt(starts, text, e.range.start), e: offsetAt(starts, text, e.range.end), t: e.newText }));
  withOffsets.sort((a, b) => b.s - a.s || b.e - a.e);
  let out = text;
  let lastStart = Infinity;
  for (const w of withOffsets) {
    if (w.e > lastStart) continue; // overlapping: skip, as an editor would refuse it
    out = out.slice(0, w.s) + w.t + out.slice(w.e);
    lastStart = w.s;
  }
  return out;
}

/** Apply every fix once; import edits that are identical are applied once. */
export function applyAllFixes(text: string, findings: Finding[]): string {
  const seen = new Set<string>();
  const edits: TextEdit[] = [];
  for (const f of findings) {
    for (const e of f.fix?.edits ?? []) {
      const key = JSON.stringify(e);
      if (seen.has(key)) continue;
      seen.add(key);
      edits.push(e);
    }
  }
  return applyEdits(text, edits);
}

/** Number of ERROR / MISSING nodes in the parse of `text`. */
export function syntaxErrorCount(text: string): number {
  const parser = createParser();
  const tree = parser.parse(text)!;
  try {
    return syntaxErrors(tree);
  } finally {
    tree.delete();
    parser.delete();
  }
}

export interface Expected { line: number; start: number; end: number; code: string }

/**
 * Expectations written under the code: a comment line `  # ^^^^ CODE` marks, with the carets' own
 * columns, the range on the nearest code line above it (so the `#` goes two columns left of the
 * code). `# <- CODE` marks a finding starting at column 0 of the line above (end not checked).
 * Marker lines are removed from the analysed text; line numbers refer to the text without them.
 */
export function parseExpectations(source: string): { expected: Expected[]; stripped: string } {
  const lines = source.split('\n');
  const expected: Expected[] = [];
  let lastCode = -1;
  const keep: string[] = [];
  for (const line of lines) {
    // Markers sit under the code line they describe; the analysed text does not contain them.
    const at0 = /^#\s*<-\s+([A-Z]+\d{3})\s*$/.exec(line);
    if (at0 && lastCode >= 0) {
      expected.push({ line: lastCode, start: 0, end: -1, code: at0[1] });
      continue;
    }
    const m = /^(\s*#\s*?)(\s*)(\^+)\s+([A-Z]+\d{3})\s*$/.exec(line);
    if (m && lastCode >= 0) {
      const start = line.indexOf('^');
      expected.push({ line: lastCode, start, end: start + m[3].length, code: m[4] });
      continue; // marker lines are removed from the analysed text
    }
    keep.push(line);
    if (line.trim() !== '' && !/^\s*#/.test(line)) lastCode = keep.length - 1;
  }
  return { expected, stripped: keep.join('\n') };
}
