import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule } from '../types';
import { JAX } from '../packages';

/**
 * Pytree helpers removed from the `jax` namespace (deprecated 0.3.16 / 0.4.26, removed in JAX 0.6.0)
 * and `jax.tree_util.tree_multimap` (removed in 0.3.16), with their current names.
 */
const REMOVED: Record<string, string> = {
  'jax.tree_map': 'jax.tree.map',
  'jax.tree_flatten': 'jax.tree.flatten',
  'jax.tree_unflatten': 'jax.tree.unflatten',
  'jax.tree_leaves': 'jax.tree.leaves',
  'jax.tree_structure': 'jax.tree.structure',
  'jax.tree_transpose': 'jax.tree.transpose',
  'jax.treedef_is_leaf': 'jax.tree_util.treedef_is_leaf',
  'jax.tree_util.tree_multimap': 'jax.tree_util.tree_map',
};

function message(old: string, replacement: string, imported = false): string {
  const when = old === 'jax.tree_util.tree_multimap' ? 'was removed in JAX 0.3.16' : 'was removed from the jax namespace in JAX 0.6.0';
  const error = imported ? 'ImportError' : 'AttributeError';
  const use = imported && old.startsWith('jax.tree_') && replacement.startsWith('jax.tree.')
    ? `Import it from \`jax.tree_util\`, or use \`${replacement}\``
    : `Use \`${replacement}\``;
  return `\`${old}\` ${when}: on current JAX it raises ${error}. ${use} (the same function).`;
}

export const JAX302: Rule = {
  meta: {
    code: 'JAX302',
    name: 'removed-tree-map',
    framework: 'jax',
    category: 'deprecation',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'jax.tree_map and the other top-level jax.tree_* aliases were removed in JAX 0.6.0; use jax.tree.*.',
  },
  // The attribute visitor reports only REMOVED names, whose last names these are.
  attributes: new Set(Object.keys(REMOVED).map((q) => q.slice(q.lastIndexOf('.') + 1))),
  local: true,
  requires: JAX,
  create(ctx) {
    const { facts } = ctx;
    return {
      attribute(node) {
        const q = facts.qualifiedName(node);
        const replacement = q ? REMOVED[q] : undefined;
        if (!q || !replacement) return;
        const attr = node.childForFieldName('attribute')!;
        const objQ = q.slice(0, q.lastIndexOf('.'));
        const newTail = replacement.slice(objQ.length + 1);
        ctx.report(node, message(q, replacement), {
          title: `Use ${replacement}`,
          edits: [{ range: ctx.range(attr), newText: newTail }],
        });
      },
      import_from_statement(node) {
        const mod = node.childForFieldName('module_name');
        if (!mod) return;
        const names: Array<{ name: string; node: Node }> = [];
        for (const c of node.namedChildren) {
          if (!c || c.id === mod.id) continue;
          const n = c.type === 'aliased_import' ? c.childForFieldName('name') : c.type === 'dotted_name' ? c : null;
          if (n) names.push({ name: n.text, node: n });
        }
        const removed = names.filter((n) => REMOVED[`${mod.text}.${n.name}`]);
        // `from jax import tree_map, tree_leaves` → `from jax.tree_util import …`: the same functions under the same names.
        const allMovable = mod.text === 'jax' && removed.length === names.length;
        for (const r of removed) {
          const old = `${mod.text}.${r.name}`;
          const replacement = REMOVED[old];
          if (allMovable) {
            ctx.report(r.node, message(old, replacement, true), {
              title: 'Import from jax.tree_util',
              edits: [{ range: ctx.range(mod), newText: 'jax.tree_util' }],
            });
          } else {
            ctx.report(r.node, message(old, replacement, true));
          }
        }
      },
    };
  },
};
