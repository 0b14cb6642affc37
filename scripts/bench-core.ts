/**
 * The analysis core as one in-process bundle for scripts/bench.mjs (bundled by it with esbuild into
 * .tmp/bench-core.cjs). Re-exports what the benchmarks drive and adds two probes that split analysis
 * time into its phases (the mirror walk, facts) without changing the core.
 */
import type { Tree } from 'web-tree-sitter';
import { MirrorCache, SyntaxTree } from '../server/src/parse/mirror';
import { initParser, createParser, getLanguage, safeParse } from '../server/src/parse/parser';
import { PythonDocument, lineStarts, positionAt } from '../server/src/parse/document';
import { analyzeSyntax, analyzeTree, enabledRules } from '../server/src/analyze';
import { analyzeTextSync } from '../server/src/engine';
import { IncrementalAnalysis } from '../server/src/incremental';
import { Facts, FACT_NODE_TYPES } from '../server/src/resolve/facts';
import { memoryWalkAvailable } from '../server/src/parse/syntax';
import { ALL_RULES } from '../server/src/rules/index';
import type { Settings } from '../server/src/config/settings';
export { SERVER_NODE_ARGS } from '../client/src/serverArgs';

export { memoryWalkAvailable, IncrementalAnalysis, MirrorCache, getLanguage, initParser, createParser, safeParse, PythonDocument, lineStarts, positionAt, analyzeSyntax, analyzeTree, analyzeTextSync, ALL_RULES };

export const SELECT_ALL: Settings = { select: ['ALL'] };

/** Mirror the tree alone (the one walk that reads the tree out of WASM); returns the node count. */
export function mirrorOnly(tree: Tree, source: string): number {
  return new SyntaxTree(tree, source).count;
}

/** The mirror of a tree, as the analysis makes it. */
export function mirrorOf(tree: Tree, source: string): SyntaxTree {
  return new SyntaxTree(tree, source);
}

/** Mirror + facts, no rules. */
export function factsOnly(tree: Tree, source: string): Facts {
  const syntax = new SyntaxTree(tree, source);
  const facts = new Facts(syntax.rootNode, source);
  facts.build(syntax.numbersOfTypes(FACT_NODE_TYPES));
  return facts;
}

export function ruleCount(): number {
  return enabledRules(SELECT_ALL).length;
}
