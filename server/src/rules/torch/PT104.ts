import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule } from '../types';
import type { Facts } from '../../resolve/facts';
import { positionalArgs } from '../../resolve/facts';
import { argumentNodes, methodCall, stringValue } from '../util';
import { hasSplat, keywordNode } from './args';
import { TORCH } from '../packages';

const DATA_LOADERS = new Set(['torch.utils.data.DataLoader', 'torch.utils.data.dataloader.DataLoader']);
// DataLoader(dataset, batch_size, shuffle, sampler, batch_sampler, num_workers, collate_fn, pin_memory, …)
const NUM_WORKERS_POS = 5;
const PIN_MEMORY_POS = 7;
const CUDA_LITERAL = /^cuda(:\d+)?$/;

/** The file moves data to CUDA: `.cuda()`, `torch.cuda.*`, `torch.device("cuda")`, `.to("cuda")`, `device="cuda"`. */
function usesCuda(facts: Facts): boolean {
  const isCuda = (n: Node | undefined) => CUDA_LITERAL.test(stringValue(n) ?? '');
  return facts.calls.some((call: Node) => {
    const m = methodCall(call);
    if (m?.method === 'cuda') return true;
    const q = facts.callee(call) ?? '';
    if (q.startsWith('torch.cuda.')) return true;
    const args = argumentNodes(call);
    if ((q === 'torch.device' || m?.method === 'to') && isCuda(args[0])) return true;
    return args.some((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'device' && isCuda(a.childForFieldName('value') ?? undefined));
  });
}

const ITERABLE_DATASETS = new Set(['torch.utils.data.IterableDataset', 'torch.utils.data.dataset.IterableDataset']);

/** Names of the classes this file defines on `IterableDataset` (directly or through another of them). */
function iterableDatasetClasses(facts: Facts): Set<string> {
  const out = new Set<string>();
  const classes = facts.containers.flatMap((c) => {
    const name = c.kind === 'class' ? c.node.childForFieldName('name')?.text : undefined;
    return name ? [{ name, bases: c.node.childForFieldName('superclasses')?.namedChildren ?? [] }] : [];
  });
  for (let changed = true; changed;) {
    changed = false;
    for (const c of classes) {
      if (out.has(c.name)) continue;
      if (c.bases.some((b) => ITERABLE_DATASETS.has(facts.qualifiedName(b) ?? '') || (b.type === 'identifier' && out.has(b.text)))) {
        out.add(c.name);
        changed = true;
      }
    }
  }
  return out;
}

/**
 * The loader reads an `IterableDataset` of this file's: with workers, each one iterates its own copy
 * of the dataset, and unless the dataset splits the work itself (`get_worker_info()`) every sample
 * comes `num_workers` times — so workers are not the plain fix there.
 */
function overIterableDataset(call: Node, facts: Facts, iterable: Set<string>): boolean {
  if (!iterable.size) return false;
  let arg: Node | null | undefined = positionalArgs(call)[0] ?? keywordNode(call, 'dataset')?.childForFieldName('value');
  if (arg?.type === 'identifier') {
    const a = facts.assignmentBefore(arg.text, call);
    arg = a && !a.via ? a.value : undefined;
  }
  const fn = arg?.type === 'call' ? arg.childForFieldName('function') : undefined;
  return fn?.type === 'identifier' && iterable.has(fn.text);
}

export const PT104: Rule = {
  meta: {
    code: 'PT104',
    name: 'dataloader-without-workers',
    framework: 'torch',
    category: 'performance',
    defaultSeverity: 'warning',
    fixable: false,
    summary: 'DataLoader without num_workers (and without pin_memory in a file that uses CUDA) loads batches synchronously in the training process.',
  },
  calls: { callees: DATA_LOADERS },
  local: true,
  requires: TORCH,
  create(ctx) {
    const { facts } = ctx;
    let cuda: boolean | undefined;
    let iterable: Set<string> | undefined;
    return {
      call(node) {
        if (!DATA_LOADERS.has(facts.callee(node) ?? '') || hasSplat(node)) return;
        const fn = node.childForFieldName('function')!;
        const positional = positionalArgs(node).length;
        // Both questions are about the whole file: their answers depend on where these words are
        // written (`IterableDataset` and the names of the classes found, `cuda`), or names imported for them.
        facts.noteWord('IterableDataset');
        iterable ??= iterableDatasetClasses(facts);
        for (const name of iterable) facts.noteWord(name);
        const missingWorkers = !keywordNode(node, 'num_workers') && positional <= NUM_WORKERS_POS && !overIterableDataset(node, facts, iterable);
        facts.noteWord('cuda');
        cuda ??= usesCuda(facts);
        const missingPin = cuda && !keywordNode(node, 'pin_memory') && positional <= PIN_MEMORY_POS;
        if (!missingWorkers && !missingPin) return;
        const why: string[] = [];
        const todo: string[] = [];
        if (missingWorkers) {
          why.push('has no num_workers, so it loads every batch in the main process (num_workers=0 by default) and the model waits while data is read and augmented');
          todo.push('num_workers > 0 (or num_workers=0 explicitly where that is intended)');
        }
        if (missingPin) {
          why.push('has no pin_memory although this file uses CUDA, so host-to-GPU copies come from pageable memory and cannot overlap with compute');
          todo.push('pin_memory=True (e.g. pin_memory=torch.cuda.is_available())');
        }
        ctx.report(fn, `This DataLoader ${why.join(', and ')}. Pass ${todo.join(' and ')}.`);
      },
    };
  },
};
