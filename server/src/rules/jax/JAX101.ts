import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Fix, Rule, RuleContext } from '../types';
import type { Container, Facts } from '../../resolve/facts';
import { positionalArgs } from '../../resolve/facts';
import { bindingAt, lineIndent, repeatingLoop } from './values';
import { JAX } from '../packages';

const JIT = new Set(['jax.jit']);
/** Transformations that return a new function object on every call. */
const TRANSFORMS = /^jax\.(grad|value_and_grad|vmap|pmap|jacfwd|jacrev|hessian|checkpoint|remat|jit|named_call)$/;
/** Functions that run once (setup, entry points, tests): building a jitted function there is not repeated work. */
const RUN_ONCE = /^(__init__|setup|__post_init__|main|setUp\w*|test\w*)$/;

function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/**
 * Why `fun` is a new function object each time the code around `region` runs, or undefined when it is
 * the same object (a module-level def, a name bound outside `region`). `functools.partial` objects do
 * not count: JAX unwraps them and caches on the underlying function and the bound arguments
 * (docs/debugging/slow_tracing_compilation.md).
 */
function freshCallable(fun: Node, region: Node, facts: Facts, depth = 0): string | undefined {
  if (depth > 4) return undefined;
  if (fun.type === 'lambda') return 'a lambda';
  if (fun.type === 'call') {
    const q = facts.callee(fun) ?? '';
    if (TRANSFORMS.test(q)) return `the function returned by \`${fun.childForFieldName('function')!.text}(…)\``;
    return undefined;
  }
  if (fun.type === 'identifier') {
    const defs = facts.functionsByName.get(fun.text) ?? [];
    const b = bindingAt(fun.text, fun, facts);
    if (!b && defs.some((d) => contains(region, d.node))) return `\`${fun.text}\` (redefined each time)`;
    if (b?.kind === 'assign' && !b.a.via && contains(region, b.a.value)) return freshCallable(b.a.value, region, facts, depth + 1);
  }
  return undefined;
}

const REPEATING = new Set(['for_statement', 'while_statement', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/** Is `node` inside a loop or comprehension below `top`? */
function repeatsWithin(node: Node, top: Node): boolean {
  for (let p = node.parent; p && p.id !== top.id; p = p.parent) if (REPEATING.has(p.type)) return true;
  return false;
}

/** Identifiers a hoisted expression reads, minus attribute names, keyword names and lambda parameters. */
function freeNames(expr: Node): Node[] {
  const out: Node[] = [];
  const lambdaParams = new Set<string>();
  for (const l of expr.descendantsOfType('lambda')) {
    for (const id of l?.childForFieldName('parameters')?.descendantsOfType('identifier') ?? []) if (id) lambdaParams.add(id.text);
  }
  for (const id of expr.descendantsOfType('identifier')) {
    if (!id) continue;
    const p = id.parent;
    if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === id.id) continue;
    if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === id.id) continue;
    if (lambdaParams.has(id.text)) continue;
    out.push(id);
  }
  return out;
}

/** Is every name the expression reads an import, a module-level def or a builtin (never a variable)? */
function onlyStableNames(expr: Node, facts: Facts): boolean {
  return freeNames(expr).every((id) => {
    if (facts.imports.isBound(id.text)) return !facts.assignments.has(id.text);
    if (facts.assignments.has(id.text) || facts.containers.some((c) => c.params?.includes(id.text))) return false;
    const defs = facts.functionsByName.get(id.text);
    if (defs) return defs.every((d) => d.parent === 0);
    return true; // a builtin
  });
}

