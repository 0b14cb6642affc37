/** Small node helpers shared by rules. */
import type { SyntaxNode as Node, SyntaxTree } from '../parse/mirror';
import type { Facts } from '../resolve/facts';

/** For `recv.method(...)`: the method name and receiver; undefined for other calls. */
export function methodCall(call: Node): { method: string; receiver: Node } | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute') return undefined;
  const attr = fn.childForFieldName('attribute');
  const recv = fn.childForFieldName('object');
  return attr && recv ? { method: attr.text, receiver: recv } : undefined;
}

/** The name a call is made by: `f` for `f(…)`, `m` for `x.m(…)` (undefined for `f()(…)`, `x[0](…)`…). */
export function calledName(call: Node): string | undefined {
  const n = calledNameNode(call.tree, call.id);
  return n < 0 ? undefined : call.tree.textOf(n);
}

/**
 * The number of the node that names call `call`: its function for `f(…)`, the attribute for `x.m(…)`
 * (a method call: the node's parent is not the call); -1 otherwise. From the columns, without node
 * objects: several rules and the call index ask it of every call.
 */
export function calledNameNode(t: SyntaxTree, call: number): number {
  const fn = t.fieldChild(call, 'function');
  if (fn < 0) return -1;
  const type = t.typeOf(fn);
  if (type === 'identifier') return fn;
  return type === 'attribute' ? t.fieldChild(fn, 'attribute') : -1;
}

/** A call to the builtin `name` (not shadowed by an import, def or module-level assignment). */
export function isBuiltinCall(call: Node, name: string, facts: Facts): boolean {
  const fn = call.childForFieldName('function');
  return fn?.type === 'identifier' && fn.text === name && facts.isBuiltin(name);
}

export function argumentNodes(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list') return [];
  return args.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment');
}

/** The string value of a plain (non-f, non-concatenated) string literal. */
export function stringValue(node: Node | null | undefined): string | undefined {
  if (!node || node.type !== 'string') return undefined;
  const start = node.namedChildren.find((c) => c?.type === 'string_start')?.text ?? '';
  if (/[fF]/.test(start)) return undefined;
  if (node.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
  return node.namedChildren.filter((c) => c?.type === 'string_content').map((c) => c!.text).join('');
}

/**
 * True when the file imports anything from this top-level module (through any alias); with `counts`,
 * only imports whose statement it accepts (star imports always count).
 */
export function importsModule(facts: Facts, top: string, counts?: (importStatement: Node) => boolean): boolean {
  for (const b of facts.imports.bindings.values()) {
    if ((b.qualified === top || b.qualified.startsWith(top + '.')) && (!counts || counts(b.node))) return true;
  }
  return facts.imports.starModules.some((m) => m === top || m.startsWith(top + '.'));
}

/** Nearest ancestor (via parent links) of one of the given types, stopping at function boundaries. */
export function ancestorOfType(node: Node, types: string[], stopAtFunction = true): Node | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (types.includes(p.type)) return p;
    if (stopAtFunction && (p.type === 'function_definition' || p.type === 'lambda')) return undefined;
  }
  return undefined;
}

/** Names bound locally in a function: its parameters and every name assigned in it. */
export function isLocalTo(name: string, fnIndex: number, facts: Facts): boolean {
  const fn = facts.containers[fnIndex];
  if (fn.params?.includes(name)) return true;
  return facts.assignmentsIn(name, fnIndex).length > 0;
}

/**
 * A memo for answers a rule works out from the facts and keeps for the rest of an analysis. A later
 * ask, from another statement, notes again the names making the answer looked up (`Facts.reads`), so
 * that the incremental analysis knows that statement depends on them too.
 */
export function remembered<K, V>(facts: Facts): (key: K, make: () => V) => V {
  const made = new Map<K, { value: V; reads: Set<string> }>();
  return (key, make) => {
    let m = made.get(key);
    if (!m) {
      // Made with no statement in view, so that what it notes holds for any statement that asks.
      const outer = facts.reads;
      const span = facts.readsSpan;
      const reads = new Set<string>();
      facts.reads = reads;
      facts.readsSpan = undefined;
      try {
        m = { value: make(), reads };
      } finally {
        facts.reads = outer;
        facts.readsSpan = span;
      }
      made.set(key, m);
    }
    if (facts.reads) for (const r of m.reads) facts.reads.add(r);
    return m.value;
  };
}

/**
 * An answer whose lookups are not noted in `Facts.reads` (the incremental analysis need not know
 * them: the caller notes what the answer depends on some other way).
 */
export function quietly<T>(facts: Facts, ask: () => T): T {
  const reads = facts.reads;
  facts.reads = undefined;
  try {
    return ask();
  } finally {
    facts.reads = reads;
  }
}
