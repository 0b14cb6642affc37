/**
 * `Rule.requires`: the analysis skips a rule in a file that imports none of its packages, which is
 * right only if the rule would have reported nothing there anyway. Checked on every fixture of each
 * such rule: with the import statements of those packages taken out (replaced by `pass`), the rule —
 * run without its `requires`, so that it really looks — reports nothing. Each fixture also keeps its
 * findings with the imports in, so that the check can fail.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ready, parseExpectations } from '../helpers/analyze';
import { createParser } from '../../server/src/parse/parser';
import { preorder } from '../../server/src/parse/syntax';
import { analyzeTree } from '../../server/src/analyze';
import { ALL_RULES } from '../../server/src/rules/index';
import type { Rule } from '../../server/src/rules/types';

const dir = path.join(__dirname, 'fixtures');
const samples = path.join(__dirname, '..', '..', 'samples');
const gated = ALL_RULES.filter((r) => r.requires);

beforeAll(ready);

/** The findings of `rule` alone on `source`, with or without its `requires`. */
function findings(source: string, rule: Rule, gate: boolean): string[] {
  const parser = createParser();
  const tree = parser.parse(source)!;
  try {
    const run: Rule = gate ? rule : { ...rule, requires: undefined };
    return analyzeTree(tree, source, { select: [rule.meta.code] }, [run]).findings.map((f) => `${f.code} ${f.range.start.line + 1}:${f.range.start.character}`);
  } finally {
    tree.delete();
    parser.delete();
  }
}

/** `source` with every import statement naming one of `packages` replaced by `pass`, and how many were. */
function withoutImports(source: string, packages: readonly string[]): { text: string; removed: number } {
  const parser = createParser();
  const tree = parser.parse(source)!;
  const spans: Array<[number, number]> = [];
  try {
    preorder(tree.rootNode, (n) => {
      if (n.type !== 'import_statement' && n.type !== 'import_from_statement') return true;
      const names = n.type === 'import_statement'
        ? n.namedChildren.map((c) => (c!.type === 'aliased_import' ? c!.childForFieldName('name') : c)?.text ?? '')
        : [n.childForFieldName('module_name')?.text ?? ''];
      if (names.some((m) => packages.includes(m.split('.')[0].trim()))) spans.push([n.startIndex, n.endIndex]);
      return false;
    });
  } finally {
    tree.delete();
    parser.delete();
  }
  let text = source;
  for (const [s, e] of spans.reverse()) text = text.slice(0, s) + 'pass' + text.slice(e);
  return { text, removed: spans.length };
}

describe('rules that need a package imported', () => {
  it('are the framework rules but PT002, which reports `require_grad=` whatever the file imports', () => {
    expect(ALL_RULES.filter((r) => !r.requires).map((r) => r.meta.code)).toEqual(['PORT001', 'PORT002', 'PT002']);
  });

  describe.each(gated.map((r) => [r.meta.code, r] as const))('%s', (code, rule) => {
    const files = [
      ...fs.readdirSync(dir).filter((f) => f.startsWith(code) && f.endsWith('.py')).map((f) => path.join(dir, f)),
      ...fs.readdirSync(samples).filter((f) => f.endsWith('.py')).map((f) => path.join(samples, f)),
    ];
    it('reports nothing in its fixtures and the samples once their imports of those packages are gone', () => {
      let checked = 0;
      for (const file of files) {
        const source = parseExpectations(fs.readFileSync(file, 'utf8')).stripped;
        const before = findings(source, rule, false);
        // With the imports in, the gate changes nothing.
        expect(findings(source, rule, true), file).toEqual(before);
        const { text, removed } = withoutImports(source, rule.requires!);
        if (removed === 0) continue;
        if (before.length > 0) checked++;
        expect(findings(text, rule, false), `${path.basename(file)} without its imports of ${rule.requires!.join(', ')}`).toEqual([]);
      }
      // At least one file where the rule reported something lost its imports: the check could fail.
      expect(checked).toBeGreaterThan(0);
    });
  });
});
