import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Fix, Rule, RuleContext } from '../types';
import { ALL_NAMES, type Facts } from '../../resolve/facts';
import { importsModule, methodCall, remembered } from '../util';
import { bindingAt, statementOf } from './values';
import { JAX } from '../packages';

const TIMERS = new Set(['time.time', 'time.perf_counter', 'time.monotonic', 'time.time_ns', 'time.perf_counter_ns',
  'time.monotonic_ns', 'time.process_time', 'timeit.default_timer']);
/** Calls that wait for a JAX result (or may: printing or converting a value to a Python/NumPy object). */
const SYNC_CALLEES = new Set(['jax.block_until_ready', 'jax.device_get', 'numpy.asarray', 'numpy.array']);
const SYNC_METHODS = new Set(['block_until_ready', 'item', 'tolist', '__array__']);
const SYNC_BUILTINS = new Set(['float', 'int', 'bool', 'print', 'str', 'repr', 'format', 'complex']);
/** Calls that neither wait for the device nor hide code that might. */
const HARMLESS_BUILTINS = new Set(['range', 'len', 'enumerate', 'zip', 'list', 'tuple', 'dict', 'reversed']);
const HARMLESS_METHODS = new Set(['append', 'extend']);
/** jax.numpy functions that return a tuple/list of arrays (no `.block_until_ready()` method on the result). */
const MULTI_RESULT = new Set(['meshgrid', 'split', 'array_split', 'hsplit', 'vsplit', 'dsplit', 'unstack', 'nonzero', 'where',
  'unique', 'unique_all', 'unique_counts', 'unique_inverse', 'frexp', 'modf', 'divmod', 'broadcast_arrays', 'ix_', 'indices',
  'tril_indices', 'triu_indices', 'diag_indices', 'diag_indices_from', 'tril_indices_from', 'triu_indices_from',
  'unravel_index', 'gradient', 'histogram', 'histogram2d', 'histogramdd', 'atleast_1d', 'atleast_2d', 'atleast_3d',
  'linalg.eig', 'linalg.eigh', 'linalg.qr', 'linalg.svd', 'linalg.slogdet', 'linalg.lstsq']);

/** The timer call whose reading `expr` is: the call itself, or the value of the name it was stored in. */
function timerReading(expr: Node | null, facts: Facts, boundToTimer: (name: string) => boolean): Node | undefined {
  if (!expr) return undefined;
  if (expr.type === 'call') return TIMERS.has(facts.callee(expr) ?? '') ? expr : undefined;
  // Only a name ever bound to a timer call can hold a reading.
  if (expr.type !== 'identifier' || !boundToTimer(expr.text)) return undefined;
  const b = bindingAt(expr.text, expr, facts);
  if (b?.kind !== 'assign' || b.a.via || b.a.value.type !== 'call') return undefined;
  return TIMERS.has(b.a.callee ?? '') ? b.a.value : undefined;
}

/** Whether `name` is ever assigned a timer call (`t0 = time.perf_counter()`), anywhere in the file. */
function everBoundToTimer(facts: Facts, name: string): boolean {
  return (facts.assignments.get(name) ?? []).some((a) => !a.via && a.value.type === 'call' && TIMERS.has(a.callee ?? ''));
}

/** The top-level statement holding a node (a child of the module). */
function topLevelOf(node: Node): number {
  let n = node;
  for (let p = n.parent; p && p.type !== 'module'; p = p.parent) n = p;
  return n.id;
}

type Kind = 'sync' | 'jax' | 'harmless' | 'unknown';

function classify(call: Node, facts: Facts): Kind {
  const q = facts.callee(call);
  const m = methodCall(call);
  const fn = call.childForFieldName('function');
  if (q && TIMERS.has(q)) return 'harmless';
  if ((q && SYNC_CALLEES.has(q)) || (m && SYNC_METHODS.has(m.method))) return 'sync';
  if (fn?.type === 'identifier' && facts.isBuiltin(fn.text) && !facts.functionsByName.has(fn.text)) {
    if (SYNC_BUILTINS.has(fn.text)) return 'sync';
    if (HARMLESS_BUILTINS.has(fn.text)) return 'harmless';
  }
  if (facts.compiledCallKind(call) === 'jax') return 'jax';
  if (q && q.startsWith('jax.') && !/^jax\.(jit|grad|value_and_grad|vmap|pmap|tree\.|tree_util\.|config\.)/.test(q)) return 'jax';
  if (q && q.startsWith('jax.')) return 'harmless';
  if (m && HARMLESS_METHODS.has(m.method)) return 'harmless';
  return 'unknown';
}

