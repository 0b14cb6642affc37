/**
 * One-call analysis of a source text, for the CLI and tests: parse, skip what must be skipped,
 * analyse. The language server keeps documents incrementally instead (lsp/), with the same core.
 */
import type { Parser } from 'web-tree-sitter';
import { createParser, initParser } from './parse/parser';
import { PythonDocument, DEFAULT_MAX_FILE_BYTES, type SkipReason } from './parse/document';
import { analyzeSyntax } from './analyze';
import { SyntaxTree } from './parse/mirror';
import { bufferOf, flatten } from './parse/syntax';
import type { SpareColumns } from './resolve/facts';
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

/**
 * The columns of the last one-shot analysis (the tree's and the facts'), for the next one to write
 * into. Allocated anew for each file, they were 23 MB outside the heap for a 50,000-line file; V8
 * counts such memory and collects early when much of it is allocated ("external memory pressure"):
 * in a loop over that file, a collection of the young generation every third analysis or so, while
 * the analysis's own objects were alive, 20 ms each. Kept up to `MAX_SPARE_BYTES`.
 */
let oneShotSpare: OneShotSpare | undefined;
const MAX_SPARE_BYTES = 64 * 1024 * 1024;

interface OneShotSpare { columns: ArrayBuffer | undefined; facts: SpareColumns }

const spareBytes = (s: OneShotSpare) => (s.columns?.byteLength ?? 0) + s.facts.reduce((n, a) => n + a.byteLength, 0);

/** Bytes of buffers the next one-shot analysis can write into (tests). */
export function oneShotSpareBytes(): number {
  return oneShotSpare ? spareBytes(oneShotSpare) : 0;
}

/** Synchronous form: `initParser()` must have completed. */
export function analyzeTextSync(text: string, settings: Settings = {}, uri = 'file:///untitled.py'): TextAnalysis {
  oneShotParser ??= createParser();
  const doc = new PythonDocument(uri, 0, text, settings.maxFileSize ?? DEFAULT_MAX_FILE_BYTES, oneShotParser);
  try {
    const tree = doc.tree;
    if (!tree) return { findings: [], skipped: doc.skipReason, hasSyntaxErrors: false };
    // The last analysis's buffers, when it left them (see `oneShotSpare`).
    const spare = oneShotSpare;
    oneShotSpare = undefined;
    const syntax = new SyntaxTree(tree, doc.text, flatten(tree, { spare: spare?.columns }), doc.lineStarts);
    const { findings, skipped, facts } = analyzeSyntax(syntax, doc.text, settings, undefined, spare?.facts);
    // Nothing returned reads the tree or the facts (findings are plain data): both are retired (they
    // read as empty from now on, never as the next file) and their buffers kept for the next file.
    const next: OneShotSpare = { columns: bufferOf(syntax.columns), facts: facts.retire() };
    syntax.retire();
    if (spareBytes(next) <= MAX_SPARE_BYTES) oneShotSpare = next;
    return { findings, skipped, hasSyntaxErrors: tree.rootNode.hasError };
  } finally {
    doc.dispose();
  }
}
