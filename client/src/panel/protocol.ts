/**
 * The client's view of the `framewise/equivalents` request and of a catalog concept
 * (snippets/README.md). Pure: no 'vscode' import, so tests and the renderer can use it.
 *
 * The server declares the request in server/src/lsp/protocol.ts; this file mirrors the shapes the
 * panel relies on and validates what comes back (`asConcept`, `asConceptList`) instead of trusting it.
 */

export const FRAMEWORKS = ['torch', 'jax', 'tensorflow'] as const;
export type FrameworkId = (typeof FRAMEWORKS)[number];

export const FRAMEWORK_LABELS: Readonly<Record<FrameworkId, string>> = {
  torch: 'PyTorch',
  jax: 'JAX',
  tensorflow: 'TensorFlow',
};

/** What each column covers, shown under its heading. */
export const FRAMEWORK_SUBTITLES: Readonly<Record<FrameworkId, string>> = {
  torch: 'torch, torch.nn',
  jax: 'jax, Flax linen, Optax',
  tensorflow: 'TensorFlow, Keras 3',
};

export const EQUIVALENTS_METHOD = 'framewise/equivalents';

/** The code action kind the server offers the translation of a call to `fw` under. */
export function translationKind(fw: FrameworkId): string {
  return `refactor.rewrite.framewise.to-${fw}`;
}

/** Concept ids as the panel accepts them in messages and state (the catalog's own pattern is stricter). */
export const CONCEPT_ID_RE = /^[a-z0-9.-]+$/;
export const MAX_CONCEPT_ID_LENGTH = 128;

export function isConceptId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_CONCEPT_ID_LENGTH && CONCEPT_ID_RE.test(v);
}

export function isFramework(v: unknown): v is FrameworkId {
  return typeof v === 'string' && (FRAMEWORKS as readonly string[]).includes(v);
}

export interface FrameworkCall {
  fn: string;
  method?: string;
  params: string[];
  varargs?: string;
}

export interface FrameworkForm {
  exists: boolean;
  nearest?: string;
  apis: string[];
  snippet: string;
  docs: string;
  notes?: string[];
  call?: FrameworkCall;
}

export type DefaultValue = string | number | boolean | null;

export interface ArgMapping {
  name: string;
  torch: string | null;
  jax: string | null;
  tensorflow: string | null;
  defaults?: Partial<Record<FrameworkId, DefaultValue>>;
  kind?: 'value' | 'dtype' | 'shape' | 'drop';
  note?: string;
  droppable?: boolean;
}

export interface Concept {
  id: string;
  title: string;
  summary: string;
  frameworks: Record<FrameworkId, FrameworkForm>;
  args?: ArgMapping[];
  differences: string[];
}

export interface ConceptSummary {
  id: string;
  title: string;
}

/** Request parameters: the idiom at a position, a concept by id or qualified name, or the list. */
export type EquivalentsParams =
  | { textDocument: { uri: string }; position: { line: number; character: number } }
  | { query: string }
  | { list: true };

// ---------------------------------------------------------------------------------------------
// Validation of what the server returns. Lenient about extra fields, strict about the fields the
// panel renders: a malformed answer is treated as "no concept", never rendered half-way.

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

function isDefault(v: unknown): v is DefaultValue {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function asForm(v: unknown): FrameworkForm | undefined {
  if (!isRecord(v)) return undefined;
  const { exists, nearest, apis, snippet, docs, notes, call } = v;
  if (typeof exists !== 'boolean' || !isStringArray(apis) || typeof snippet !== 'string' || typeof docs !== 'string') return undefined;
  if (nearest !== undefined && typeof nearest !== 'string') return undefined;
  if (notes !== undefined && !isStringArray(notes)) return undefined;
  const form: FrameworkForm = { exists, apis: [...apis], snippet, docs };
  if (typeof nearest === 'string') form.nearest = nearest;
  if (notes) form.notes = [...notes];
  if (isRecord(call) && typeof call.fn === 'string' && isStringArray(call.params)) {
    form.call = { fn: call.fn, params: [...call.params] };
    if (typeof call.method === 'string') form.call.method = call.method;
    if (typeof call.varargs === 'string') form.call.varargs = call.varargs;
  }
  return form;
}

function asArg(v: unknown): ArgMapping | undefined {
  if (!isRecord(v) || typeof v.name !== 'string') return undefined;
  const arg: ArgMapping = { name: v.name, torch: null, jax: null, tensorflow: null };
  for (const fw of FRAMEWORKS) {
    const p = v[fw];
    if (p !== null && p !== undefined && typeof p !== 'string') return undefined;
    arg[fw] = p ?? null;
  }
  if (v.defaults !== undefined) {
    if (!isRecord(v.defaults)) return undefined;
    const defaults: Partial<Record<FrameworkId, DefaultValue>> = {};
    for (const fw of FRAMEWORKS) {
      if (!(fw in v.defaults)) continue;
      const d = v.defaults[fw];
      if (!isDefault(d)) return undefined;
      defaults[fw] = d;
    }
    arg.defaults = defaults;
  }
  if (v.kind === 'value' || v.kind === 'dtype' || v.kind === 'shape' || v.kind === 'drop') arg.kind = v.kind;
  if (typeof v.droppable === 'boolean') arg.droppable = v.droppable;
  if (typeof v.note === 'string') arg.note = v.note;
  return arg;
}

/**
 * A validated copy of a concept, or undefined. Also accepts `{ concept: Concept }` so the panel
 * keeps working if the server wraps its answer.
 */
export function asConcept(v: unknown): Concept | undefined {
  if (isRecord(v) && !('frameworks' in v) && 'concept' in v) return asConcept(v.concept);
  if (!isRecord(v)) return undefined;
  const { id, title, summary, frameworks, args, differences } = v;
  if (!isConceptId(id) || typeof title !== 'string' || typeof summary !== 'string' || !isRecord(frameworks)) return undefined;
  const forms = {} as Record<FrameworkId, FrameworkForm>;
  for (const fw of FRAMEWORKS) {
    const form = asForm(frameworks[fw]);
    if (!form) return undefined;
    forms[fw] = form;
  }
  const concept: Concept = { id, title, summary, frameworks: forms, differences: [] };
  if (differences !== undefined) {
    if (!isStringArray(differences)) return undefined;
    concept.differences = [...differences];
  }
  if (args !== undefined) {
    if (!Array.isArray(args)) return undefined;
    const mapped: ArgMapping[] = [];
    for (const a of args) {
      const m = asArg(a);
      if (!m) return undefined;
      mapped.push(m);
    }
    concept.args = mapped;
  }
  return concept;
}

/** Where the server found the concept: the framework and API under the cursor (or named by the query). */
export interface FoundFrom {
  framework: FrameworkId;
  api: string;
}

/** The `from` of a `framewise/equivalents` answer, when well-formed. */
export function asFoundFrom(v: unknown): FoundFrom | undefined {
  if (!isRecord(v) || !isRecord(v.from)) return undefined;
  const { framework, api } = v.from;
  return isFramework(framework) && typeof api === 'string' && api.length <= 200 ? { framework, api } : undefined;
}

/** A validated list for the picker: entries with a bad id or no title are dropped. */
export function asConceptList(v: unknown): ConceptSummary[] {
  const items = isRecord(v) && Array.isArray(v.concepts) ? v.concepts : Array.isArray(v) ? v : [];
  const out: ConceptSummary[] = [];
  for (const item of items) {
    if (isRecord(item) && isConceptId(item.id) && typeof item.title === 'string') out.push({ id: item.id, title: item.title });
  }
  return out;
}
