import type { Node } from 'web-tree-sitter';
import type { Facts } from '../../resolve/facts';
import { positionalArgs } from '../../resolve/facts';
import type { Rule } from '../types';
import { argumentNodes } from '../util';

/** `tf.data.Dataset` methods that return a dataset. */
const TRANSFORMS = new Set([
  'apply', 'batch', 'bucket_by_sequence_length', 'cache', 'concatenate', 'enumerate', 'filter', 'flat_map', 'group_by_window',
  'ignore_errors', 'interleave', 'map', 'padded_batch', 'prefetch', 'ragged_batch', 'rebatch', 'repeat', 'shard', 'shuffle', 'skip',
  'unbatch', 'window', 'with_options',
]);
const BATCHES = new Set(['batch', 'padded_batch']);
/** Calls that leave the pipeline for inspection (`.take(1)`, `.as_numpy_iterator()`): no training input. */
const SOURCES = (q: string) => q.startsWith('tensorflow.data.') || q === 'tensorflow_datasets.load';

interface Link { call: Node; method: string; attr: Node }
interface Chain { links: Link[]; root: Node }

/** `a.b(...).c(...)` → its method calls from the innermost outwards, and what the first one is called on. */
function chainOf(facts: Facts, outer: Node): Chain {
  const links: Link[] = [];
  let n: Node = outer;
  for (;;) {
    const fn = n.type === 'call' ? n.childForFieldName('function') : null;
    if (fn?.type !== 'attribute' || facts.qualifiedName(fn)) break;
    const attr = fn.childForFieldName('attribute')!;
    links.unshift({ call: n, method: attr.text, attr });
    n = fn.childForFieldName('object')!;
  }
  return { links, root: n };
}

/** Is this chain rooted at a tf.data source, directly or through assignments? */
function isDataset(facts: Facts, chain: Chain, depth = 0): boolean {
  if (depth > 6) return false;
  if (chain.root.type === 'call') return SOURCES(facts.callee(chain.root) ?? '');
  if (chain.root.type !== 'identifier') return false;
  const a = facts.assignmentBefore(chain.root.text, chain.root);
  if (!a || a.value.type !== 'call') return false;
  return isDataset(facts, chainOf(facts, a.value), depth + 1);
}

const prefetches = (l: Link) => l.method === 'prefetch' || (l.method === 'apply' && /prefetch/.test(l.call.text));

export const TF103: Rule = {
  meta: {
    code: 'TF103',
    name: 'dataset-without-prefetch',
    framework: 'tensorflow',
    category: 'performance',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'A tf.data pipeline batches without a final .prefetch(), or maps without num_parallel_calls.',
  },
  create(ctx) {
    const { facts } = ctx;

    /** A later statement of the same scope prefetches what this chain produced. */
    function prefetchedLater(chainNode: Node): boolean {
      const parent = chainNode.parent;
      let rootName: string | undefined;
      let rootCall: string | undefined;
      if (parent?.type === 'assignment' && parent.childForFieldName('left')?.type === 'identifier') rootName = parent.childForFieldName('left')!.text;
      else if (parent?.type === 'return_statement') rootCall = facts.enclosingFunction(chainNode)?.name;
      if (!rootName && !rootCall) return false;
      return facts.calls.some((c) => {
        if (c.startIndex <= chainNode.startIndex) return false;
        const { links, root } = chainOf(facts, c);
        if (!links.some(prefetches)) return false;
        if (rootName) return root.type === 'identifier' && root.text === rootName;
        const f = root.type === 'call' ? root.childForFieldName('function') : null;
        return (f?.type === 'identifier' && f.text === rootCall) || (f?.type === 'attribute' && f.childForFieldName('attribute')?.text === rootCall);
      });
    }

    return {
      call(node) {
        // Only the outermost call of a chain.
        const p = node.parent;
        if (p?.type === 'attribute' && p.childForFieldName('object')?.id === node.id && p.parent?.type === 'call') return;
        const chain = chainOf(facts, node);
        if (chain.links.length === 0 || !chain.links.every((l) => TRANSFORMS.has(l.method))) return;
        if (!isDataset(facts, chain)) return;
        for (const l of chain.links) {
          if (l.method !== 'map') continue;
          const hasParallel = argumentNodes(l.call).some((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'num_parallel_calls') || positionalArgs(l.call).length >= 2;
          if (!hasParallel) ctx.report(l.attr, '.map() without num_parallel_calls transforms one element at a time on a single core. Pass num_parallel_calls=tf.data.AUTOTUNE so tf.data runs the map function in parallel.');
        }
        let lastBatch = -1;
        chain.links.forEach((l, i) => { if (BATCHES.has(l.method)) lastBatch = i; });
        if (lastBatch < 0 || chain.links.slice(lastBatch + 1).some(prefetches) || prefetchedLater(node)) return;
        const batch = chain.links[lastBatch];
        const autotune = ctx.nameFor('tensorflow.data.AUTOTUNE', { module: 'tensorflow', alias: 'tf' });
        const end = ctx.range(node).end;
        // A chain written one `.method()` per line gets the prefetch on a line of its own.
        const last = chain.links[chain.links.length - 1].attr;
        const lineStart = ctx.source.lastIndexOf('\n', last.startIndex - 1) + 1;
        const before = ctx.source.slice(lineStart, last.startIndex);
        const newline = /^[ \t]*\.$/.test(before) ? `\n${before.slice(0, -1)}` : '';
        ctx.report(batch.attr, `This tf.data pipeline batches but never prefetches, so input preparation and the training step take turns instead of overlapping. End the pipeline with .prefetch(${autotune.text}).`,
          { title: `Append .prefetch(${autotune.text})`, edits: [{ range: { start: end, end }, newText: `${newline}.prefetch(${autotune.text})` }, ...autotune.edits] });
      },
    };
  },
};