function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** Make the statement holding `call` wait for its result; only when it sits in the same block as the stop reading. */
function blockFix(ctx: RuleContext, call: Node, stop: Node): Fix | undefined {
  const stmt = statementOf(call);
  const stopStmt = statementOf(stop);
  if (!stmt || !stopStmt || stmt.parent?.id !== stopStmt.parent?.id || stmt.type !== 'expression_statement') return undefined;
  const inner = stmt.namedChildren[0];
  const whole = inner?.id === call.id || (inner?.type === 'assignment' && inner.childForFieldName('right')?.id === call.id);
  if (!whole) return undefined;
  const q = ctx.facts.callee(call) ?? '';
  const single = (q.startsWith('jax.numpy.') && !MULTI_RESULT.has(q.slice('jax.numpy.'.length))) || (q.startsWith('jax.random.') && q !== 'jax.random.split');
  if (single) {
    const end = ctx.range(call).end;
    return { title: 'Add .block_until_ready()', edits: [{ range: { start: end, end }, newText: '.block_until_ready()' }] };
  }
  const name = ctx.nameFor('jax.block_until_ready', { module: 'jax' });
  return {
    title: `Wrap in ${name.text}(…)`,
    edits: [{ range: ctx.range(call), newText: `${name.text}(${call.text})` }, ...name.edits],
  };
}

export const JAX103: Rule = {
  meta: {
    code: 'JAX103',
    name: 'timing-without-block-until-ready',
    framework: 'jax',
    category: 'performance',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'Timing JAX calls without block_until_ready() measures only asynchronous dispatch, not the computation.',
  },
  local: true,
  requires: JAX,
  create(ctx) {
    const { facts } = ctx;
    let timing: boolean | undefined;
    // Once per name and analysis: a long file writes `start = …` thousands of times, and every
    // subtraction of `start` would go through all of them again.
    const remember = remembered<string, boolean>(facts);
    const boundToTimer = (name: string) => remember(name, () => everBoundToTimer(facts, name));
    return {
      binary_operator(node) {
        // Every timer is in `time` or `timeit`: a file that imports neither has nothing to report.
        timing ??= importsModule(facts, 'time') || importsModule(facts, 'timeit');
        if (!timing) return;
        if (node.childForFieldName('operator')?.text !== '-') return;
        const stop = timerReading(node.childForFieldName('left'), facts, boundToTimer);
        const start = timerReading(node.childForFieldName('right'), facts, boundToTimer);
        if (!stop || !start || start.endIndex > stop.startIndex) return;
        // Readings stored at module level by other statements: what lies between them is anywhere in
        // the file, so the incremental analysis runs this statement again on every edit.
        const here = topLevelOf(node);
        if (topLevelOf(start) !== here || topLevelOf(stop) !== here) facts.reads?.add(ALL_NAMES);
        const scope = facts.enclosingFunction(stop);
        if (facts.enclosingFunction(start) !== scope || facts.tracedScope(node)) return;
        const between = ctx.source.slice(start.endIndex, stop.startIndex);
        if (/\bf["']/i.test(between)) return; // f-strings may format (and so fetch) a result
        const region = facts.callsIn(start.endIndex, stop.startIndex).filter((c) => facts.enclosingFunction(c) === scope);
        const kinds = region.map((c) => classify(c, facts));
        if (kinds.includes('sync') || kinds.includes('unknown') || !kinds.includes('jax')) return;
        const work = region.filter((_, i) => kinds[i] === 'jax');
        const outermost = work.filter((c) => !work.some((o) => o.id !== c.id && contains(o, c)));
        const last = outermost.reduce((a, b) => (b.endIndex > a.endIndex ? b : a));
        ctx.report(node, `This measures only the time to dispatch \`${last.text.length > 40 ? last.text.slice(0, 37) + '…' : last.text}\`: JAX runs work asynchronously and nothing here waits for the result. ` +
          'Call `.block_until_ready()` on the result (or `jax.block_until_ready(result)`) before reading the clock, and time a warmed-up (already compiled) call.', blockFix(ctx, last, stop));
      },
    };
  },
};
