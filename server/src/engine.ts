/**
 * One-call analysis of a source text, for the CLI and tests: parse, skip what must be skipped,
 * analyse. The language server keeps documents incrementally instead (lsp/), with the same core.
 */
import type { Parser } from 'web-tree-sitter';
import { createParser, initParser } from './parse/parser';
import { PythonDocument, DEFAULT_MAX_FILE_BYTES, type SkipReason } from './parse/document';
import { analyzeSyntax } from './analyze';
import { SyntaxTree } from './parse/mirror';
import type { Finding } from './rules/types';
import type { Settings } from './config/settings';

export interface TextAnalysis {
  findings: Finding[];
  skipped?: SkipReason;
  /** The tree had syntax errors (analysis ran around them). */
  hasSyntaxErrors: boolean;
}

export async function analyzeText(text: string, settings: Settings = {}, uri = 'file:///untitled.py'): Promise<TextAnalysis> {
  await initParser();
  return analyzeTextSync(text, settings, uri);
}

/**
 * The parser of the one-shot analyses (one per thread: each worker of the CLI loads this module
 * anew). Made once: making a parser for each file cost more than analysing a ten-line file.
 */
let oneShotParser: Parser | undefined;

/** Synchronous form: `initParser()` must have completed. */
export function analyzeTextSync(text: string, settings: Settings = {}, uri = 'file:///untitled.py'): TextAnalysis {
  oneShotParser ??= createParser();
  const doc = new PythonDocument(uri, 0, text, settings.maxFileSize ?? DEFAULT_MAX_FILE_BYTES, oneShotParser);
  try {
    const tree = doc.tree;
    if (!tree) return { findings: [], skipped: doc.skipReason, hasSyntaxErrors: false };
    const { findings, skipped } = analyzeSyntax(new SyntaxTree(tree, doc.text, undefined, doc.lineStarts), doc.text, settings);
    return { findings, skipped, hasSyntaxErrors: tree.rootNode.hasError };
  } finally {
    doc.dispose();
  }
}
