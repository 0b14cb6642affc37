/**
 * Docs that cannot lie: every registered rule has docs/rules/<CODE>.md with the required sections in
 * order and a title/summary line that agree with the rule's metadata; its "Example" code triggers
 * the rule (analysed with select = [CODE], so rules off by default are on), and its "Use instead"
 * code does not.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES } from '../../server/src/rules/index';
import { ready, check } from '../helpers/analyze';

const DOCS = path.resolve(__dirname, '..', '..', 'docs', 'rules');
const REQUIRED = ['What it does', 'Why is this bad?', 'Example', 'Use instead', 'Fix safety', 'Sources'];

interface Section { heading: string; body: string[] }

/** Level-2 sections of a Markdown page (headings inside fenced code are not headings). */
function sections(markdown: string): Section[] {
  const out: Section[] = [];
  let fence = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const h = !fence && /^##\s+(.*?)\s*#*\s*$/.exec(line);
    if (h && !line.startsWith('###')) out.push({ heading: h[1], body: [] });
    else out.at(-1)?.body.push(line);
  }
  return out;
}

/** The Python code blocks of a section. */
function pythonBlocks(section: Section | undefined): string[] {
  const blocks: string[] = [];
  let current: string[] | undefined;
  for (const line of section?.body ?? []) {
    if (!current && /^\s*```\s*(python|py)\s*$/i.test(line)) current = [];
    else if (current && /^\s*```\s*$/.test(line)) { blocks.push(current.join('\n') + '\n'); current = undefined; }
    else current?.push(line);
  }
  return blocks;
}

beforeAll(ready);

it('the registry has rules to document', () => {
  expect(ALL_RULES.length).toBeGreaterThan(0);
});

describe.each(ALL_RULES.map((r) => [r.meta.code, r] as const))('%s', (code, rule) => {
  const file = path.join(DOCS, `${code}.md`);
  const read = () => {
    expect(fs.existsSync(file), `docs/rules/${code}.md is missing`).toBe(true);
    return sections(fs.readFileSync(file, 'utf8'));
  };

  it('has docs/rules/<CODE>.md with the required sections, in order', () => {
    const headings = read().map((s) => s.heading);
    expect(headings.filter((h) => REQUIRED.includes(h))).toEqual(REQUIRED);
  });

  it('its title and summary line agree with the rule: name, default severity, fix', () => {
    const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
    expect(lines[0]).toBe(`# ${code}: ${rule.meta.name}`);
    const summary = lines.find((l) => l.startsWith('Framework:')) ?? '';
    expect(/Default severity: (\w+)/.exec(summary)?.[1], summary).toBe(rule.meta.defaultSeverity);
    expect(/Fix: (\w+)/.exec(summary)?.[1], summary).toBe(rule.meta.fixable ? 'yes' : 'no');
  });

  it('its Example triggers the rule', () => {
    const blocks = pythonBlocks(read().find((s) => s.heading === 'Example'));
    expect(blocks.length, 'a ```python block under ## Example').toBeGreaterThan(0);
    for (const block of blocks) {
      const found = check(block, [code]).filter((f) => f.code === code);
      expect(found.length, `## Example of ${code} must produce a ${code} finding:\n${block}`).toBeGreaterThan(0);
    }
  });

  it('its Use instead does not', () => {
    const blocks = pythonBlocks(read().find((s) => s.heading === 'Use instead'));
    expect(blocks.length, 'a ```python block under ## Use instead').toBeGreaterThan(0);
    for (const block of blocks) {
      const found = check(block, [code]).filter((f) => f.code === code);
      expect(found.map((f) => `${f.range.start.line + 1}:${f.range.start.character + 1} ${f.message}`), `## Use instead of ${code} must produce no ${code} finding:\n${block}`).toEqual([]);
    }
  });
});
