import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule } from '../types';
import { TENSORFLOW } from '../packages';

/** `if self.v is None:` / `if v is None:` around the creation: the documented create-once pattern. */
function insideCreateOnceGuard(node: Node): boolean {
  for (let p = node.parent; p && p.type !== 'function_definition'; p = p.parent) {
    if (p.type === 'if_statement') {
      const cond = p.childForFieldName('condition');
      if (cond && /\bis\s+None\b|^not\s+/.test(cond.text)) return true;
    }
  }
  return false;
}

export const TF002: Rule = {
  meta: {
    code: 'TF002',
    name: 'variable-created-in-tf-function',
    framework: 'tensorflow',
    category: 'correctness',
    defaultSeverity: 'error',
    fixable: false,
    summary: 'tf.Variable created inside a @tf.function body: allowed only on the first trace; create it once outside or in build().',
  },
  calls: { callees: ['tensorflow.Variable'] },
  local: true,
  requires: TENSORFLOW,
  create(ctx) {
    const { facts } = ctx;
    return {
      call(node) {
        if (facts.callee(node) !== 'tensorflow.Variable') return;
        const scope = facts.tracedScope(node, 'tensorflow');
        if (!scope || insideCreateOnceGuard(node)) return;
        ctx.report(node.childForFieldName('function')!, 'tf.Variable created inside a tf.function: tf.function only supports singleton variables created once, on the first call, and an unconditional creation in the body raises ValueError ("tf.function only supports singleton tf.Variables created on the first call"). Create the variable once outside the function (in __init__, or in a Keras layer\'s build()) and only read or assign it here, or guard the creation with `if self.v is None:`.');
      },
    };
  },
};
