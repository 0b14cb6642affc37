/**
 * Framewise's own LSP messages, shared by the server and the client (plain types and constants only:
 * importing this file pulls in nothing else).
 *
 * `framewise/equivalents` — the catalog entry of the idiom at a position, or for a query (a concept
 * id or an API name like `torch.nn.Linear`); `list: true` adds the concept ids for a searchable
 * picker in `concepts` (filtered by `query` when it names no concept). The concept has the catalog's
 * own shape (snippets/README.md): `frameworks` keyed by framework.
 */

export const EQUIVALENTS_REQUEST = 'framewise/equivalents';
/** Client command run by the "Show equivalents" code action; argument: the concept id. */
export const SHOW_EQUIVALENTS_COMMAND = 'framewise.showEquivalents';
/** Code action kinds of the translations. */
export const TRANSLATE_KIND_PREFIX = 'refactor.rewrite.framewise';
export const SHOW_EQUIVALENTS_KIND = 'refactor.framewise.equivalents';

export type FrameworkId = 'torch' | 'jax' | 'tensorflow';

export interface EquivalentsParams {
  textDocument?: { uri: string };
  position?: { line: number; character: number };
  /** A concept id (`ops.sum`) or an API name (`torch.sum`, `tf.reduce_sum`, `jax.jit`). */
  query?: string;
  /** Also return the concept list (id + title) for a picker. */
  list?: boolean;
}

/** One framework's form of a concept (the catalog's FrameworkForm, snippets/README.md). */
export interface FrameworkEntry {
  exists: boolean;
  /** When `exists` is false: the nearest idiom and why. */
  nearest?: string;
  apis: string[];
  snippet: string;
  docs: string;
  notes?: string[];
  /** Present when the idea is one call the translator can map. */
  call?: { fn: string; method?: string; params: string[]; varargs?: string };
}

export interface ArgRow {
  name: string;
  torch: string | null;
  jax: string | null;
  tensorflow: string | null;
  defaults?: Partial<Record<FrameworkId, string | number | boolean | null>>;
  kind?: 'value' | 'dtype' | 'shape' | 'drop';
  note?: string;
}

export interface ConceptEntry {
  id: string;
  title: string;
  summary: string;
  /** The catalog group (file) it comes from. */
  group: string;
  /** Keyed by framework, like the catalog. */
  frameworks: Record<FrameworkId, FrameworkEntry>;
  args: ArgRow[];
  differences: string[];
}

export interface EquivalentsResult {
  /** The entry, or null when nothing matched. */
  concept: ConceptEntry | null;
  /** When found from a position or an API name: the framework and API it was found through. */
  from?: { framework: FrameworkId; api: string };
  /** Other concepts the same API belongs to (ids). */
  also?: string[];
  /** With `list: true`: every concept (or those matching `query` when it names none), for a picker. */
  concepts?: Array<{ id: string; title: string }>;
}
