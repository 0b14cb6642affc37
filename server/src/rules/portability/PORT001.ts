import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Assignment, Container, Facts } from '../../resolve/facts';
import type { Rule } from '../types';
import { argumentNodes } from '../util';

type Fw = 'torch' | 'jax' | 'tensorflow';
const LABEL: Record<Fw, string> = { torch: 'PyTorch', jax: 'JAX', tensorflow: 'TensorFlow' };

/** Input pipelines hand over host data by design (tf.data or a PyTorch DataLoader feeding JAX): not tensor compute. */
const DATA_APIS = ['tensorflow.data.', 'tensorflow.io.', 'tensorflow.keras.datasets.', 'tensorflow.keras.utils.', 'torch.utils.data.'];

/** The top-level modules frameworkOf knows. */
const FRAMEWORK_MODULES = ['torch', 'jax', 'flax', 'optax', 'tensorflow'];

function frameworkOf(q: string | undefined): Fw | undefined {
  if (!q) return undefined;
  // By the top-level module, without splitting the name (this runs for every call).
  const dot = q.indexOf('.');
  const top = (name: string) => (dot < 0 ? q.length : dot) === name.length && q.startsWith(name);
  const fw: Fw | undefined = top('torch') ? 'torch' : top('jax') || top('flax') || top('optax') ? 'jax' : top('tensorflow') ? 'tensorflow' : undefined;
  return fw && !DATA_APIS.some((p) => q.startsWith(p)) ? fw : undefined;
}

/** Calls that only move or wrap data (not computation): a function made of these on one side is a boundary. */
const CONVERSIONS = new Set([
  'torch.tensor', 'torch.as_tensor', 'torch.from_numpy', 'torch.from_dlpack', 'torch.utils.dlpack.from_dlpack', 'torch.utils.dlpack.to_dlpack',
  'jax.numpy.asarray', 'jax.numpy.array', 'jax.device_put', 'jax.device_get', 'jax.dlpack.from_dlpack', 'jax.dlpack.to_dlpack', 'jax.block_until_ready',
  'tensorflow.convert_to_tensor', 'tensorflow.constant', 'tensorflow.identity', 'tensorflow.experimental.dlpack.from_dlpack', 'tensorflow.experimental.dlpack.to_dlpack',
]);
const DLPACK = /dlpack/;

/**
 * Interop bridges: each wraps a function of one framework as a function of the other (jax2tf's
 * `convert` makes a JAX function callable from TensorFlow, `call_tf` the reverse). The result belongs
 * to the target framework, and the call itself is the documented boundary, not mixed computation.
 * A Map: it is asked with names from the user's file (`constructor` must not find Object.prototype's).
 */
const BRIDGES = new Map<string, Fw>(Object.entries({
  'jax.experimental.jax2tf.convert': 'tensorflow',
  'jax.experimental.jax2tf.call_tf': 'jax',
} satisfies Record<string, Fw>));

interface Flow { call: Node; from: Fw; to: Fw; value: Node }
interface FnInfo { compute: Set<Fw>; calls: Array<{ call: Node; to: Fw }> }

/**
 * Static metadata, not tensor values: a shape, a dtype, a device. `tf.TensorSpec(jnp.shape(x),
 * jnp.result_type(x))` or `jnp.zeros(t.shape)` hand over no data between the frameworks.
 */
const METADATA_FUNCTIONS = new Set([
  'jax.numpy.shape', 'jax.numpy.ndim', 'jax.numpy.size', 'jax.numpy.result_type', 'jax.numpy.dtype', 'jax.numpy.promote_types',
  'jax.numpy.finfo', 'jax.numpy.iinfo', 'jax.numpy.issubdtype', 'jax.numpy.can_cast',
  'torch.finfo', 'torch.iinfo', 'torch.promote_types', 'torch.result_type', 'torch.is_tensor', 'torch.is_floating_point',
  'tensorflow.as_dtype', 'tensorflow.is_tensor',
]);
const METADATA_ATTRIBUTES = new Set(['shape', 'dtype', 'ndim', 'device', 'is_cuda']);

/** The framework whose operations produced `node`'s value, following local assignments. */
function valueFramework(facts: Facts, node: Node, fn: Container, depth = 0): Fw | undefined {
  if (depth > 8) return undefined;
  switch (node.type) {
    case 'call': {
      const f = node.childForFieldName('function');
      const q = facts.qualifiedName(f);
      if (q) return METADATA_FUNCTIONS.has(q) ? undefined : BRIDGES.get(q) ?? frameworkOf(q);
      // A method call (`t.numpy()`, `x.sum()`): the framework of its receiver.
      return f?.type === 'attribute' ? valueFramework(facts, f.childForFieldName('object')!, fn, depth + 1) : undefined;
    }
    case 'attribute':
      return METADATA_ATTRIBUTES.has(node.childForFieldName('attribute')?.text ?? '') ? undefined : valueFramework(facts, node.childForFieldName('object')!, fn, depth + 1);
    case 'subscript': return valueFramework(facts, node.childForFieldName('value')!, fn, depth + 1);
    case 'parenthesized_expression': return node.namedChildren[0] ? valueFramework(facts, node.namedChildren[0], fn, depth + 1) : undefined;
    case 'binary_operator': {
      const l = node.childForFieldName('left');
      const r = node.childForFieldName('right');
      return (l && valueFramework(facts, l, fn, depth + 1)) ?? (r ? valueFramework(facts, r, fn, depth + 1) : undefined);
    }
    case 'identifier': {
      const a = reachingAssignment(facts, node, fn);
      if (!a || a.augmented) return undefined;
      return valueFramework(facts, a.value, fn, depth + 1);
    }
    default: return undefined;
  }
}

