import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Container, Facts } from '../../resolve/facts';
import { keywordArg, positionalArgs, LINES } from '../../resolve/facts';
import type { Rule } from '../types';
import { argumentNodes, calledName, importsModule, remembered } from '../util';
import { TENSORFLOW } from '../packages';

const NUMBER_LITERALS = new Set(['integer', 'float']);
const NUMBER_BUILTINS = new Set(['int', 'float', 'round', 'abs']);
const SHAPED_FACTORIES = new Set(['tensorflow.zeros', 'tensorflow.ones', 'tensorflow.fill', 'tensorflow.random.normal', 'tensorflow.random.uniform']);

/**
 * The tf.function wrapper (decorator expression or `tf.function(...)` call) behind a called name, if
 * any. `decorated` keeps the answer for a name (a def or a method of that name decorated with
 * tf.function: the first such in the file), which is asked again at every call of that name.
 */
function tfFunctionWrapper(facts: Facts, call: Node, decorated: Map<string, Node | null>): Node | undefined {
  const fn = call.childForFieldName('function');
  let name: string | undefined;
  if (fn?.type === 'identifier') {
    const a = facts.assignmentBefore(fn.text, call);
    if (a) return a.value.type === 'call' && facts.callee(a.value) === 'tensorflow.function' ? a.value : undefined;
    name = fn.text;
  } else if (fn?.type === 'attribute' && fn.childForFieldName('object')?.text === 'self') {
    name = fn.childForFieldName('attribute')?.text;
  }
  if (!name) return undefined;
  const methodsOnly = fn?.type === 'attribute';
  const key = `${methodsOnly ? 'method' : 'def'} ${name}`;
  const known = decorated.get(key);
  if (known !== undefined) return known ?? undefined;
  let found: Node | undefined;
  for (const d of facts.functionsByName.get(name) ?? []) {
    if (methodsOnly && facts.containers[d.parent]?.kind !== 'class') continue;
    found = tfFunctionDecorator(facts, d);
    if (found) break;
  }
  decorated.set(key, found ?? null);
  return found;
}

/** The `@tf.function` / `@tf.function(…)` decorator expression of a def, if it has one. */
function tfFunctionDecorator(facts: Facts, def: Container): Node | undefined {
  const dd = def.node.parent;
  if (dd?.type !== 'decorated_definition') return undefined;
  for (const dec of dd.namedChildren) {
    const expr = dec?.type === 'decorator' ? dec.namedChildren[0] : undefined;
    if (!expr) continue;
    const target = expr.type === 'call' ? expr.childForFieldName('function') : expr;
    if (facts.qualifiedName(target) === 'tensorflow.function') return expr;
  }
  return undefined;
}

/** Names that take a new Python number on every iteration of the loops around `node`. */
function loopCounters(facts: Facts, node: Node): Set<string> {
  const out = new Set<string>();
  for (let p = node.parent; p && p.type !== 'function_definition' && p.type !== 'lambda' && p.type !== 'class_definition'; p = p.parent) {
    if (p.type === 'for_statement') {
      const left = p.childForFieldName('left');
      const right = p.childForFieldName('right');
      const iter = right?.type === 'call' ? right.childForFieldName('function') : null;
      if (iter?.type !== 'identifier' || !facts.isBuiltin(iter.text)) continue;
      if (iter.text === 'range' && left?.type === 'identifier') out.add(left.text);
      if (iter.text === 'enumerate' && left && (left.type === 'pattern_list' || left.type === 'tuple_pattern')) {
        const first = left.namedChildren[0];
        if (first?.type === 'identifier') out.add(first.text);
      }
    } else if (p.type === 'while_statement') {
      // `step = 0` … `while …: f(step); step += 1`: the names bumped in the loop, by their writes.
      for (const name of bumpedIn(p)) {
        // Found by offset, not by going through every write (a long file writes `step` thousands of
        // times, and every call in the loop asks).
        const bumped = facts.assignmentsBetween(name, p.startIndex, p.endIndex).some((a) => a.augmented);
        const init = facts.lastPlainWriteBefore(name, p.startIndex);
        if (bumped && init && NUMBER_LITERALS.has(init.value.type)) out.add(name);
      }
    }
  }
  return out;
}

