/**
 * A request can reach a document before the parser runtime has loaded (a code action sent while the
 * server starts). The document must stay unparsed then, not be marked parsed with no tree: CI once saw
 * a document that never got diagnostics because a code action read its tree during start-up. This file
 * must not load the runtime before its first test.
 */
import { describe, it, expect } from 'vitest';
import { initParser, parserReady } from '../../server/src/parse/parser';
import { PythonDocument } from '../../server/src/parse/document';

describe('a document read before the parser runtime is loaded', () => {
  it('has no tree and no skip reason, and is parsed on the first read after initParser', async () => {
    expect(parserReady()).toBe(false);
    const doc = new PythonDocument('file:///early.py', 1, 'import jax\n\n@jax.jit\ndef f(x):\n    print(x)\n    return x\n');
    try {
      expect(() => doc.tree).not.toThrow();
      expect(doc.tree).toBeUndefined();
      expect(doc.skipReason).toBeUndefined();
      await initParser();
      expect(parserReady()).toBe(true);
      const tree = doc.tree;
      expect(tree?.rootNode.namedChildren.map((n) => n?.type)).toEqual(['import_statement', 'decorated_definition']);
      expect(tree?.rootNode.hasError).toBe(false);
    } finally {
      doc.dispose();
    }
  });
});
