import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule, RuleContext } from '../types';
import type { Container, Facts } from '../../resolve/facts';
import { importsModule } from '../util';
import { JAX } from '../packages';

const AT_METHOD: Record<string, string> = { '=': 'set', '+=': 'add', '-=': 'subtract', '*=': 'multiply', '/=': 'divide', '**=': 'power' };

/** Does `name` hold a JAX array at `node`: bound from `jax.numpy.*` / `jax.random.*` / `jax.nn.*` / `jax.lax.*`, or a non-static parameter of a JAX-traced function? */
export function isJaxArrayName(name: string, node: Node, facts: Facts): boolean {
  const a = facts.assignmentBefore(name, node);
  const fn = facts.enclosingFunction(node);
  if (a && (a.scope !== 0 || !fn || !fn.params?.includes(name))) {
    const callee = a.callee;
    return !!callee && ARRAY_PRODUCERS.some((p) => callee.startsWith(p)) && !NON_ARRAY_RANDOM.has(callee);
  }
  // `x_ref` / `ref` parameters follow JAX's naming convention for mutable Refs (jax.new_ref, Pallas kernels),
  // which support `ref[idx] = v`.
  if (name === 'ref' || name.endsWith('_ref')) return false;
  if (fn && fn.traced === 'jax' && fn.params?.includes(name) && !fn.staticParams?.has(name)) return !annotatedNonArray(fn, name);
  return false;
}

/** Annotations that name an array type (`jax.Array`, `jnp.ndarray`, `ArrayLike`, `Float[Array, "n"]`). */
const ARRAY_ANNOTATION = /\b(Array|ndarray|ArrayLike|Tensor)\b/;

/** A parameter annotated with a type that is not an array (`metrics: nnx.Variable`, `state: dict`). */
function annotatedNonArray(fn: Container, name: string): boolean {
  const params = fn.node.childForFieldName('parameters');
  for (const p of params?.namedChildren ?? []) {
    if (p.type !== 'typed_parameter' && p.type !== 'typed_default_parameter') continue;
    const id = p.type === 'typed_parameter' ? p.namedChildren.find((c) => c.type === 'identifier') : p.childForFieldName('name');
    if (id?.text !== name) continue;
    const type = p.childForFieldName('type');
    return !!type && !ARRAY_ANNOTATION.test(type.text);
  }
  return false;
}

/**
 * Subscripts that show the value is not a jax.Array whatever it holds: a string key (`params['w']`, a
 * dict or other pytree), or, in a file that uses Flax NNX, `v[...]` on a parameter — the NNX idiom for
 * updating a `Variable` in place, which NNX supports under its own and JAX's transformations.
 */
function notAnArrayUpdate(left: Node, obj: Node, facts: Facts): boolean {
  const index = left.childForFieldName('subscript');
  if (index?.type === 'string' || index?.type === 'concatenated_string') return true;
  if (index?.type === 'ellipsis' && !facts.assignmentBefore(obj.text, left) && importsModule(facts, 'flax.nnx')) return true;
  return false;
}

/** Modules whose functions return jax.Array values. */
const ARRAY_PRODUCERS = ['jax.numpy.', 'jax.random.', 'jax.nn.', 'jax.lax.', 'jax.scipy.', 'jax.device_put'];

/** jax.random functions that return keys, not sample arrays. */
const NON_ARRAY_RANDOM = new Set(['jax.random.key', 'jax.random.PRNGKey', 'jax.random.split', 'jax.random.fold_in', 'jax.random.key_data', 'jax.random.wrap_key_data']);

function check(ctx: RuleContext, node: Node, op: string): void {
  const left = node.childForFieldName('left');
  if (left?.type !== 'subscript') return;
  const obj = left.childForFieldName('value');
  if (obj?.type !== 'identifier' || notAnArrayUpdate(left, obj, ctx.facts) || !isJaxArrayName(obj.text, node, ctx.facts)) return;
  const method = AT_METHOD[op];
  const right = node.childForFieldName('right');
  const name = obj.text;
  const indexText = ctx.source.slice(obj.endIndex, left.endIndex); // "[i, j]" as written
  const message = `JAX arrays are immutable: \`${left.text} ${op} …\` fails on a jax.Array. Use \`${name} = ${name}.at${indexText}.${method ?? 'set'}(…)\`.`;
  const standalone = node.parent?.type === 'expression_statement' && node.parent.namedChildren.length === 1;
  if (!method || !right || !standalone || right.type === 'expression_list' || right.type === 'assignment' || right.type === 'pattern_list') {
    ctx.report(left, message);
    return;
  }
  ctx.report(left, message, {
    title: `Use ${name}.at${indexText}.${method}(…)`,
    edits: [{ range: ctx.range(node), newText: `${name} = ${name}.at${indexText}.${method}(${right.text})` }],
  });
}

export const JAX002: Rule = {
  meta: {
    code: 'JAX002',
    name: 'in-place-array-update',
    framework: 'jax',
    category: 'correctness',
    defaultSeverity: 'error',
    fixable: true,
    summary: 'In-place item assignment on a JAX array (x[i] = v) raises: JAX arrays are immutable; use x.at[i].set(v).',
  },
  local: true,
  requires: JAX,
  create(ctx) {
    return {
      assignment(node) {
        if (node.childForFieldName('type')) return; // annotated assignment
        check(ctx, node, '=');
      },
      augmented_assignment(node) {
        const op = node.childForFieldName('operator')?.text ?? '';
        check(ctx, node, op);
      },
    };
  },
};
