import type { Rule } from '../types';
import { positionalArgs } from '../../resolve/facts';
import { appendArgument, hasSplat, keywordNode } from './args';
import { TORCH } from '../packages';

const LOADS = new Set(['torch.load', 'torch.serialization.load']);

export const PT304: Rule = {
  meta: {
    code: 'PT304',
    name: 'torch-load-without-weights-only',
    framework: 'torch',
    category: 'deprecation',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'torch.load() without an explicit weights_only=: unpickles arbitrary objects before PyTorch 2.6, rejects them from 2.6 on.',
  },
  calls: { callees: LOADS },
  local: true,
  requires: TORCH,
  create(ctx) {
    const { facts } = ctx;
    return {
      call(node) {
        if (!LOADS.has(facts.callee(node) ?? '')) return;
        if (keywordNode(node, 'weights_only') || hasSplat(node)) return;
        const fn = node.childForFieldName('function')!;
        // torch.load(f, map_location=None, pickle_module=pickle, *, weights_only=…)
        if (keywordNode(node, 'pickle_module') || positionalArgs(node).length >= 3) {
          ctx.report(fn, 'torch.load() with a custom pickle_module always unpickles with it (weights_only defaults to False then, and weights_only=True cannot be combined with pickle_module), so a malicious file can run code. Load only files you trust and pass weights_only=False explicitly to record that decision, or drop pickle_module and pass weights_only=True.');
          return;
        }
        const edit = appendArgument(ctx, node, 'weights_only=True');
        ctx.report(fn, 'torch.load() without weights_only=: before PyTorch 2.6 it unpickles arbitrary Python objects (a malicious checkpoint can run code); from 2.6 it defaults to weights_only=True and rejects checkpoints holding arbitrary objects, so the behaviour depends on the installed version (and on TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD). Pass weights_only=True (or weights_only=False only for files you trust).',
          edit ? { title: 'Add weights_only=True', edits: [edit] } : undefined);
      },
    };
  },
};
