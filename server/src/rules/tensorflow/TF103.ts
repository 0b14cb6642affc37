import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Facts } from '../../resolve/facts';
import { positionalArgs } from '../../resolve/facts';
import type { Rule } from '../types';
import { argumentNodes, calledName, importsModule, remembered } from '../util';
import { TENSORFLOW } from '../packages';

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
  // A pipeline is reported from its outermost call, and only when every method of the chain is a
  // dataset transformation: the outermost one's included.
  calls: { methods: TRANSFORMS },
  local: true,
  requires: TENSORFLOW,
  create(ctx) {
    const { facts } = ctx;

    /** The outermost call of the method chain that `node` starts (`node.a().b()` → the `.b()` call). */
    function outermost(node: Node): Node {
      let n = node;
      while (n.parent?.type === 'attribute' && n.parent.childForFieldName('object')?.id === n.id && n.parent.parent?.type === 'call') n = n.parent.parent;
      return n;
    }

    // Worked out once per analysis (`remembered`): the chains that do prefetch, by the name they start
    // from (with where the prefetch is and the function it is in), and whether a function's result is
    // prefetched by its callers (by its name and depth). Calls are found by their simple name through
    // the facts (`callsNamed`), so that the incremental analysis knows which names' call sites a
    // statement's findings depend on.
    const remember = remembered<string, unknown>(facts);
    const prefetchRoots = () => remember('prefetch roots', () => {
      const roots = new Map<string, Array<{ at: number; fn: number | undefined }>>();
      for (const c of [...facts.callsNamed('prefetch'), ...facts.callsNamed('apply')]) {
        if (calledName(c) === 'apply' && !/prefetch/.test(c.text)) continue;
        const root = chainOf(facts, outermost(c)).root;
        if (root.type !== 'identifier') continue;
        const list = roots.get(root.text);
        const entry = { at: c.startIndex, fn: facts.enclosingFunction(root)?.index };
        if (list) list.push(entry);
        else roots.set(root.text, [entry]);
      }
      return roots;
    }) as Map<string, Array<{ at: number; fn: number | undefined }>>;

    /**
     * Does what this expression produces get prefetched downstream? Followed through an assignment
     * (`ds = …` then `ds.prefetch(…)` later), a `return` (then the function's callers), a few levels deep.
     */
    function prefetchedLater(expr: Node, depth = 0): boolean {
      if (depth > 3) return false;
      let parent = expr.parent;
      while (parent?.type === 'parenthesized_expression') { expr = parent; parent = parent.parent; }
      const fn = facts.enclosingFunction(expr);
      const returned = (f: typeof fn): boolean => {
        if (!f?.name) return false;
        const name = f.name;
        // By name: the answer depends on the name and the depth alone (a file may define a method
        // `call` hundreds of times, and each of those asked the same question of the same calls).
        return remember(`returned ${name}:${depth}`, () => facts.callsNamed(name).some((c) => {
          const outer = outermost(c);
          return (outer.id !== c.id && chainOf(facts, outer).links.some(prefetches)) || prefetchedLater(outer, depth + 1);
        })) as boolean;
      };
      if (parent?.type === 'return_statement') return returned(fn);
      if (parent?.type !== 'assignment' || parent.childForFieldName('left')?.type !== 'identifier') return false;
      const name = parent.childForFieldName('left')!.text;
      if (prefetchRoots().get(name)?.some((p) => p.at > expr.endIndex && p.fn === fn?.index)) return true;
      // `return ds` later in the same function: the callers may prefetch.
      return !!fn && new RegExp(`\\breturn\\s+${name}\\s*$`, 'm').test(fn.node.text.slice(expr.endIndex - fn.node.startIndex)) && returned(fn);
    }

    // A pipeline is reported only when rooted at a tf.data / tensorflow_datasets source, which needs
    // one of those imported: without, no chain is worth building.
    let dataFile: boolean | undefined;
    return {
      call(node) {
        dataFile ??= importsModule(facts, 'tensorflow') || importsModule(facts, 'tensorflow_datasets');
        if (!dataFile) return;
        // Only the outermost call of a chain (`a.b().c()`: the `.c()` call; the `.b()` call is the
        // object of its function), whatever its method: an inner link is checked with its chain.
        if (node.childForFieldName('function')?.type !== 'attribute' || outermost(node).id !== node.id) return;
        // Check the chain's methods before building it (most method calls are not tf.data).
        let links = 0;
        let transforms = true;
        for (let n: Node = node; ;) {
          const fn = n.type === 'call' ? n.childForFieldName('function') : null;
          if (fn?.type !== 'attribute' || facts.qualifiedName(fn)) break;
          links++;
          if (!TRANSFORMS.has(fn.childForFieldName('attribute')!.text)) transforms = false;
          n = fn.childForFieldName('object')!;
        }
        if (links === 0 || !transforms) return;
        const chain = chainOf(facts, node);
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
