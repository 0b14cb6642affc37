import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule } from '../types';
import type { Container, Facts } from '../../resolve/facts';
import { argumentNodes, isBuiltinCall, methodCall } from '../util';
import { positionalArgs } from '../../resolve/facts';
import { isJaxValue, repeatingLoop } from './values';
import { JAX } from '../packages';

const CONDITIONAL_BLOCKS = new Set(['if_statement', 'elif_clause', 'else_clause', 'except_clause', 'case_clause']);

/**
 * Does the loop feed a jit-compiled function's result back into it on every pass
 * (`state, metrics = train_step(state, batch)`)? That is a training step even without optax in sight.
 */
function stepsCompiledState(loop: Container, facts: Facts): boolean {
  if (!loop.callsCompiled?.has('jax')) return false;
  for (const call of facts.callsIn(loop.start, loop.end)) {
    if (facts.compiledCallKind(call) !== 'jax') continue;
    if (repeatingLoop(call)?.id !== loop.node.id) continue;
    const assign = call.parent;
    if (assign?.type !== 'assignment' || assign.childForFieldName('right')?.id !== call.id) continue;
    const targets = new Set(assign.childForFieldName('left')?.descendantsOfType('identifier').map((n) => n?.text) ?? []);
    if (assign.childForFieldName('left')?.type === 'identifier') targets.add(assign.childForFieldName('left')!.text);
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    if (args.some((a) => (a?.type === 'identifier' && targets.has(a.text)) ||
      (a?.type === 'keyword_argument' && a.childForFieldName('value')?.type === 'identifier' && targets.has(a.childForFieldName('value')!.text)))) return true;
  }
  return false;
}

/**
 * The JAX training loop that runs `node` on every pass, unconditionally: a `for`/`while` loop that calls
 * an optax update / apply_updates, or that feeds a jit-compiled step's result back into it. A sync
 * under an `if` inside the loop (logging every N steps) does not count.
 */
function jaxStepLoop(node: Node, facts: Facts, stepLoops: Map<number, boolean>): Container | undefined {
  const loops = new Map<number, Container>();
  for (const c of facts.ancestors(node)) if (c.kind === 'loop') loops.set(c.node.id, c);
  for (let p = node.parent, child: Node = node; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return undefined;
    if (child.type === 'block' && CONDITIONAL_BLOCKS.has(p.type)) return undefined;
    const perPass = (p.type === 'for_statement' && p.childForFieldName('body')?.id === child.id) ||
      (p.type === 'while_statement' && (p.childForFieldName('body')?.id === child.id || p.childForFieldName('condition')?.id === child.id));
    if (!perPass) continue;
    const loop = loops.get(p.id);
    if (!loop) continue;
    if (loop.trainingFramework?.has('jax')) return loop;
    let steps = stepLoops.get(loop.index);
    if (steps === undefined) stepLoops.set(loop.index, steps = stepsCompiledState(loop, facts));
    if (steps) return loop;
  }
  return undefined;
}

export const JAX102: Rule = {
  meta: {
    code: 'JAX102',
    name: 'host-sync-in-loop',
    framework: 'jax',
    category: 'performance',
    defaultSeverity: 'warning',
    fixable: false,
    summary: '.item() / .tolist() / float() / int() / np.asarray() on a JAX array in every pass of a training loop waits for the device each step.',
  },
  calls: { methods: ['item', 'tolist'], names: ['float', 'int'], callees: ['numpy.asarray', 'numpy.array'] },
  local: true,
  requires: JAX,
  create(ctx) {
    const { facts } = ctx;
    const stepLoops = new Map<number, boolean>();
    return {
      call(node) {
        let value: Node | undefined;
        const m = methodCall(node);
        if (m && (m.method === 'item' || m.method === 'tolist') && argumentNodes(node).length === 0) value = m.receiver;
        else if ((isBuiltinCall(node, 'float', facts) || isBuiltinCall(node, 'int', facts)) && argumentNodes(node).length === 1) value = argumentNodes(node)[0];
        else {
          const q = facts.callee(node);
          if (q === 'numpy.asarray' || q === 'numpy.array') value = positionalArgs(node)[0];
        }
        if (!value || !isJaxValue(value, facts)) return;
        const loop = jaxStepLoop(node, facts, stepLoops);
        if (!loop) return;
        const why = loop.trainingFramework?.has('jax') ? 'training loop' : 'loop around a jitted training step';
        ctx.report(node, `\`${node.text}\` copies a JAX array to the host on every pass of this ${why}, so Python waits for the device each step instead of queueing the next one (async dispatch is lost). ` +
          'Keep metrics on the device and fetch them every N steps or after the loop.');
      },
    };
  },
};
