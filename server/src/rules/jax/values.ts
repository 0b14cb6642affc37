/**
 * What JAX rules need to know about a value at one place in the code: which binding a name refers to
 * there, whether an expression is traced (derived from a non-static argument of a traced function),
 * and whether it holds a JAX array on the host side. Local expression walks only: no rule walks the tree.
 */
import type { SyntaxNode as Node } from '../../parse/mirror';
import { patternNames, type Assignment, type Container, type Facts } from '../../resolve/facts';
import { quietly } from '../util';

/** Wrappers under which arguments are abstract tracers (no concrete value, so no Python `bool`). */
export const ABSTRACT_WRAPPERS = new Set([
  'jax.jit', 'jax.pmap', 'jax.vmap', 'jax.checkpoint', 'jax.remat', 'jax.lax.scan', 'jax.lax.map', 'jax.lax.fori_loop',
  'jax.lax.while_loop', 'jax.lax.cond', 'jax.lax.switch', 'jax.shard_map', 'jax.experimental.shard_map.shard_map',
  'flax.linen.jit',
]);

/** Array attributes that are array values (every other attribute — shape, dtype, ndim, … — is static or unknown). */
const VALUE_ATTRS = new Set(['T', 'mT', 'real', 'imag']);
/** Functions (numpy or jax.numpy, by last name) that only read static metadata. */
const STATIC_FUNCTIONS = new Set(['shape', 'ndim', 'size', 'dtype', 'result_type', 'iinfo', 'finfo', 'issubdtype', 'isdtype',
  'isscalar', 'promote_types', 'can_cast', 'iscomplexobj', 'isrealobj']);
/** Builtins whose result does not depend on an array's values. */
const STATIC_BUILTINS = new Set(['len', 'isinstance', 'type', 'callable', 'hasattr', 'id', 'getattr', 'repr', 'str']);
/** Builtins whose result is computed from an array argument's values. */
const VALUE_BUILTINS = new Set(['bool', 'abs', 'float', 'int', 'round', 'sum', 'min', 'max', 'pow']);

const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

export type Binding = { kind: 'param'; fn: Container } | { kind: 'assign'; a: Assignment } | { kind: 'comprehension' };

/** Offset from which an assignment's new value is visible (after its right side). */
function effectiveFrom(a: Assignment): number {
  return a.value.endIndex;
}

/**
 * The binding `name` refers to at `node`: the latest assignment before it in the innermost scope that
 * binds the name, else a parameter of that scope; walks outwards through enclosing functions.
 */
export function bindingAt(name: string, node: Node, facts: Facts): Binding | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda') break;
    if (COMPREHENSIONS.has(p.type) && comprehensionBinds(p, name)) return { kind: 'comprehension' };
  }
  for (const scope of facts.ancestors(node)) {
    if (scope.kind !== 'function' && scope.kind !== 'lambda' && scope.kind !== 'module') continue;
    let best: Assignment | undefined;
    let boundHere = false;
    for (const a of facts.assignmentsIn(name, scope.index)) {
      boundHere = true;
      if (effectiveFrom(a) <= node.startIndex && !a.augmented) best = a;
    }
    if (best) return { kind: 'assign', a: best };
    if (scope.params?.includes(name)) return { kind: 'param', fn: scope };
    if (boundHere) return undefined; // bound later in this scope (or only augmented): unknown here
  }
  return undefined;
}

function comprehensionBinds(comp: Node, name: string): boolean {
  for (const c of comp.namedChildren) {
    if (c?.type !== 'for_in_clause') continue;
    const left = c.childForFieldName('left');
    if (left && left.descendantsOfType('identifier').some((id) => id?.text === name)) return true;
  }
  return false;
}

export interface TracedOptions {
  /** Only arguments of functions traced abstractly (jit/vmap/lax bodies; not grad alone). */
  abstractOnly?: boolean;
}

/** Is `fn` a function whose non-static parameters are tracers under these options? */
function tracesParams(fn: Container, o: TracedOptions): boolean {
  if (fn.traced !== 'jax' || !fn.tracedDirect || !fn.tracedBy) return false;
  if (!o.abstractOnly) return true;
  for (const w of fn.tracedBy) if (ABSTRACT_WRAPPERS.has(w)) return true;
  return false;
}

/**
 * `self` of a method under Flax's own (lifted) transformations only (`@nn.jit` on a Linen module's
 * `__call__`): the module is bound, not traced, so `self.has_variable(…)`, `self.is_initializing()`
 * and its attributes are Python values.
 */
function isLiftedModuleSelf(fn: Container, name: string, facts: Facts): boolean {
  if (fn.params?.[0] !== name || facts.containers[fn.parent]?.kind !== 'class' || !fn.tracedBy?.size) return false;
  for (const w of fn.tracedBy) if (!w.startsWith('flax.')) return false;
  return true;
}

/**
 * A parameter with a default value that no call in this file passes: transformations trace only the
 * arguments actually passed, so inside the function it is the plain Python default (static).
 * Call sites: `f(…)` when `f` is decorated, `g(…)` where `g = jax.jit(f, …)`, and `jax.jit(f)(…)`.
 */
