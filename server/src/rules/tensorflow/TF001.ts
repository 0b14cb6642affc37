import type { Rule, Fix } from '../types';
import { SIDE_EFFECT_CALLS, sideEffectVisitor, printArgs } from '../shared/sideEffects';
import { appendArgument } from '../torch/args';
import { TENSORFLOW } from '../packages';

export const TF001: Rule = {
  meta: {
    code: 'TF001',
    name: 'side-effect-in-tf-function',
    framework: 'tensorflow',
    category: 'correctness',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'Python side effects (print, list.append, outer mutation) inside @tf.function run only while tracing.',
  },
  calls: SIDE_EFFECT_CALLS,
  local: true,
  requires: TENSORFLOW,
  create(ctx) {
    return sideEffectVisitor(ctx, {
      kind: 'tensorflow',
      label: 'tf.function',
      printAdvice: 'Use tf.print to print on every call.',
      printFix(ctx, call): Fix | undefined {
        // tf.print accepts the same positional inputs and the `sep` / `end` keywords; it has no `file` / `flush`.
        if (!printArgs(call, ['sep', 'end'])) return undefined;
        const name = ctx.nameFor('tensorflow.print', { module: 'tensorflow', alias: 'tf' });
        // tf.print writes to stderr by default; print wrote to stdout.
        const stdout = ctx.nameFor('sys.stdout', { module: 'sys' });
        const fn = call.childForFieldName('function')!;
        const stream = appendArgument(ctx, call, `output_stream=${stdout.text}`);
        if (!stream) return undefined;
        return {
          title: 'Replace print with tf.print',
          edits: [{ range: ctx.range(fn), newText: name.text }, stream, ...name.edits, ...stdout.edits],
        };
      },
    });
  },
};
