/**
 * Shared logic of JAX001 and TF001: Python side effects inside a traced function run once, at trace
 * time, not on every call.
 */
import type { SyntaxNode as Node } from '../../parse/mirror';
import type { CallFilter, Fix, RuleContext, Visitor } from '../types';
import type { Container, Facts, TraceKind } from '../../resolve/facts';
import { argumentNodes, calledName, isBuiltinCall, isLocalTo, methodCall } from '../util';

const MUTATORS = new Set(['append', 'extend', 'insert', 'pop', 'popitem', 'remove', 'clear', 'add', 'discard', 'setdefault', 'update', 'appendleft']);

/** The calls the side-effect visitor reports on: print/input/open, and mutating methods. */
export const SIDE_EFFECT_CALLS: CallFilter = { names: ['print', 'input', 'open'], methods: MUTATORS };
const CONTAINER_VALUES = new Set(['list', 'dictionary', 'set', 'list_comprehension', 'dictionary_comprehension', 'set_comprehension']);
const CONTAINER_CALLS = new Set(['list', 'dict', 'set', 'deque', 'defaultdict', 'OrderedDict', 'Counter']);

export interface SideEffectOptions {
  kind: TraceKind;
  /** e.g. "jax.jit-traced function" / "tf.function" */
  label: string;
  printFix: (ctx: RuleContext, call: Node) => Fix | undefined;
  printAdvice: string;
}

/** Is `name` a list/dict/set bound outside the traced function `fnIndex` (module or enclosing scope)? */
function isOuterContainer(name: string, fnIndex: number, ctx: RuleContext): boolean {
  const { facts } = ctx;
  if (isLocalTo(name, fnIndex, facts)) return false;
  // The last plain write outside the function (a backward search: it is usually near the end).
  const list = facts.assignments.get(name) ?? [];
  let a: (typeof list)[number] | undefined;
  for (let i = list.length - 1; i >= 0 && !a; i--) if (list[i].scope !== fnIndex && !list[i].augmented) a = list[i];
  if (!a) return false;
  if (CONTAINER_VALUES.has(a.value.type)) return true;
  if (a.value.type === 'call') {
    const simple = calledName(a.value);
    return !!simple && CONTAINER_CALLS.has(simple);
  }
  return false;
}

export function sideEffectVisitor(ctx: RuleContext, o: SideEffectOptions): Visitor {
  const { facts } = ctx;
  function reportGlobal(node: Node, word: string): void {
    const scope = facts.tracedScope(node, o.kind);
    if (!scope) return;
    const written = node.namedChildren.filter((n) => n?.type === 'identifier' && facts.writesIn(n.text, scope).length > 0);
    if (written.length === 0) return;
    ctx.report(node, `\`${word} ${written.map((n) => n!.text).join(', ')}\` is written inside a ${o.label}: the write happens once while tracing, not on every call. Return the new value instead.`);
  }
  return {
    call(node) {
      const scope = facts.tracedScope(node, o.kind);
      if (!scope) return;
      const fn = node.childForFieldName('function')!;
      if (isBuiltinCall(node, 'print', facts)) {
        // Printing only literals or static metadata (shape/dtype/ndim, static args) is the documented way to see
        // when a trace happens: not a bug.
        if (printsOnlyStatic(node, scope, facts)) return;
        ctx.report(fn, `print() inside a ${o.label} runs once while tracing, not on every call, and shows tracers instead of values. ${o.printAdvice}`, o.printFix(ctx, node));
        return;
      }
      if (isBuiltinCall(node, 'input', facts) || isBuiltinCall(node, 'open', facts)) {
        ctx.report(fn, `${fn.text}() inside a ${o.label} runs once while tracing, not on every call; do the I/O outside the traced function.`);
        return;
      }
      const m = methodCall(node);
      if (m && MUTATORS.has(m.method) && m.receiver.type === 'identifier' && isOuterContainer(m.receiver.text, scope.index, ctx)) {
        ctx.report(node, `\`${m.receiver.text}.${m.method}(…)\` mutates an object defined outside the ${o.label}: it happens once while tracing, not on every call. Return the value instead.`);
      }
    },
    assignment(node) {
      const scope = facts.tracedScope(node, o.kind);
      if (!scope) return;
      const left = node.childForFieldName('left');
      const obj = left?.type === 'subscript' ? left.childForFieldName('value') : null;
      if (obj?.type === 'identifier' && isOuterContainer(obj.text, scope.index, ctx)) {
        ctx.report(left!, `Writing into \`${obj.text}\`, defined outside the ${o.label}, happens once while tracing, not on every call. Return the value instead.`);
      }
    },
    global_statement(node) { reportGlobal(node, 'global'); },
    nonlocal_statement(node) { reportGlobal(node, 'nonlocal'); },
  };
}

const STATIC_ATTRS = new Set(['shape', 'dtype', 'ndim', 'size', 'aval', 'weak_type', 'sharding']);
/** Calls that return trace-time type/sharding information, never a traced value. */
const STATIC_CALLS = new Set(['jax.typeof', 'jax.sharding.get_abstract_mesh']);
const LITERALS = new Set(['integer', 'float', 'true', 'false', 'none']);

function isStaticExpr(node: Node, scope: Container, facts: Facts): boolean {
  if (LITERALS.has(node.type)) return true;
  if (node.type === 'keyword_argument') return true; // sep=/end=/file=
  if (node.type === 'attribute') return STATIC_ATTRS.has(node.childForFieldName('attribute')?.text ?? '');
  if (node.type === 'identifier') return !!scope.staticParams?.has(node.text);
  if (node.type === 'call') {
    const f = node.childForFieldName('function');
    if (f?.type === 'identifier' && (f.text === 'len' || f.text === 'type')) return true;
    const q = facts.callee(node);
    if (q && STATIC_CALLS.has(q)) return true;
  }
  if (node.type === 'string') {
    return node.namedChildren.every((c) => c?.type !== 'interpolation' || isStaticExpr(c.childForFieldName('expression') ?? c, scope, facts));
  }
  return false;
}

function printsOnlyStatic(call: Node, scope: Container, facts: Facts): boolean {
  return argumentNodes(call).every((a) => isStaticExpr(a, scope, facts));
}

/** The arguments of a print() call when a fix can carry them over: no splats and no keyword arguments but those allowed. */
export function printArgs(call: Node, allowedKeywords: string[] = []): Node[] | undefined {
  const args = argumentNodes(call);
  for (const a of args) {
    if (a.type === 'list_splat' || a.type === 'dictionary_splat' || a.type === 'parenthesized_list_splat') return undefined;
    if (a.type === 'keyword_argument' && !allowedKeywords.includes(a.childForFieldName('name')?.text ?? '')) return undefined;
  }
  return args;
}
