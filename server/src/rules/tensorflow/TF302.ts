import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule } from '../types';
import type { Facts } from '../../resolve/facts';
import { importsModule } from '../util';
import { TENSORFLOW } from '../packages';

const TF_KERAS = 'tensorflow.keras';

/**
 * The standalone `keras` package imported outside any `if` / `try`: an import under a version check or
 * in a `try … except ImportError` is a compatibility shim (`from keras.src import backend` for Keras 3,
 * `from tf_keras.src import backend` otherwise), written by someone handling the split on purpose.
 */
function importsKerasUnconditionally(facts: Facts): boolean {
  const conditional = (node: Node) => {
    for (let p = node.parent; p; p = p.parent) {
      if (p.type === 'if_statement' || p.type === 'try_statement') return true;
      if (p.type === 'function_definition' || p.type === 'class_definition') return false;
    }
    return false;
  };
  return importsModule(facts, 'keras', (node) => !conditional(node));
}

export const TF302: Rule = {
  meta: {
    code: 'TF302',
    name: 'tf-keras-vs-keras3',
    framework: 'tensorflow',
    category: 'deprecation',
    defaultSeverity: 'information',
    fixable: true,
    summary: 'tf.keras used in a file that also imports the standalone keras package: the two can be different Keras versions.',
  },
  // The attribute visitor's first test: `….keras`.
  attributes: ['keras'],
  local: true,
  requires: TENSORFLOW,
  create(ctx) {
    const { facts } = ctx;
    let mixed: boolean | undefined;
    const isMixed = () => (mixed ??= importsKerasUnconditionally(facts));
    const why = 'this file also imports the standalone `keras` package, and depending on the installed versions (TensorFlow < 2.16, or TF_USE_LEGACY_KERAS=1) tf.keras can be Keras 2 while `keras` is Keras 3, whose layers, optimizers and models do not mix.';
    const isKerasImport = (name: string) => name === TF_KERAS || name.startsWith(TF_KERAS + '.');
    return {
      attribute(node) {
        if (node.childForFieldName('attribute')?.text !== 'keras' || facts.qualifiedName(node) !== TF_KERAS || !isMixed()) return;
        const base = node.childForFieldName('object');
        if (base?.type !== 'identifier' || facts.imports.resolveName(base.text) !== 'tensorflow') return;
        const keras = ctx.nameFor('keras');
        ctx.report(node, `${node.text} is used although ${why} Use \`keras.\` consistently.`, { title: `Replace ${node.text} with ${keras.text}`, edits: [{ range: ctx.range(node), newText: keras.text }, ...keras.edits] });
      },
      import_statement(node) {
        if (!isMixed()) return;
        for (const child of node.namedChildren) {
          const name = child?.type === 'aliased_import' ? child.childForFieldName('name') : child;
          if (name && isKerasImport(name.text.replace(/\s+/g, ''))) ctx.report(name, `Importing ${name.text}: ${why} Import from \`keras\` instead.`);
        }
      },
      import_from_statement(node) {
        if (!isMixed()) return;
        const mod = node.childForFieldName('module_name');
        if (!mod) return;
        const m = mod.text.replace(/\s+/g, '');
        if (isKerasImport(m)) { ctx.report(mod, `Importing from ${m}: ${why} Import from \`keras\` instead.`); return; }
        if (m !== 'tensorflow') return;
        for (const c of node.namedChildren) {
          if (!c || c.id === mod.id) continue;
          const name: Node | null = c.type === 'aliased_import' ? c.childForFieldName('name') : c;
          if (name?.text === 'keras') ctx.report(name, `\`from tensorflow import keras\`: ${why} Use \`import keras\` instead.`);
        }
      },
    };
  },
};