/** Move `name = jax.jit(…)` from the loop body to just before the loop, when that cannot change what is compiled. */
function hoistFix(ctx: RuleContext, call: Node, loop: Node): Fix | undefined {
  const assign = call.parent;
  const stmt = assign?.parent;
  const body = loop.childForFieldName('body');
  if (assign?.type !== 'assignment' || assign.childForFieldName('right')?.id !== call.id || stmt?.type !== 'expression_statement' ||
    stmt.parent?.id !== body?.id || !body || body.namedChildren.filter((n) => n && n.type !== 'comment').length < 2) return undefined;
  const target = assign.childForFieldName('left');
  if (target?.type !== 'identifier') return undefined;
  // A write whose value lies in the loop is a write in the loop (an assignment holds its value).
  if (ctx.facts.assignmentsBetween(target.text, loop.startIndex, loop.endIndex).some((a) => contains(loop, a.value) && a.value.id !== call.id)) return undefined;
  if (!onlyStableNames(call, ctx.facts)) return undefined;
  const loopIndent = lineIndent(loop, ctx.source);
  const stmtIndent = lineIndent(stmt, ctx.source);
  const lineEnd = ctx.source.indexOf('\n', stmt.endIndex);
  if (loopIndent === undefined || stmtIndent === undefined || ctx.source.slice(stmt.endIndex, lineEnd === -1 ? undefined : lineEnd).trim() !== '') return undefined;
  const text = ctx.source.slice(stmt.startIndex, stmt.endIndex)
    .split('\n').map((l, i) => (i === 0 ? l : l.startsWith(stmtIndent) ? loopIndent + l.slice(stmtIndent.length) : l)).join('\n');
  const loopLine = { line: loop.startPosition.row, character: 0 };
  return {
    title: `Hoist ${target.text} = jax.jit(…) out of the loop`,
    edits: [
      { range: { start: loopLine, end: loopLine }, newText: `${loopIndent}${text}\n` },
      { range: { start: { line: stmt.startPosition.row, character: 0 }, end: { line: stmt.endPosition.row + 1, character: 0 } }, newText: '' },
    ],
  };
}

