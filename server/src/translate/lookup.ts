/**
 * Which catalog idiom is at a position: the API name under the cursor (resolved through the file's
 * imports, or a method spelling like `x.sum` on a tensor), or the innermost idiom call around it.
 */
import type { SyntaxNode as Node } from '../parse/mirror';
import type { FrameworkKey, LoadedConcept } from '../catalog/types';
import { frameworkOfApi } from '../catalog/index';
import type { Translator } from './translator';

export interface IdiomAt {
  concept: LoadedConcept;
  /** The framework the code under the cursor is written in. */
  framework: FrameworkKey;
  /** The qualified API name (or `Tensor.method`) under the cursor. */
  api: string;
  /** The node the result is about (for a hover range). */
  node: Node;
  /** The call, when the idiom is a call the translator matched. */
  call?: Node;
  /** Other concepts the same API belongs to. */
  others: LoadedConcept[];
}

function tokenAt(root: Node, offset: number): Node | undefined {
  const at = root.namedDescendantForIndex(offset, offset);
  if (at && (at.type === 'identifier' || at.type === 'attribute')) return at;
  if (offset > 0) {
    const before = root.namedDescendantForIndex(offset - 1, offset - 1);
    if (before && before.type === 'identifier') return before;
  }
  return at ?? undefined;
}

/** The API under the cursor (a name, not just anywhere inside a call). */
export function apiAt(translator: Translator, offset: number): IdiomAt | undefined {
  const root = translator.facts.root;
  const token = tokenAt(root, offset);
  if (!token) return undefined;
  const catalog = translator.catalog;
  for (let n: Node | null = token; n && (n.type === 'identifier' || n.type === 'attribute'); n = n.parent) {
    const q = translator.facts.qualifiedName(n);
    if (q) {
      const hits = catalog.apiHits(q);
      if (hits.length) {
        const concepts = [...new Set(hits.map((h) => h.concept))];
        const parent = n.parent;
        const call = parent?.type === 'call' && parent.childForFieldName('function')?.id === n.id ? parent : undefined;
        return { concept: hits[0].concept, framework: hits[0].framework, api: q, node: n, call, others: concepts.slice(1) };
      }
      continue;
    }
    // Method spelling: `x.sum(…)` with the cursor on `sum`.
    if (n.type === 'attribute') {
      const parent = n.parent;
      if (parent?.type === 'call' && parent.childForFieldName('function')?.id === n.id) {
        const m = translator.match(parent);
        if (m?.receiver) {
          const attr = n.childForFieldName('attribute');
          if (attr && offset >= attr.startIndex && offset <= attr.endIndex) {
            return { concept: m.form.concept, framework: m.form.framework, api: `${m.form.fn} (method ${m.form.call.method})`, node: attr, call: parent, others: [] };
          }
        }
      }
      return undefined;
    }
  }
  return undefined;
}

/** The innermost call around `offset` that is a catalog idiom (for code actions anywhere in the call). */
export function idiomCallAt(translator: Translator, offset: number, endOffset = offset): IdiomAt | undefined {
  const root = translator.facts.root;
  for (let n: Node | null = root.namedDescendantForIndex(offset, endOffset); n; n = n.parent) {
    if (n.type !== 'call') continue;
    const m = translator.match(n);
    if (!m) continue;
    const api = m.receiver ? `${m.form.fn} (method ${m.form.call.method})` : translator.facts.callee(n) ?? m.form.fn;
    return { concept: m.form.concept, framework: m.form.framework, api, node: n, call: n, others: [] };
  }
  return undefined;
}

/** The idiom for a code action or a panel request: the API under the cursor, else the call around it. */
export function idiomAt(translator: Translator, offset: number, endOffset = offset): IdiomAt | undefined {
  const api = apiAt(translator, offset);
  if (api) return api;
  return idiomCallAt(translator, offset, endOffset);
}

export { frameworkOfApi };
