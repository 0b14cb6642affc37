/**
 * The equivalence catalog, loaded once and indexed: concept id → concept; qualified API name →
 * concepts (ranked: the concept's own callee first, then its other distinctive APIs, then helper APIs
 * that its snippet merely uses); callee / method name → the call forms the translator can match.
 */
import { readCatalogFiles, conceptsOf, catalogDir, type RawCatalog } from './load';
import { FRAMEWORKS, type CallSpec, type FrameworkKey, type LoadedConcept } from './types';

export * from './types';
export { locateSnippetsDir, catalogDir, readCatalogFiles } from './load';

/** A call form of one concept in one framework. */
export interface CallForm {
  concept: LoadedConcept;
  framework: FrameworkKey;
  call: CallSpec;
  /** The qualified name this form is indexed under (call.fn or an alias of it). */
  fn: string;
  /** Indexed under an alias of call.fn (same function exported elsewhere), not call.fn itself. */
  alias: boolean;
}

/** How strongly an API belongs to a concept: 3 its callee (or an alias/method of it), 2 distinctive, 1 a helper. */
export type ApiWeight = 1 | 2 | 3;
export interface ApiHit { concept: LoadedConcept; framework: FrameworkKey; weight: ApiWeight }

const lastSegment = (q: string) => q.slice(q.lastIndexOf('.') + 1);
/** `torch.Tensor.sum`, `jax.Array.sum`, `optax.GradientTransformation.update`: a member of a class. */
const isClassMember = (q: string) => q.split('.').slice(0, -1).some((s) => /^[A-Z]/.test(s));

/**
 * Namespaces that re-export the same functions (`tf.reduce_sum` is `tf.math.reduce_sum`, `torch.relu`
 * is `F.relu`): an API listed in a form's `apis` with the callee's name in one of these sibling
 * namespaces is indexed as an alias of the callee. Other same-named functions (`torch.autograd.grad`
 * vs `torch.func.grad`) are different functions and never aliases.
 */
const REEXPORT_GROUPS: string[][] = [
  ['tensorflow', 'tensorflow.math', 'tensorflow.nn', 'tensorflow.linalg'],
  ['torch', 'torch.nn.functional'],
  ['jax.scipy.special', 'jax.nn'],
];
function isReExport(a: string, fn: string): boolean {
  if (isClassMember(a) || lastSegment(a) !== lastSegment(fn)) return false;
  const modA = a.slice(0, a.lastIndexOf('.'));
  const modF = fn.slice(0, fn.lastIndexOf('.'));
  return REEXPORT_GROUPS.some((g) => g.includes(modA) && g.includes(modF));
}

/** The same name in the other namespaces of its re-export group (`tensorflow.sin` → `tensorflow.math.sin`, …). */
function reExportSiblings(q: string): string[] {
  const dot = q.lastIndexOf('.');
  if (dot < 0) return [];
  const mod = q.slice(0, dot);
  const name = q.slice(dot + 1);
  const group = REEXPORT_GROUPS.find((g) => g.includes(mod));
  return group ? group.filter((m) => m !== mod).map((m) => `${m}.${name}`) : [];
}

