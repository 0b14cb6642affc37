import type { Rule } from '../types';
import { TORCH } from '../packages';

const DATA_PARALLEL = new Set(['torch.nn.DataParallel', 'torch.nn.parallel.DataParallel', 'torch.nn.parallel.data_parallel.DataParallel']);

export const PT103: Rule = {
  meta: {
    code: 'PT103',
    name: 'dataparallel',
    framework: 'torch',
    category: 'performance',
    defaultSeverity: 'warning',
    fixable: false,
    summary: 'nn.DataParallel: single-process multi-GPU training that PyTorch recommends replacing with DistributedDataParallel.',
  },
  calls: { callees: DATA_PARALLEL },
  local: true,
  requires: TORCH,
  create(ctx) {
    const { facts } = ctx;
    return {
      call(node) {
        if (!DATA_PARALLEL.has(facts.callee(node) ?? '')) return;
        ctx.report(node.childForFieldName('function')!, 'nn.DataParallel replicates the model and scatters inputs from one Python process on every step, which scales poorly (GIL, load on GPU 0); PyTorch recommends DistributedDataParallel instead, even on a single node. Use torch.nn.parallel.DistributedDataParallel with one process per GPU (e.g. launched by torchrun).');
      },
    };
  },
};
