import type { Node } from 'web-tree-sitter';
import type { Rule } from '../types';
import type { Facts } from '../../resolve/facts';
import { positionalArgs, keywordArg } from '../../resolve/facts';
import { methodCall, stringValue } from '../util';
import { isJaxArrayName } from './JAX002';

/** 64-bit floating dtypes that JAX truncates to 32 bits unless x64 is enabled. */
const WIDE_DTYPES = new Set(['jax.numpy.float64', 'jax.numpy.complex128', 'numpy.float64', 'numpy.complex128']);
const WIDE_STRINGS = new Set(['float64', 'f8', 'complex128', 'c16', 'double']);

/**
 * Does the module turn 64-bit mode on: `jax.config.update("jax_enable_x64", <not False>)`,
 * `jax.enable_x64()` / `jax.experimental.enable_x64()`, or the JAX_ENABLE_X64 environment variable?
 */
function enablesX64(facts: Facts): boolean {
  for (const call of facts.calls) {
    const q = facts.callee(call) ?? '';
    if (q === 'jax.enable_x64' || q === 'jax.experimental.enable_x64') {
      const arg = positionalArgs(call)[0];
      if (arg?.type !== 'false') return true;
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
  create(ctx) {
    const { facts } = ctx;
    let enabled: boolean | undefined;
    const report = (node: Node) => {
      enabled ??= enablesX64(facts);
      if (enabled) return;
      ctx.report(node, `\`${node.text}\` asks for a 64-bit type, but JAX truncates it to 32 bits (with only a warning) unless \`jax_enable_x64\` is on, and this module never enables it. ` +
        'Enable it once at program start (`jax.config.update("jax_enable_x64", True)`) if you need double precision, or ask for float32.');
    };
    /** A dtype value given to a JAX function: `"float64"`, `np.float64`, `jnp.float64` (the last is reported on its own). */
    const checkDtype = (value: Node | undefined) => {
      if (!value) return;
      const s = stringValue(value);
      if (s !== undefined) { if (WIDE_STRINGS.has(s)) report(value); return; }
      const q = facts.qualifiedName(value);
      if (q && WIDE_DTYPES.has(q) && q.startsWith('numpy.')) report(value);
    };
    return {
      attribute(node) {
        const q = facts.qualifiedName(node);
        if (q !== 'jax.numpy.float64' && q !== 'jax.numpy.complex128') return;
        report(node);
      },
      call(node) {
        const q = facts.callee(node);
        if (q && q.startsWith('jax.') && !q.startsWith('jax.numpy.float64') && !q.startsWith('jax.numpy.complex128')) {
          checkDtype(keywordArg(node, 'dtype'));
          return;
        }
        const m = methodCall(node);
        if (m?.method === 'astype' && m.receiver.type === 'identifier' && isJaxArrayName(m.receiver.text, node, facts)) {
          checkDtype(positionalArgs(node)[0] ?? keywordArg(node, 'dtype'));
        }
      },
    };
  },
};
