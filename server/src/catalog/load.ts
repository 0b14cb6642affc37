/**
 * Finds `snippets/catalog/` (from the bundles in dist/ and server/out/, or from the sources in
 * tests) and reads every `*.json` group once per process. Schema validation is a test concern
 * (tests/catalog); at run time a malformed file is skipped, never fatal.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findResourceDir, resourceCandidates } from '../resources';
import type { CatalogGroup, LoadedConcept } from './types';

/** The `snippets/` directory that holds `catalog/`. */
export function locateSnippetsDir(): string {
  const dir = findResourceDir('snippets', 'catalog', 'FRAMEWISE_SNIPPETS');
  if (dir) return dir;
  throw new Error(`Framewise: snippets/catalog not found (looked in ${resourceCandidates('snippets', 'FRAMEWISE_SNIPPETS').join(', ')})`);
}

export function catalogDir(): string {
  return path.join(locateSnippetsDir(), 'catalog');
}

export interface RawCatalog {
  groups: Array<{ file: string; data: CatalogGroup }>;
  errors: Array<{ file: string; message: string }>;
}

/** Read every group file (sorted by name); unreadable or unparsable files are reported, not thrown. */
export function readCatalogFiles(dir = catalogDir()): RawCatalog {
  const out: RawCatalog = { groups: [], errors: [] };
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    out.errors.push({ file: dir, message: (e as Error).message });
    return out;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const data = JSON.parse(fs.readFileSync(file, 'utf8')) as CatalogGroup;
      if (!data || !Array.isArray(data.concepts)) throw new Error('no concepts array');
      out.groups.push({ file, data });
    } catch (e) {
      out.errors.push({ file, message: (e as Error).message });
    }
  }
  return out;
}

/** Concepts from raw groups; a concept missing the basic shape is skipped; the first of a duplicate id wins. */
export function conceptsOf(raw: RawCatalog): LoadedConcept[] {
  const seen = new Set<string>();
  const list: LoadedConcept[] = [];
  for (const { data } of raw.groups) {
    for (const c of data.concepts) {
      if (!c || typeof c.id !== 'string' || !c.frameworks || seen.has(c.id)) continue;
      if (!c.frameworks.torch || !c.frameworks.jax || !c.frameworks.tensorflow) continue;
      seen.add(c.id);
      list.push({ ...c, group: data.group });
    }
  }
  return list;
}