/** Canonical spelling of a qualified name as users type it: `tf.` → `tensorflow.`, `tf.keras.` → `keras.`. */
export function canonicalApiName(name: string): string {
  let q = name.trim().replace(/\(.*$/, '');
  const prefixes: Array<[string, string]> = [
    ['tf.keras.', 'keras.'], ['tensorflow.keras.', 'keras.'], ['tf.', 'tensorflow.'], ['jnp.', 'jax.numpy.'],
    ['F.', 'torch.nn.functional.'], ['optim.', 'torch.optim.'], ['lax.', 'jax.lax.'],
  ];
  for (const [from, to] of prefixes) {
    if (q.startsWith(from)) { q = to + q.slice(from.length); break; }
  }
  return q;
}

export class Catalog {
  readonly concepts: LoadedConcept[];
  readonly byId = new Map<string, LoadedConcept>();
  private readonly callsByFn = new Map<string, CallForm[]>();
  private readonly callsByMethod = new Map<string, CallForm[]>();
  private readonly apis = new Map<string, ApiHit[]>();

  constructor(concepts: LoadedConcept[], readonly loadErrors: RawCatalog['errors'] = []) {
    this.concepts = concepts;
    const mentions = new Map<string, number>();
    const primaryAnywhere = new Set<string>();
    for (const c of concepts) {
      this.byId.set(c.id, c);
      for (const fw of FRAMEWORKS) {
        const form = c.frameworks[fw];
        for (const a of new Set(form.apis ?? [])) mentions.set(a, (mentions.get(a) ?? 0) + 1);
        if (form.call) primaryAnywhere.add(form.call.fn);
      }
    }
    for (const c of concepts) {
      for (const fw of FRAMEWORKS) {
        const form = c.frameworks[fw];
        const call = form.exists && form.call && Array.isArray(form.call.params) ? form.call : undefined;
        if (call) {
          this.addCall(this.callsByFn, call.fn, { concept: c, framework: fw, call, fn: call.fn, alias: false });
          if (call.method) this.addCall(this.callsByMethod, call.method, { concept: c, framework: fw, call, fn: call.fn, alias: false });
          for (const a of form.apis ?? []) {
            if (a === call.fn || primaryAnywhere.has(a) || !isReExport(a, call.fn)) continue;
            this.addCall(this.callsByFn, a, { concept: c, framework: fw, call, fn: a, alias: true });
          }
        }
        const names = new Set([...(form.apis ?? []), ...(form.call ? [form.call.fn] : [])]);
        for (const a of names) {
          let weight: ApiWeight = 1;
          if (form.call && (a === form.call.fn || lastSegment(a) === lastSegment(form.call.fn) || lastSegment(a) === form.call.method)) weight = 3;
          else if (!primaryAnywhere.has(a) && (mentions.get(a) ?? 0) <= 3) weight = 2;
          const list = this.apis.get(a) ?? [];
          list.push({ concept: c, framework: fw, weight });
          this.apis.set(a, list);
        }
      }
    }
    for (const list of this.apis.values()) list.sort((x, y) => y.weight - x.weight);
  }

  private addCall(map: Map<string, CallForm[]>, key: string, form: CallForm): void {
    const list = map.get(key) ?? [];
    if (!list.some((f) => f.concept.id === form.concept.id && f.framework === form.framework)) list.push(form);
    map.set(key, list);
  }

  get(id: string): LoadedConcept | undefined {
    return this.byId.get(id);
  }

  /** Call forms whose callee is `qualified` (exact callee first, aliases after). */
  callForms(qualified: string): CallForm[] {
    const list = this.callsByFn.get(qualified) ?? this.callsByFn.get(canonicalApiName(qualified));
    if (list) return [...list].sort((a, b) => Number(a.alias) - Number(b.alias));
    // `tf.sin` when the catalog lists `tf.math.sin`: the same function re-exported.
    const out: CallForm[] = [];
    for (const sibling of reExportSiblings(canonicalApiName(qualified))) {
      for (const f of this.callsByFn.get(sibling) ?? []) if (!f.alias) out.push({ ...f, fn: qualified, alias: true });
    }
    return out;
  }

  /** Call forms matching the method-call spelling `x.<name>(…)`, optionally of one framework. */
  methodForms(name: string, framework?: FrameworkKey): CallForm[] {
    return (this.callsByMethod.get(name) ?? []).filter((f) => !framework || f.framework === framework);
  }

  /** Concepts an API belongs to, best first; helper mentions (weight 1) only when `includeHelpers`. */
  apiHits(qualified: string, includeHelpers = false): ApiHit[] {
    let list = this.apis.get(qualified) ?? this.apis.get(canonicalApiName(qualified));
    if (!list) {
      list = reExportSiblings(canonicalApiName(qualified)).flatMap((q) => (this.apis.get(q) ?? []).filter((h) => h.weight === 3));
    }
    return list.filter((h) => includeHelpers || h.weight >= 2);
  }

  conceptsForApi(qualified: string): LoadedConcept[] {
    const out: LoadedConcept[] = [];
    for (const h of this.apiHits(qualified)) if (!out.includes(h.concept)) out.push(h.concept);
    return out;
  }

  /** A concept by id, or by an API name (`torch.nn.Linear`, `jax.jit`, `tf.reduce_sum`). */
  lookup(query: string): LoadedConcept | undefined {
    const q = query.trim();
    return this.byId.get(q) ?? this.byId.get(q.toLowerCase()) ?? this.conceptsForApi(q)[0];
  }

  /** Ids (and titles) whose id, title or APIs contain every word of `query`; all when empty. */
  search(query = ''): Array<{ id: string; title: string }> {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return this.concepts
      .filter((c) => {
        if (!words.length) return true;
        const hay = [c.id, c.title, ...FRAMEWORKS.flatMap((f) => c.frameworks[f].apis ?? [])].join(' ').toLowerCase();
        return words.every((w) => hay.includes(w));
      })
      .map((c) => ({ id: c.id, title: c.title }));
  }
}

/** The framework a qualified API belongs to (flax / optax / orbax are JAX; keras is TensorFlow's side). */
export function frameworkOfApi(qualified: string): FrameworkKey | undefined {
  const head = qualified.split('.')[0];
  switch (head) {
    case 'torch': return 'torch';
    case 'jax': case 'flax': case 'optax': case 'orbax': return 'jax';
    case 'tensorflow': case 'keras': return 'tensorflow';
    default: return undefined;
  }
}

let cached: Catalog | undefined;

/** The catalog of this installation, loaded on first use. */
export function getCatalog(): Catalog {
  if (!cached) {
    const raw = readCatalogFiles(catalogDir());
    cached = new Catalog(conceptsOf(raw), raw.errors);
  }
  return cached;
}

/** Load a catalog from another directory (tests). */
export function loadCatalogFrom(dir: string): Catalog {
  const raw = readCatalogFiles(dir);
  return new Catalog(conceptsOf(raw), raw.errors);
}
