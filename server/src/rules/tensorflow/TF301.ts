import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule } from '../types';
import { TENSORFLOW } from '../packages';

/** TF1 names that exist only under tf.compat.v1 in TensorFlow 2 (AttributeError as `tf.X`). */
const TF1_ONLY = [
  'Session', 'InteractiveSession', 'placeholder', 'global_variables_initializer', 'local_variables_initializer',
  'get_variable', 'variable_scope', 'reset_default_graph', 'ConfigProto', 'train.Saver', 'train.AdamOptimizer',
  'train.GradientDescentOptimizer',
];
const REMOVED = new Set([...TF1_ONLY.map((n) => `tensorflow.${n}`), 'tensorflow.contrib']);
/** The last names of those APIs: the cheap first filter. */
const TF1_LAST = new Set([...TF1_ONLY.map((n) => n.split('.').pop()!), 'contrib']);
const COMPAT_V1 = 'tensorflow.compat.v1';

function rootIdentifier(node: Node): Node | undefined {
  let n: Node | null = node;
  while (n?.type === 'attribute') n = n.childForFieldName('object');
  return n?.type === 'identifier' ? n : undefined;
}

export const TF301: Rule = {
  meta: {
    code: 'TF301',
    name: 'tf1-api',
    framework: 'tensorflow',
    category: 'deprecation',
    defaultSeverity: 'warning',
    fixable: false,
    summary: 'TensorFlow 1.x graph-mode API (tf.compat.v1, tf.Session, tf.placeholder, tf.global_variables_initializer).',
  },
  // The attribute visitor's first test: `v1` or the last name of a TF1-only API.
  attributes: new Set(['v1', ...TF1_LAST]),
  local: true,
  requires: TENSORFLOW,
  create(ctx) {
    const { facts } = ctx;
    const advice = 'TensorFlow 2 runs eagerly: pass tensors to Python functions directly, use @tf.function (with an input_signature where a placeholder declared the shape) for graphs, and create variables as tf.Variable / Keras layers, which are initialised on creation.';
    const isCompat = (q: string) => q === COMPAT_V1 || q.startsWith(COMPAT_V1 + '.');
    return {
      attribute(node) {
        // Cheap filter on the last name first: no parent walks or name resolution on other attributes.
        const last = node.childForFieldName('attribute')?.text ?? '';
        if (last === 'v1') {
          const q = facts.qualifiedName(node);
          const root = rootIdentifier(node);
          if (q !== COMPAT_V1 || !root || isCompat(facts.imports.resolveName(root.text) ?? '')) return;
          // Report `tf.compat.v1.<api>` (up to two names past v1), not just the module.
          let target = node;
          for (let i = 0; i < 2; i++) {
            const p = target.parent;
            if (p?.type !== 'attribute' || p.childForFieldName('object')?.id !== target.id) break;
            target = p;
          }
          ctx.report(target, `${target.text} is TensorFlow 1 API kept only for migration: tf.compat.v1 graph-mode code (sessions, placeholders, initializers) does not work with eager execution or tf.function. ${advice}`);
          return;
        }
        if (!TF1_LAST.has(last)) return;
        const q = facts.qualifiedName(node);
        if (!q) return;
        const root = rootIdentifier(node);
        if (root && isCompat(facts.imports.resolveName(root.text) ?? '')) {
          // `import tensorflow.compat.v1 as tf`: the import is reported once; uses only for TF1-only APIs.
          const rest = q.slice(COMPAT_V1.length + 1);
          if (TF1_ONLY.includes(rest)) ctx.report(node, `${node.text} (tf.compat.v1.${rest}) is a TensorFlow 1 graph-mode API that does not work with eager execution or tf.function. ${advice}`);
        } else if (REMOVED.has(q)) {
          ctx.report(node, `${node.text} is TensorFlow 1 API: it no longer exists in TensorFlow 2 (AttributeError) and survives only as tf.compat.v1, which does not work with eager execution or tf.function. ${advice}`);
        }
      },
      import_statement(node) {
        for (const child of node.namedChildren) {
          const name = child?.type === 'aliased_import' ? child.childForFieldName('name') : child;
          if (name && isCompat(name.text.replace(/\s+/g, ''))) ctx.report(name, `Importing ${name.text} opts into the TensorFlow 1 API, kept only for migration. ${advice}`);
        }
      },
      import_from_statement(node) {
        const mod = node.childForFieldName('module_name');
        if (!mod) return;
        const m = mod.text.replace(/\s+/g, '');
        const importsV1 = m === 'tensorflow.compat' && node.namedChildren.some((c) => c && c.id !== mod.id && (c.text === 'v1' || c.childForFieldName?.('name')?.text === 'v1'));
        if (isCompat(m) || importsV1) ctx.report(mod, `Importing from ${importsV1 ? 'tensorflow.compat.v1' : m} opts into the TensorFlow 1 API, kept only for migration. ${advice}`);
      },
    };
  },
};