function defaultNeverPassed(fn: Container, name: string, facts: Facts): boolean {
  const params = fn.node.childForFieldName('parameters');
  if (!params || !fn.name) return false;
  let position = 0;
  let keywordOnly = false;
  let index = -1;
  for (const p of params.namedChildren) {
    if (!p) continue;
    if (p.type === 'keyword_separator' || p.type === 'list_splat_pattern') { keywordOnly = true; continue; }
    const pName = p.type === 'identifier' ? p.text : p.childForFieldName('name')?.text ?? p.namedChildren.find((c) => c?.type === 'identifier')?.text;
    if (pName === name) {
      if (p.type !== 'default_parameter' && p.type !== 'typed_default_parameter') return false;
      index = keywordOnly ? Infinity : position;
      break;
    }
    position++;
  }
  if (index < 0) return false;
  const refersToFn = (n: Node | null | undefined) => n?.type === 'identifier' && n.text === fn.name;
  // Direct calls `f(…)` go through the transformation only when `f` is decorated with it.
  const decorated = fn.node.parent?.type === 'decorated_definition';
  const isCallSite = (call: Node) => {
    const f = call.childForFieldName('function');
    if (!f) return false;
    if (f.type === 'call') return refersToFn(f.childForFieldName('arguments')?.namedChildren[0]);
    if (f.type !== 'identifier') return false;
    if (f.text === fn.name) return decorated;
    const b = facts.assignmentBefore(f.text, call);
    return b?.value.type === 'call' && refersToFn(b.value.childForFieldName('arguments')?.namedChildren[0]);
  };
  // The call sites are anywhere in the file. Every one is written with the function's name, or with a
  // name bound to a wrapper call written with it (`g = jax.jit(f)`): the answer depends on where those
  // names are written (`Facts.noteWord`), so the look-ups of the scan below are not noted one by one.
  const noting = facts.reads !== undefined;
  const bound: string[] = [];
  const neverPassed = quietly(facts, () => {
    for (const call of facts.calls) {
      // A call written `wrapper(f, …)`: the names it is bound to can make call sites.
      if (noting && refersToFn(call.childForFieldName('arguments')?.namedChildren[0])) bound.push(...boundTo(call));
      if (!isCallSite(call)) continue;
      const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
      if (args.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return false;
      if (args.some((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name)) return false;
      if (args.filter((a) => a.type !== 'keyword_argument').length > index) return false;
    }
    return true;
  });
  facts.noteWord(fn.name);
  for (const b of bound) facts.noteWord(b);
  return neverPassed;
}

/**
 * The names `value` can be bound to as the value of an assignment or `for` target (`g = value`,
 * `g, h = value, …`, `for g in value`): every name of the target, a superset of the facts' bindings.
 */
function boundTo(value: Node): string[] {
  let p = value.parent;
  if (p && (p.type === 'expression_list' || p.type === 'tuple' || p.type === 'list' || p.type === 'pattern_list' || p.type === 'tuple_pattern' || p.type === 'list_pattern')) {
    value = p;
    p = p.parent;
  }
  if (!p || (p.type !== 'assignment' && p.type !== 'for_statement') || p.childForFieldName('right')?.id !== value.id) return [];
  const left = p.childForFieldName('left');
  return left ? patternNames(left).map((id) => id.text) : [];
}

/**
 * The traced parameter `expr` is computed from, if any: a non-static parameter of a function traced
 * by JAX, or an expression built from one with operators, indexing, array methods and `jax.*` calls.
 * Static metadata (`x.shape`, `len(x)`, `x is None`, `isinstance`) and unknown calls are not traced.
 */
export interface TracedParam { name: string; fn: Container }

export function tracedSource(expr: Node, facts: Facts, o: TracedOptions = {}, depth = 0): TracedParam | undefined {
  if (depth > 8) return undefined;
  const rec = (n: Node | null | undefined) => (n ? tracedSource(n, facts, o, depth + 1) : undefined);
  const any = (nodes: Array<Node | null | undefined>) => {
    for (const n of nodes) { const r = rec(n); if (r) return r; }
    return undefined;
  };
  switch (expr.type) {
    case 'identifier': {
      const b = bindingAt(expr.text, expr, facts);
      if (!b || b.kind === 'comprehension') return undefined;
      if (b.kind === 'param') {
        if (!tracesParams(b.fn, o) || b.fn.staticParams?.has(expr.text) || defaultNeverPassed(b.fn, expr.text, facts) || isLiftedModuleSelf(b.fn, expr.text, facts)) return undefined;
        return { name: expr.text, fn: b.fn };
      }
      if (b.a.via === 'for' || b.a.augmented) return undefined;
      return rec(b.a.value);
    }
    case 'parenthesized_expression':
    case 'not_operator':
    case 'unary_operator':
    case 'binary_operator':
    case 'boolean_operator':
    case 'list':
    case 'tuple':
    case 'expression_list':
    case 'list_splat':
    case 'keyword_argument':
      return any(expr.type === 'keyword_argument' ? [expr.childForFieldName('value')] : expr.namedChildren);
    case 'conditional_expression': {
      const kids = expr.namedChildren;
      return any([kids[0], kids[2]]);
    }
    case 'comparison_operator': {
      const ops = expr.children.filter((c) => c && !c.isNamed).map((c) => c!.text);
      // `is`, `is not`, `in`, `not in`: identity / membership, not array values.
      if (ops.some((op) => op.split(/\s+/).some((w) => w === 'is' || w === 'in'))) return undefined;
      return any(expr.namedChildren);
    }
    case 'subscript':
      return rec(expr.childForFieldName('value'));
    case 'attribute': {
      const attr = expr.childForFieldName('attribute')?.text ?? '';
      return VALUE_ATTRS.has(attr) ? rec(expr.childForFieldName('object')) : undefined;
    }
    case 'call': {
      const fn = expr.childForFieldName('function');
      const args = expr.childForFieldName('arguments');
      if (!fn || !args) return undefined;
      if (fn.type === 'identifier' && facts.isBuiltin(fn.text)) {
        if (STATIC_BUILTINS.has(fn.text)) return undefined;
        if (VALUE_BUILTINS.has(fn.text)) return any(args.namedChildren);
      }
      const q = facts.qualifiedName(fn);
      if (q) {
        if (!q.startsWith('jax.')) return undefined;
        if (STATIC_FUNCTIONS.has(q.slice(q.lastIndexOf('.') + 1))) return undefined;
        return any(args.namedChildren);
      }
      if (fn.type === 'attribute') {
        // Array method on a traced value (`x.sum()`, `x.astype(...)`).
        return rec(fn.childForFieldName('object'));
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Calls that return JAX arrays: `jax.numpy.*`, `jax.random.*` samplers, `jax.nn.*`, `jax.lax.*`, `optax.*` losses. */
const JAX_VALUE_PREFIXES = ['jax.numpy.', 'jax.nn.', 'jax.lax.', 'jax.random.', 'jax.scipy.', 'optax.losses.', 'optax.'];
const NOT_ARRAYS = new Set(['jax.random.key', 'jax.random.PRNGKey', 'jax.random.split', 'jax.random.fold_in']);

/**
 * Does `expr` hold JAX arrays on the host side: the result of a compiled JAX function
 * (`step(…)` with `step = jax.jit(…)`), of a JAX transformation applied on the spot
 * (`jax.value_and_grad(f)(…)`), of a `jax.numpy`/`jax.nn`/`jax.lax` call, or an element of one.
 */
export function isJaxValue(expr: Node, facts: Facts, depth = 0): boolean {
  if (depth > 6) return false;
  switch (expr.type) {
    case 'identifier': {
      const b = bindingAt(expr.text, expr, facts);
      if (!b || b.kind !== 'assign' || b.a.via === 'for' || b.a.augmented) return false;
      return isJaxValue(b.a.value, facts, depth + 1);
    }
    case 'subscript':
      return isJaxValue(expr.childForFieldName('value')!, facts, depth + 1);
    case 'parenthesized_expression':
      return !!expr.namedChildren[0] && isJaxValue(expr.namedChildren[0], facts, depth + 1);
    case 'call': {
      if (facts.compiledCallKind(expr) === 'jax') return true;
      const fn = expr.childForFieldName('function');
      if (fn?.type === 'call') {
        const inner = facts.callee(fn);
        return !!inner && inner.startsWith('jax.') && /\.(jit|grad|value_and_grad|vmap|pmap|jacfwd|jacrev|hessian)$/.test(inner);
      }
      const q = facts.callee(expr);
      if (!q || NOT_ARRAYS.has(q)) return false;
      if (q.startsWith('optax.') && !q.startsWith('optax.losses.') && !/(_loss|entropy|global_norm)$/.test(q)) return false;
      return JAX_VALUE_PREFIXES.some((p) => q.startsWith(p));
    }
    default:
      return false;
  }
}

/** The statement node that contains `node` directly inside a block (or the module). */
export function statementOf(node: Node): Node | undefined {
  for (let n: Node | null = node; n; n = n.parent) {
    const p = n.parent;
    if (p && (p.type === 'block' || p.type === 'module')) return n;
  }
  return undefined;
}

/** Text of the indentation before `stmt` when it starts its line (else undefined). */
export function lineIndent(stmt: Node, source: string): string | undefined {
  const lineStart = source.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  const before = source.slice(lineStart, stmt.startIndex);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

/**
 * The innermost `for`/`while` loop (within the node's function) that runs `node` on every pass: the
 * body, or a `while` condition; not a `for` iterable or an `else` clause, which run once.
 */
export function repeatingLoop(node: Node): Node | undefined {
  for (let p = node.parent, child: Node = node; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return undefined;
    if (p.type === 'for_statement' && p.childForFieldName('body')?.id === child.id) return p;
    if (p.type === 'while_statement' && (p.childForFieldName('body')?.id === child.id || p.childForFieldName('condition')?.id === child.id)) return p;
  }
  return undefined;
}