/** The names written by `name += …` (and the other augmented assignments) inside a node. */
function bumpedIn(node: Node): Set<string> {
  const out = new Set<string>();
  const t = node.tree;
  for (let i = node.id + 1, end = t.afterOf(node.id); i < end; i++) {
    if (t.typeOf(i) !== 'augmented_assignment') continue;
    const left = t.fieldChild(i, 'left');
    if (left >= 0 && t.typeOf(left) === 'identifier') out.add(t.textOf(left));
  }
  return out;
}

/** A Python number that changes with the loop: a counter, or arithmetic / int() / float() on one. */
function varyingNumber(node: Node, counters: Set<string>): boolean {
  const kind = (n: Node): 'vary' | 'const' | 'other' => {
    switch (n.type) {
      case 'identifier': return counters.has(n.text) ? 'vary' : 'other';
      case 'integer': case 'float': return 'const';
      case 'parenthesized_expression': return n.namedChildren[0] ? kind(n.namedChildren[0]) : 'other';
      case 'unary_operator': return n.childForFieldName('argument') ? kind(n.childForFieldName('argument')!) : 'other';
      case 'binary_operator': {
        const l = n.childForFieldName('left');
        const r = n.childForFieldName('right');
        const kl = l ? kind(l) : 'other';
        const kr = r ? kind(r) : 'other';
        if (kl === 'other' || kr === 'other') return 'other';
        return kl === 'vary' || kr === 'vary' ? 'vary' : 'const';
      }
      case 'call': {
        const f = n.childForFieldName('function');
        const args = argumentNodes(n);
        return f?.type === 'identifier' && NUMBER_BUILTINS.has(f.text) && args.length === 1 ? kind(args[0]) : 'other';
      }
      default: return 'other';
    }
  };
  return kind(node) === 'vary';
}

/** A literal shape of `tf.zeros((2, 3))` and friends, as text, or undefined. */
function literalShape(facts: Facts, node: Node): string | undefined {
  if (node.type !== 'call' || !SHAPED_FACTORIES.has(facts.callee(node) ?? '')) return undefined;
  const shape = positionalArgs(node)[0] ?? keywordArg(node, 'shape') ?? keywordArg(node, 'dims');
  if (!shape) return undefined;
  if (shape.type === 'integer') return `(${shape.text},)`;
  if ((shape.type === 'tuple' || shape.type === 'list') && shape.namedChildren.every((c) => c?.type === 'integer')) {
    const dims = shape.namedChildren.map((c) => c!.text);
    return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
  }
  return undefined;
}

