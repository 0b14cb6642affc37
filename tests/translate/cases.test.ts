/**
 * The translation case table (cases.json): hand-written behaviour cases and one case per catalog
 * concept and direction. Each case's source is translated and compared with the expected text,
 * which must itself parse without errors.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../../server/src/parse/parser';
import { translateSourceSync } from '../../server/src/translate/document';
import { translationCoverage } from '../../server/src/translate/coverage';
import { syntaxErrorCount } from '../helpers/analyze';
import { catalogCases, type Case } from './catalogCases';
import { createParser } from '../../server/src/parse/parser';
import { buildFacts } from '../../server/src/translate/translator';
import { getCatalog } from '../../server/src/catalog/index';

const FILE = path.join(__dirname, 'cases.json');
const UPDATE = process.env.FRAMEWISE_UPDATE_CASES === '1';

function load(): Case[] {
  return JSON.parse(fs.readFileSync(FILE, 'utf8')) as Case[];
}

beforeAll(async () => {
  await initParser();
  if (!UPDATE) return;
  const handwritten = load().filter((c) => !c.concept).map((c) => ({ ...c, expected: translateSourceSync(c.source, c.to, { line: c.line }).text }));
  fs.writeFileSync(FILE, JSON.stringify([...handwritten, ...catalogCases()], null, 2) + '\n');
});

const cases = load();

describe('translation cases', () => {
  it('has at least 100 cases, unique names', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = translateSourceSync(c.source, c.to, { line: c.line });
    expect(r.text).toBe(c.expected);
    expect(syntaxErrorCount(c.expected)).toBe(0);
    expect(r.errorsAfter).toBeLessThanOrEqual(r.errorsBefore);
  });

  it('names the target API so that it resolves through the imports of the result', () => {
    const parser = createParser();
    const bad: string[] = [];
    for (const c of cases) {
      if (!c.concept || c.expected === c.source) continue;
      const call = getCatalog().get(c.concept)!.frameworks[c.to].call;
      if (!call) continue;
      const tree = parser.parse(c.expected)!;
      const facts = buildFacts(tree, c.expected);
      const resolved = facts.calls.some((n) => facts.callee(n) === call.fn) ||
        (!!call.method && facts.calls.some((n) => n.childForFieldName('function')?.childForFieldName('attribute')?.text === call.method));
      if (!resolved && !/^# framewise: .*not translated/m.test(c.expected)) bad.push(`${c.name}: no call resolves to ${call.fn}`);
      tree.delete();
    }
    parser.delete();
    expect(bad).toEqual([]);
  });

  it('covers every concept the catalog can translate, in each of the six directions', () => {
    const coverage = translationCoverage();
    const have = new Set(cases.filter((c) => c.concept).map((c) => `${c.concept}:${c.from}->${c.to}`));
    const missing: string[] = [];
    for (const dir of Object.values(coverage)) {
      for (const id of dir.translated) if (!have.has(`${id}:${dir.from}->${dir.to}`)) missing.push(`${id}: ${dir.from} -> ${dir.to}`);
    }
    expect(missing).toEqual([]);
  });
});
