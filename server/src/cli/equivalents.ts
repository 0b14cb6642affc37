/**
 * `framewise equivalents QUERY [--format text|json]`: the catalog entry for a concept id (`ops.sum`)
 * or an API name (`torch.nn.Linear`, `jax.jit`, `tf.reduce_sum`), the three frameworks side by side.
 * With no QUERY, or one that matches several concepts by words, lists the matching ids.
 * Exit 0 found, 1 not found, 2 usage error.
 */
import { getCatalog } from '../catalog/index';
import { conceptText } from '../catalog/format';
import { UsageError, type CliIO, type ParsedArgs } from './main';

export function runEquivalents(args: ParsedArgs, io: CliIO): number {
  const format = args.flags.get('format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown format: ${format} (text or json)`);
  const query = args.positional.join(' ').trim();
  const catalog = getCatalog();
  const concept = query ? catalog.lookup(query) : undefined;
  if (concept) {
    const also = [...new Set(catalog.apiHits(query).map((h) => h.concept.id))].filter((id) => id !== concept.id);
    if (format === 'json') {
      const { group, ...entry } = concept;
      io.out(JSON.stringify({ ...entry, group, ...(also.length ? { also } : {}) }, null, 2) + '\n');
    } else {
      io.out(conceptText(concept) + (also.length ? `Also: ${also.join(', ')}\n` : ''));
    }
    return 0;
  }
  const matches = catalog.search(query);
  if (format === 'json') {
    io.out(JSON.stringify({ query, matches }, null, 2) + '\n');
  } else if (matches.length) {
    io.out(`${query ? `No concept or API named "${query}"; concepts matching it:` : 'Concepts:'}\n${matches.map((m) => `  ${m.id.padEnd(30)} ${m.title}`).join('\n')}\n`);
  } else {
    io.err(`framewise: nothing in the catalog matches "${query}"\n`);
  }
  return query && !matches.length ? 1 : query ? 1 : 0;
}