export const JAX101: Rule = {
  meta: {
    code: 'JAX101',
    name: 'jit-inside-loop',
    framework: 'jax',
    category: 'performance',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'jax.jit applied to a new function object on every loop pass (or every call) retraces and recompiles each time.',
  },
  calls: { callees: JIT },
  local: true,
  requires: JAX,
  create(ctx) {
    const { facts } = ctx;
    const loopMessage = (what: string) => `\`jax.jit\` is applied to ${what} on every pass of this loop: each pass makes a new function object, so JAX traces and compiles it again every time. ` +
      'Create the jitted function once, before the loop, and pass the values that change as arguments.';
    const callMessage = (what: string, fn: string) => `\`jax.jit\` is applied to ${what} and called on every call of \`${fn}\`: a new function object each time, so JAX traces and compiles it on every call. ` +
      'Create the jitted function once (at module level, or in `__init__`) and pass the values that change as arguments.';

    /**
     * A function whose own loops run compiled steps or a training loop (`train_and_evaluate`, a benchmark
     * driver): it is the outer loop's caller, run once per program, so what it builds before its loops is
     * built once.
     */
    const isDriver = (fn: Container) => facts.containers.some((c) => c.kind === 'loop' && c.start >= fn.start && c.end <= fn.end &&
      (c.training || !!c.callsCompiled?.size) && facts.enclosingFunction(c.node)?.index === fn.index);
    /**
     * A module-level function that this file calls, and only from code that runs once: module level,
     * `main`/setup/tests, a driver, or another function called only so; never in a loop
     * (`initialized(key)` in `create_train_state`, called by `train_and_evaluate`).
     * A function this file never calls is public API: how often it runs is up to its callers.
     */
    const calledOnlyOnce = (fn: Container, depth = 0): boolean => {
      if (!fn.name || facts.containers[fn.parent]?.kind !== 'module' || depth > 4) return false;
      // Its calls anywhere in the file, by name (noted: an edit to a statement that calls it re-runs this).
      const name = fn.name;
      const sites = facts.callsNamed(name).filter((c) => {
        const callee = c.childForFieldName('function');
        return callee?.type === 'identifier' && callee.text === name && facts.visibleDefs(name, c, true).includes(fn);
      });
      return sites.length > 0 && sites.every((c) => {
        if (repeatingLoop(c)) return false;
        const caller = facts.enclosingFunction(c);
        if (!caller || caller.kind === 'module' || RUN_ONCE.test(caller.name ?? '')) return true;
        if (caller.kind !== 'function' || caller === fn) return false;
        // Whether the caller is a driver reads the facts of its loops, which code elsewhere sets: noted
        // by the caller's name (the incremental plan notes it when those facts change).
        if (caller.name !== undefined) facts.noteName(caller.name);
        return isDriver(caller) || calledOnlyOnce(caller, depth + 1);
      });
    };
    /**
     * The enclosing function when `node` runs on every call of it: a module-level function or a method,
     * not traced, not one that runs once (setup, main, tests, a driver, a helper called only from
     * those). Helpers nested in other functions are left out: how often they run is anyone's guess.
     */
    const perCallFunction = (node: Node) => {
      const fn = facts.enclosingFunction(node);
      if (!fn || fn.kind !== 'function' || fn.traced || RUN_ONCE.test(fn.name ?? '') || isDriver(fn) || calledOnlyOnce(fn)) return undefined;
      const outer = facts.containers[fn.parent];
      const owner = outer.kind === 'class' ? facts.containers[outer.parent] : outer;
      for (let c = owner; c; c = facts.containers[c.parent]) {
        if (c.kind === 'function' || c.kind === 'lambda') return undefined;
        if (c.kind === 'module') break;
      }
      return fn;
    };

    return {
      call(node) {
        if (!JIT.has(facts.callee(node) ?? '')) return;
        const fun = positionalArgs(node)[0];
        if (!fun) return;
        const jitName = node.childForFieldName('function')!;
        const loop = repeatingLoop(node);
        if (loop) {
          const body = loop.childForFieldName('body')!;
          const what = freshCallable(fun, body, facts);
          if (what) ctx.report(jitName, loopMessage(what), hoistFix(ctx, node, loop));
          return;
        }
        // `jax.jit(lambda …)(x)` inside a function: built and compiled again on every call.
        if (node.parent?.type !== 'call' || node.parent.childForFieldName('function')?.id !== node.id) return;
        const fn = perCallFunction(node);
        if (!fn) return;
        const what = freshCallable(fun, fn.node, facts);
        if (what) ctx.report(jitName, callMessage(what, fn.name ?? 'this function'));
      },
      decorated_definition(node) {
        const def = node.childForFieldName('definition');
        if (def?.type !== 'function_definition') return;
        // `@jax.jit` or `@partial(jax.jit, …)`: the `jax.jit` expression.
        const jitOf = (e: Node | null | undefined): Node | undefined => !e ? undefined : JIT.has(facts.qualifiedName(e) ?? '') ? e :
          e.type === 'call' && facts.callee(e) === 'functools.partial' ? jitOf(positionalArgs(e)[0]) : undefined;
        const expr = node.namedChildren.map((d) => (d?.type === 'decorator' ? jitOf(d.namedChildren[0]) : undefined)).find((e) => e);
        if (!expr) return;
        const name = def.childForFieldName('name')?.text ?? '';
        if (repeatingLoop(node)) {
          ctx.report(expr, loopMessage(`\`${name}\` (redefined each time)`));
          return;
        }
        const fn = perCallFunction(node);
        if (!fn) return;
        // A nested jitted def that the function calls once per call: compiled on every call. Called in a loop
        // (or only returned, or called from a closure it returns or stores, as a factory does), the
        // compilation is amortised.
        const sites = facts.callsIn(fn.node.startIndex, fn.node.endIndex).filter((c) => c.childForFieldName('function')?.type === 'identifier' &&
          c.childForFieldName('function')!.text === name && facts.enclosingFunction(c)?.index === fn.index);
        if (sites.length > 0 && !sites.some((c) => repeatsWithin(c, fn.node))) {
          ctx.report(expr, callMessage(`\`${name}\` (redefined each time)`, fn.name ?? 'this function'));
        }
      },
    };
  },
};
