/**
 * Fixture tests: every `tests/rules/fixtures/<CODE>.py` is analysed with only <CODE> enabled (plus any
 * codes named in a `# framewise-test: select=A,B` first line). Expected findings are written under
 * the code with `# ^^^ CODE` markers; lines without markers must stay clean (near-misses). When
 * `<CODE>.fixed.py` exists beside it, applying every fix must produce exactly that file.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ready, check, parseExpectations, applyAllFixes, syntaxErrorCount } from '../helpers/analyze';

const dir = path.join(__dirname, 'fixtures');
const fixtures = fs.readdirSync(dir).filter((f) => f.endsWith('.py') && !f.endsWith('.fixed.py')).sort();

beforeAll(ready);

describe.each(fixtures)('%s', (file) => {
  const source = fs.readFileSync(path.join(dir, file), 'utf8');
  const code = file.replace(/(\..*)?\.py$/, '').split('.')[0];
  const header = /^# framewise-test: select=([A-Z0-9,]+)/.exec(source);
  const codes = header ? header[1].split(',') : [code];
  const { expected, stripped } = parseExpectations(source);

  it('reports exactly the marked findings', () => {
    const findings = check(stripped, codes);
    const actual = findings.map((f) => ({ line: f.range.start.line, start: f.range.start.character, end: f.range.start.line === f.range.end.line ? f.range.end.character : f.range.start.character + 1, code: f.code }));
    const fmt = (e: { line: number; start: number; end: number; code: string }) => `${e.code} ${e.line + 1}:${e.start}-${e.end}`;
    // Markers may cover only the first line of a multi-line finding: compare start, and end where single-line.
    const norm = (list: typeof actual, src: typeof expected) => list.map((a) => {
      const m = src.find((e) => e.line === a.line && e.start === a.start && e.code === a.code);
      // end -1: not checked (`# <- CODE`); a multi-line finding is checked on its first line only.
      return fmt(m && (m.end === -1 || a.end === a.start + 1) ? { ...a, end: m.end } : a);
    }).sort();
    expect(norm(actual, expected)).toEqual(expected.map(fmt).sort());
    expect(expected.length, 'a fixture must have at least one must-fire case').toBeGreaterThan(0);
  });

  const fixedPath = path.join(dir, file.replace(/\.py$/, '.fixed.py'));
  if (fs.existsSync(fixedPath)) {
    it('fixes to the expected file, without new syntax errors', () => {
      const findings = check(stripped, codes);
      const fixed = applyAllFixes(stripped, findings);
      expect(fixed).toBe(fs.readFileSync(fixedPath, 'utf8'));
      expect(syntaxErrorCount(fixed)).toBeLessThanOrEqual(syntaxErrorCount(stripped));
    });
  }
});
