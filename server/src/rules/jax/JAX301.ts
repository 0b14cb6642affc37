import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule } from '../types';
import { JAX } from '../packages';

/** Uses of the new key that rely on the legacy raw layout: no fix there (the code must call key_data). */
function usedAsRawArray(call: Node, q: (n: Node) => string | undefined): boolean {
  const p = call.parent;
  if (!p) return false;
  if (p.type === 'subscript' || p.type === 'attribute' || p.type === 'binary_operator' || p.type === 'comparison_operator') return true;
  if (p.type === 'argument_list' && p.parent?.type === 'call') {
    const callee = q(p.parent.childForFieldName('function')!) ?? '';
    return !callee.startsWith('jax.') && !callee.startsWith('flax.');
  }
  return false;
}

export const JAX301: Rule = {
  meta: {
    code: 'JAX301',
    name: 'legacy-prngkey',
    framework: 'jax',
    category: 'deprecation',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'jax.random.PRNGKey creates a legacy raw uint32 key; JAX recommends typed keys from jax.random.key.',
  },
  calls: { callees: ['jax.random.PRNGKey'] },
  local: true,
  requires: JAX,
  create(ctx) {
    const { facts } = ctx;
    return {
      call(node) {
        if (facts.callee(node) !== 'jax.random.PRNGKey') return;
        const fn = node.childForFieldName('function')!;
        // `jax.random.PRNGKey` / `random.PRNGKey`: rename the attribute; a bare imported `PRNGKey`: name jax.random.key.
        const attr = fn.type === 'attribute' ? fn.childForFieldName('attribute') : null;
        const name = attr ? { text: fn.text.slice(0, attr.startIndex - fn.startIndex) + 'key', edits: [] } : ctx.nameFor('jax.random.key', { module: 'jax' });
        const message = `\`${fn.text}\` creates a legacy key, a raw uint32 array of shape (2,); JAX recommends \`jax.random.key\`, which returns a typed key ` +
          '(a scalar of shape () with a key<…> dtype). jax.random functions accept both, but code that indexes, reshapes, compares or serialises the key needs `jax.random.key_data(key)` after the switch.';
        if (usedAsRawArray(node, (n) => facts.qualifiedName(n))) {
          ctx.report(fn, message);
          return;
        }
        ctx.report(fn, message, { title: `Use ${name.text} (typed key)`, suggestion: true, edits: [{ range: ctx.range(fn), newText: name.text }, ...name.edits] });
      },
    };
  },
};