/**
 * The last assignment to `node`'s name in `fn` before it that can reach it: one in another branch of
 * the same `if` (`if backend == "tensorflow": x = tf.…  elif backend == "jax": x = jnp.…(x)`) cannot.
 */
function reachingAssignment(facts: Facts, node: Node, fn: Container): Assignment | undefined {
  const list = facts.assignmentsIn(node.text, fn.index);
  for (let i = list.length - 1; i >= 0; i--) {
    const a = list[i];
    if (a.offset > node.startIndex) continue;
    // `x = f(x)`: the right side still reads the previous binding.
    if (a.value.startIndex <= node.startIndex && node.endIndex <= a.value.endIndex) continue;
    if (exclusiveBranches(a.value, node)) continue;
    return a;
  }
  return undefined;
}

/** Whether `a` and `b` lie in different branches (if / elif / else) of one `if` statement. */
function exclusiveBranches(a: Node, b: Node): boolean {
  const above = new Map<number, Node>(); // ancestor id → the child of it on a's path
  for (let child = a, p = a.parent; p; child = p, p = p.parent) above.set(p.id, child);
  for (let child = b, p = b.parent; p; child = p, p = p.parent) {
    const fromA = above.get(p.id);
    if (!fromA) continue;
    if (p.type !== 'if_statement' || fromA.id === child.id) return false;
    const branch = (n: Node) => n.type === 'elif_clause' || n.type === 'else_clause' || n.fieldName === 'consequence';
    return branch(fromA) && branch(child);
  }
  return false;
}

export const PORT001: Rule = {
  meta: {
    code: 'PORT001',
    name: 'mixed-frameworks-in-function',
    framework: 'portability',
    category: 'portability',
    defaultSeverity: 'information',
    fixable: false,
    summary: 'One function runs tensor operations of two frameworks on the same values (host copies, no shared autodiff or compilation).',
  },
  // The call visitor's first test: a callee in one of the three frameworks (frameworkOf).
  calls: { callees: FRAMEWORK_MODULES, calleePrefixes: FRAMEWORK_MODULES.map((m) => `${m}.`) },
  local: true,
  create(ctx) {
    const { facts } = ctx;
    const infos = new Map<number, FnInfo>();
    const functionOf = (node: Node): Container | undefined => {
      for (let i = facts.containerIndex(node); i >= 0; i = facts.containers[i].parent) if (facts.containers[i].kind === 'function') return facts.containers[i];
      return undefined;
    };
    return {
      call(node) {
        const q = facts.callee(node);
        const to = frameworkOf(q);
        if (!to || !q) return;
        const fn = functionOf(node);
        if (!fn) return;
        const info = infos.get(fn.index) ?? { compute: new Set<Fw>(), calls: [] };
        infos.set(fn.index, info);
        if (BRIDGES.has(q)) return;
        if (!CONVERSIONS.has(q)) info.compute.add(to);
        if (DLPACK.test(q)) return; // the documented zero-copy boundary
        info.calls.push({ call: node, to });
      },
      exit() {
        for (const [index, info] of infos) {
          // A flow matters only between two frameworks the function computes with: most functions
          // use one, and their arguments need not be traced back at all.
          if (info.compute.size < 2) continue;
          const fn = facts.containers[index];
          const flow = firstFlow(facts, fn, info);
          if (!flow) continue;
          const name = fn.name ?? 'this function';
          const callee = flow.call.childForFieldName('function')!;
          ctx.report(callee, `${name}() mixes ${LABEL[flow.from]} and ${LABEL[flow.to]} on the same values: \`${callee.text}\` receives \`${flow.value.text}\`, computed with ${LABEL[flow.from]}. Each hop copies through host memory, gradients do not flow between the frameworks, and neither jit/tf.function/torch.compile can compile the whole function. Keep the computation in one framework; convert once at a boundary (with DLPack where possible).`);
        }
      },
    };
  },
};

/** The first call (in document order) that receives a value computed with another framework the function also computes with. */
function firstFlow(facts: Facts, fn: Container, info: FnInfo): Flow | undefined {
  for (const { call, to } of info.calls) {
    for (const a of argumentNodes(call)) {
      const value = a.type === 'keyword_argument' ? a.childForFieldName('value') : a;
      if (!value) continue;
      const from = valueFramework(facts, value, fn);
      if (from && from !== to) {
        if (info.compute.has(from) && info.compute.has(to)) return { call, from, to, value };
        break;
      }
    }
  }
  return undefined;
}
