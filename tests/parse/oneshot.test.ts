/**
 * One-shot analyses (the CLI's, engine.ts) write each file's columns, the tree's and the facts',
 * into the buffers the last file's analysis left. Held here to analyses that start from new buffers,
 * file after file of different sizes, broken or not, so that nothing of one file shows in the next.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ready } from '../helpers/analyze';
import { ROOT, pythonFiles } from '../helpers/files';
import { generateFile } from '../../scripts/bench/generate.mjs';
import { createParser, parserText } from '../../server/src/parse/parser';
import { SyntaxTree } from '../../server/src/parse/mirror';
import { analyzeSyntax } from '../../server/src/analyze';
import { analyzeTextSync, oneShotSpareBytes } from '../../server/src/engine';
import { lineStarts } from '../../server/src/parse/lines';

beforeAll(ready);

const ALL = { select: ['ALL'] };

/** The findings of an analysis whose columns are all new. */
function fresh(text: string) {
  const parser = createParser();
  const tree = parser.parse(parserText(text))!;
  try {
    return analyzeSyntax(new SyntaxTree(tree, text, undefined, lineStarts(text)), text, ALL).findings;
  } finally {
    tree.delete();
    parser.delete();
  }
}

describe('one-shot analyses in a row', () => {
  it('give, file after file, what an analysis with new buffers gives', () => {
    const samples = pythonFiles(path.join(ROOT, 'samples')).map((f) => fs.readFileSync(f, 'utf8'));
    const big = generateFile(3000, 5);
    const texts = [big, ...samples, '', big.slice(0, big.length >> 1), 'import torch\nx = torch.sum(t, dim=\nclass A(:\n', big, samples[0], generateFile(800, 9)];
    let reused = 0;
    for (const [k, text] of texts.entries()) {
      const kept = oneShotSpareBytes();
      const got = analyzeTextSync(text, ALL).findings;
      expect(got, `file ${k}`).toEqual(fresh(text));
      if (kept > 0) reused++;
    }
    expect(reused).toBeGreaterThanOrEqual(texts.length - 1);
    // The last analysis left its buffers for the next.
    expect(oneShotSpareBytes()).toBeGreaterThan(0);
  });
});
