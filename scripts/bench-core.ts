/**
 * The analysis core as one in-process bundle for scripts/bench.mjs (bundled by it with esbuild into
 * .tmp/bench-core.cjs). Re-exports what the benchmarks drive and adds two probes that split analysis
 * time into its phases without changing the core.
 */
import { Query, type Tree } from 'web-tree-sitter';
import { initParser, createParser, getLanguage, safeParse } from '../server/src/parse/parser';
import { PythonDocument, lineStarts, positionAt } from '../server/src/parse/document';
import { analyzeTree, enabledRules } from '../server/src/analyze';
import { analyzeTextSync } from '../server/src/engine';
import { Facts, FACT_NODE_TYPES } from '../server/src/resolve/facts';
import { ALL_RULES } from '../server/src/rules/index';
import type { Settings } from '../server/src/config/settings';

export { Query, getLanguage, initParser, createParser, safeParse, PythonDocument, lineStarts, positionAt, analyzeTree, analyzeTextSync, ALL_RULES };

export const SELECT_ALL: Settings = { select: ['ALL'] };

let captureQuery: Query | undefined;

/** The node types the single analysis query captures with every rule enabled. */
export function capturedTypes(): string[] {
  const types = new Set(FACT_NODE_TYPES);
  // Visitor keys are known only from a rule's create(); a throwaway context is enough to list them.
  const ctx = { facts: {} as Facts, source: '', report() {}, range: () => ({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }), nameFor: () => ({ text: '', edits: [] }) };
  for (const r of enabledRules(SELECT_ALL)) {
    try { for (const k of Object.keys(r.create(ctx as never))) if (k !== 'exit') types.add(k); } catch { /* a rule that reads facts eagerly: skip */ }
  }
  return [...types].sort();
}

/** Run the capture query alone (the part of analysis that runs inside WASM). */
export function queryOnly(tree: Tree): number {
  captureQuery ??= new Query(getLanguage(), capturedTypes().map((t) => `(${t}) @${t}`).join('\n'));
  return captureQuery.captures(tree.rootNode).length;
}

/** Query + facts, no rules. */
export function factsOnly(tree: Tree, source: string): Facts {
  captureQuery ??= new Query(getLanguage(), capturedTypes().map((t) => `(${t}) @${t}`).join('\n'));
  const facts = new Facts(tree.rootNode, source);
  facts.build(captureQuery.captures(tree.rootNode));
  return facts;
}

export function ruleCount(): number {
  return enabledRules(SELECT_ALL).length;
}
