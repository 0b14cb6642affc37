/**
 * The qualified API names listed in the catalog (`apis` of every framework form in
 * snippets/catalog/*.json), read once per process, each with the concepts it belongs to. A small
 * loader for PORT002; unreadable files are skipped, never fatal.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findResourceDir } from '../resources';

export interface ApiConcept {
  id: string;
  title: string;
  /** The framework whose form lists the API. */
  framework: string;
  /** Frameworks with an equivalent (`exists: true`) other than `framework`. */
  equivalents: string[];
  /** -1: the form's `call.fn`; else the position in the form's `apis` (0 is usually the idiom itself, later ones helpers of its snippet). */
  rank: number;
  /** How many APIs the form lists (fewer: a more focused idiom). */
  size: number;
}

interface RawForm { exists?: boolean; apis?: unknown; call?: { fn?: unknown } }
interface RawConcept { id?: string; title?: string; frameworks?: Record<string, RawForm> }

let cache: Map<string, ApiConcept[]> | undefined;

/** Qualified API name (e.g. `torch.sum`, `jax.numpy.sum`) → the catalog concepts that list it. */
export function catalogApis(): ReadonlyMap<string, ApiConcept[]> {
  if (cache) return cache;
  cache = new Map();
  const snippets = findResourceDir('snippets', 'catalog', 'FRAMEWISE_SNIPPETS');
  const dir = snippets && path.join(snippets, 'catalog');
  if (!dir) return cache;
  let files: string[] = [];
  try { files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort(); } catch { return cache; }
  for (const file of files) {
    let concepts: RawConcept[];
    try {
      concepts = (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { concepts?: RawConcept[] }).concepts ?? [];
    } catch { continue; }
    for (const c of concepts) {
      if (!c?.id || !c.frameworks) continue;
      const id = c.id;
      const title = c.title ?? c.id;
      const existing = Object.entries(c.frameworks).filter(([, f]) => f?.exists).map(([k]) => k);
      for (const [framework, form] of Object.entries(c.frameworks)) {
        if (!form?.exists || !Array.isArray(form.apis)) continue;
        const apis = form.apis as unknown[];
        for (let i = 0; i < apis.length; i++) {
          const api = apis[i];
          if (typeof api !== 'string') continue;
          const list = cache.get(api) ?? [];
          const rank = form.call?.fn === api ? -1 : i;
          if (!list.some((x) => x.id === id)) list.push({ id, title, framework, equivalents: existing.filter((k) => k !== framework), rank, size: apis.length });
          cache.set(api, list);
        }
      }
    }
  }
  return cache;
}
