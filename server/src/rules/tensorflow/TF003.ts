import type { Rule } from '../types';
import { argumentNodes, methodCall } from '../util';
import { TENSORFLOW } from '../packages';

export const TF003: Rule = {
  meta: {
    code: 'TF003',
    name: 'numpy-in-tf-function',
    framework: 'tensorflow',
    category: 'correctness',
    defaultSeverity: 'warning',
    fixable: false,
    summary: '.numpy() on a tensor inside @tf.function: graph tensors have no value while tracing.',
  },
  calls: { methods: ['numpy'] },
  local: true,
  requires: TENSORFLOW,
  create(ctx) {
    const { facts } = ctx;
    return {
      call(node) {
        const m = methodCall(node);
        if (!m || m.method !== 'numpy' || argumentNodes(node).length > 0) return;
        if (!facts.tracedScope(node, 'tensorflow')) return;
        const attr = node.childForFieldName('function')!.childForFieldName('attribute')!;
        ctx.report(attr, `\`${m.receiver.text}.numpy()\` inside a tf.function: while tracing, tensors are symbolic graph tensors without a value, so .numpy() raises AttributeError (and a captured eager value would be frozen into the graph as a constant). Keep the computation in TensorFlow ops (tf.math, tf.where, tf.cond), or wrap NumPy code in tf.numpy_function / tf.py_function.`);
      },
    };
  },
};
