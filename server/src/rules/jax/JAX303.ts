import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule } from '../types';
import { positionalArgs } from '../../resolve/facts';
import { JAX } from '../packages';

const MESSAGE = '`jax.pmap` is in maintenance mode (since JAX 0.8.0 it is implemented on top of jax.jit and jax.shard_map, with behaviour differences). ' +
  'Write new code with `jax.shard_map` over a mesh, or `jax.jit` with shardings; see the JAX pmap migration guide.';

export const JAX303: Rule = {
  meta: {
    code: 'JAX303',
    name: 'pmap-legacy',
    framework: 'jax',
    category: 'deprecation',
    defaultSeverity: 'warning',
    fixable: false,
    summary: 'jax.pmap is in maintenance mode; use jax.shard_map or jax.jit with shardings.',
  },
  // The call visitor reports `jax.pmap(…)` and `partial(jax.pmap, …)` only.
  calls: { callees: ['jax.pmap', 'functools.partial'] },
  local: true,
  requires: JAX,
  create(ctx) {
    const { facts } = ctx;
    const isPmap = (n: Node | null | undefined) => !!n && facts.qualifiedName(n) === 'jax.pmap';
    return {
      call(node) {
        const fn = node.childForFieldName('function');
        if (isPmap(fn)) { ctx.report(fn!, MESSAGE); return; }
        // partial(jax.pmap, axis_name=…)
        if (facts.callee(node) === 'functools.partial') {
          const first = positionalArgs(node)[0];
          if (isPmap(first)) ctx.report(first!, MESSAGE);
        }
      },
      decorator(node) {
        const expr = node.namedChildren[0];
        if (isPmap(expr)) ctx.report(expr!, MESSAGE);
      },
    };
  },
};
