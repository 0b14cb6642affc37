import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule } from '../types';
import type { Facts } from '../../resolve/facts';
import { positionalArgs } from '../../resolve/facts';
import { methodCall, stringValue } from '../util';
import { isJaxArrayName } from './JAX002';
import { JAX } from '../packages';

/** 64-bit floating dtypes that JAX truncates to 32 bits unless x64 is enabled. */
const WIDE_DTYPES = new Set(['jax.numpy.float64', 'jax.numpy.complex128', 'numpy.float64', 'numpy.complex128']);
const WIDE_STRINGS = new Set(['float64', 'f8', 'complex128', 'c16', 'double']);
/**
 * Read from the source at a string node's start: a literal that can be one of WIDE_STRINGS. Files
 * hold thousands of strings (docstrings, keys, messages); this spares reading the tree for them.
 */
const MAYBE_WIDE_STRING = /[rRbBuU]{0,2}(?:'|"|'''|""")(?:float64|f8|complex128|c16|double)['"]/y;
/** Functions that inspect dtypes rather than create values of them. */
const INSPECTION = new Set(['dtype', 'issubdtype', 'isdtype', 'finfo', 'iinfo', 'promote_types', 'result_type', 'can_cast']);
/** Where a positional float64 argument is a dtype request (`jnp.zeros(3, jnp.float64)`). */
const JAX_ARRAY_MODULES = ['jax.numpy.', 'jax.random.', 'jax.lax.', 'jax.nn.'];

/**
 * Does the module turn 64-bit mode on: `jax.config.update("jax_enable_x64", <not False>)`,
 * `jax.enable_x64()` / `jax.experimental.enable_x64()`, a `jax_enable_x64=` keyword (test config
 * helpers), or the JAX_ENABLE_X64 environment variable?
 */
function enablesX64(facts: Facts): boolean {
  for (const call of facts.calls) {
    const q = facts.callee(call) ?? '';
    if (q === 'jax.enable_x64' || q === 'jax.experimental.enable_x64' || q.endsWith('config.enable_x64')) {
      const arg = positionalArgs(call)[0];
      if (arg?.type !== 'false') return true;
    }
    // Test and flag helpers: `jtu.with_config(jax_enable_x64=True)`, `flagsaver(jax_enable_x64=True)`.
    for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
      if (a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'jax_enable_x64' && a.childForFieldName('value')?.type !== 'false') return true;
    }
    if (q.endsWith('config.update') || q === 'jax.config.update') {
      const [name, value] = positionalArgs(call);
      if (stringValue(name) === 'jax_enable_x64' && value && value.type !== 'false') return true;
    }
  }
  return /JAX_ENABLE_X64/.test(facts.source);
}

export const JAX201: Rule = {
  meta: {
    code: 'JAX201',
    name: 'float64-without-x64',
    framework: 'jax',
    category: 'portability',
    defaultSeverity: 'information',
    fixable: false,
    summary: 'float64 requested in JAX code in a module that never enables jax_enable_x64: JAX silently uses float32.',
  },
  // The attribute visitor reports only WIDE_DTYPES, whose last names these are.
  attributes: new Set([...WIDE_DTYPES].map((q) => q.slice(q.lastIndexOf('.') + 1))),
  local: true,
  requires: JAX,
  create(ctx) {
    const { facts } = ctx;
    let enabled: boolean | undefined;
    const report = (node: Node) => {
      // Every way of enabling it is written with `x64` or `X64`, or with a name imported for one.
      facts.noteWord('x64');
      facts.noteWord('X64');
      enabled ??= enablesX64(facts);
      if (enabled) return;
      ctx.report(node, `\`${node.text}\` asks for a 64-bit type, but JAX truncates it to 32 bits (with only a warning) unless \`jax_enable_x64\` is on, and this module never enables it. ` +
        'Enable it once at program start (`jax.config.update("jax_enable_x64", True)`) if you need double precision, or ask for float32.');
    };
    /** Is `value` (a dtype expression) used to request a dtype from JAX where it stands? */
    const requestedFromJax = (value: Node): boolean => {
      const p = value.parent;
      if (!p) return false;
      if (p.type === 'call' && p.childForFieldName('function')?.id === value.id) return !!facts.qualifiedName(value)?.startsWith('jax.'); // jnp.float64(x)
      const args = p.type === 'keyword_argument' ? (p.childForFieldName('name')?.text === 'dtype' ? p.parent : null) : p.type === 'argument_list' ? p : null;
      const call = args?.parent;
      if (!args || call?.type !== 'call') return false;
      const q = facts.callee(call) ?? '';
      if (q.startsWith('jax.')) {
        if (INSPECTION.has(q.slice(q.lastIndexOf('.') + 1))) return false;
        return p.type === 'keyword_argument' || JAX_ARRAY_MODULES.some((m) => q.startsWith(m));
      }
      const m = methodCall(call);
      return m?.method === 'astype' && isJaxReceiver(m.receiver);
    };
    const isJaxReceiver = (recv: Node): boolean => {
      if (recv.type === 'identifier') return isJaxArrayName(recv.text, recv, facts);
      if (recv.type === 'call') return (facts.callee(recv) ?? '').startsWith('jax.numpy.');
      return false;
    };
    return {
      attribute(node) {
        const q = facts.qualifiedName(node);
        if (q && WIDE_DTYPES.has(q) && requestedFromJax(node)) report(node);
      },
      string(node) {
        MAYBE_WIDE_STRING.lastIndex = node.startIndex;
        if (!MAYBE_WIDE_STRING.test(ctx.source)) return;
        const s = stringValue(node);
        if (s !== undefined && WIDE_STRINGS.has(s) && requestedFromJax(node)) report(node);
      },
    };
  },
};
