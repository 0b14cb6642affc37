/**
 * Whole-tree helpers that are safe on any tree: iterative (no recursion, so 100k-deep nesting is fine)
 * and careful with web-tree-sitter's native handles.
 *
 * A `TreeCursor` must be deleted explicitly. web-tree-sitter registers every cursor with a
 * FinalizationRegistry whose callback frees "the cursor in the shared transfer buffer", not the
 * collected one: a cursor left to the garbage collector frees whatever another cursor last put there,
 * which corrupts the WASM heap ("memory access out of bounds" in a later, unrelated parse). So every
 * cursor in Framewise is created here and deleted in a `finally`.
 */
import { Query, type Node, type Tree } from 'web-tree-sitter';
import { getLanguage } from './parser';

/** Visit every node under `root` (itself included) in pre-order. `visit` returns false to skip a node's children. */
export function preorder(root: Node, visit: (node: Node) => boolean | void): void {
  const cursor = root.walk();
  try {
    for (;;) {
      if (visit(cursor.currentNode) !== false && cursor.gotoFirstChild()) continue;
      for (;;) {
        if (cursor.gotoNextSibling()) break;
        if (!cursor.gotoParent()) return;
      }
    }
  } finally {
    cursor.delete();
  }
}

let errorQuery: Query | undefined;

/** ERROR and MISSING nodes in a tree: what "parses no worse" compares before and after an edit. */
export function syntaxErrors(tree: Tree): number {
  if (!tree.rootNode.hasError) return 0;
  errorQuery ??= new Query(getLanguage(), '(ERROR) @error (MISSING) @missing');
  return errorQuery.captures(tree.rootNode).length;
}