export const TF101: Rule = {
  meta: {
    code: 'TF101',
    name: 'retracing-on-python-values',
    framework: 'tensorflow',
    category: 'performance',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'A tf.function called with a changing Python number (a loop index) or with tensors of changing shapes retraces on every new value.',
  },
  local: true,
  requires: TENSORFLOW,
  create(ctx) {
    const { facts } = ctx;
    const decorated = new Map<string, Node | null>();
    let tensorflow: boolean | undefined;
    // A tf.function can be called by the name of a def decorated with it or of a name assigned a
    // `tf.function(…)`; only a TensorFlow import makes a name resolve to tensorflow.function.
    // Answered once per name (a file calls the same names again and again, and a name such as
    // `forward` may have hundreds of defs).
    const rememberWrapped = remembered<string, boolean>(facts);
    const mayBeWrapped = (name: string | undefined): boolean => !!name && (tensorflow ??= importsModule(facts, 'tensorflow')) &&
      rememberWrapped(name, () => (facts.functionsByName.get(name) ?? []).some((c) => !!tfFunctionDecorator(facts, c)) || facts.assignedFrom(name, 'tensorflow.function'));
    /** What a call of a tf.function passes: each argument's key, value, and whether it is a changing number. */
    interface Passed { key: string; value: Node; varying: boolean }
    const passed = (call: Node): { wrapper: Node; args: Passed[] } | undefined => {
      if (!mayBeWrapped(calledName(call))) return undefined;
      const wrapper = tfFunctionWrapper(facts, call, decorated);
      if (!wrapper) return undefined;
      if (wrapper.type === 'call' && keywordArg(wrapper, 'input_signature')) return undefined;
      const counters = loopCounters(facts, call);
      const args: Passed[] = [];
      argumentNodes(call).forEach((a, i) => {
        const value = a.type === 'keyword_argument' ? a.childForFieldName('value') : a;
        if (!value || a.type === 'list_splat' || a.type === 'dictionary_splat') return;
        const key = a.type === 'keyword_argument' ? `${a.childForFieldName('name')?.text}` : `${i}`;
        args.push({ key, value, varying: counters.size > 0 && varyingNumber(value, counters) });
      });
      return { wrapper, args };
    };
    const relaxed = (wrapper: Node) => wrapper.type === 'call' && (keywordArg(wrapper, 'reduce_retracing')?.type === 'true' || keywordArg(wrapper, 'experimental_relax_shapes')?.type === 'true');

    /**
     * The literal shapes passed, in document order, for one argument of one tf.function: from the
     * calls by the name it was called by, anywhere in the file. Made once per name (`remembered`).
     */
    const remember = remembered<string, Map<string, Array<{ arg: Node; shape: string }>>>(facts);
    const shapesOf = (name: string) => remember(name, () => {
      const shapes = new Map<string, Array<{ arg: Node; shape: string }>>();
      for (const c of facts.callsNamed(name)) {
        const p = passed(c);
        if (!p || relaxed(p.wrapper)) continue;
        for (const a of p.args) {
          const shape = a.varying ? undefined : literalShape(facts, a.value);
          if (!shape) continue;
          const key = `${p.wrapper.id}:${a.key}`;
          const list = shapes.get(key) ?? [];
          list.push({ arg: a.value, shape });
          shapes.set(key, list);
        }
      }
      return shapes;
    });

    return {
      call(node) {
        const p = passed(node);
        if (!p) return;
        const fnText = node.childForFieldName('function')!.text;
        for (const a of p.args) {
          const value = a.value;
          if (a.varying) {
            const constant = ctx.nameFor('tensorflow.constant', { module: 'tensorflow', alias: 'tf' });
            ctx.report(value, `\`${fnText}\` is a tf.function called in a loop with the Python number \`${value.text}\`: Python values are part of the trace key, so every new value traces and builds a new graph. Pass a tensor instead, e.g. ${constant.text}(${value.text}).`,
              { title: `Wrap in ${constant.text}(...)`, suggestion: true, edits: [{ range: ctx.range(value), newText: `${constant.text}(${value.text})` }, ...constant.edits] });
            continue;
          }
          if (relaxed(p.wrapper) || !literalShape(facts, value)) continue;
          // Reported when an earlier call passed another shape first, and no earlier call this one's.
          const list = shapesOf(calledName(node)!).get(`${p.wrapper.id}:${a.key}`) ?? [];
          const at = list.findIndex((o) => o.arg.id === value.id);
          if (at <= 0) continue;
          const first = list[0];
          const other = list[at];
          if (other.shape === first.shape || list.slice(0, at).some((o) => o.shape === other.shape)) continue;
          // The message gives the first call's line, which an edit elsewhere can move.
          facts.reads?.add(LINES);
          ctx.report(value, `\`${fnText}\` is a tf.function already called with shape ${first.shape} (line ${first.arg.startPosition.row + 1}) and now with ${other.shape}: without an input_signature each new shape traces a new graph. Declare input_signature=[tf.TensorSpec(shape=[None, …], dtype=…)] with None for the varying dimensions, or use reduce_retracing=True.`);
        }
      },
    };
  },
};
