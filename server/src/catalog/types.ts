/** The equivalence catalog's data model (snippets/catalog.schema.json, described in snippets/README.md). */

export type FrameworkKey = 'torch' | 'jax' | 'tensorflow';
export const FRAMEWORKS: readonly FrameworkKey[] = ['torch', 'jax', 'tensorflow'];

export const FRAMEWORK_LABEL: Record<FrameworkKey, string> = {
  torch: 'PyTorch',
  jax: 'JAX',
  tensorflow: 'TensorFlow',
};

export interface CallSpec {
  /** Qualified callee after import resolution, e.g. `torch.sum`. */
  fn: string;
  /** Also matches `x.<method>(…)`, the receiver binding to params[0]. */
  method?: string;
  /** The framework's own parameter names in positional order. */
  params: string[];
  /** The param (in params) that is `*varargs`. */
  varargs?: string;
}

export interface FrameworkForm {
  exists: boolean;
  nearest?: string;
  apis: string[];
  snippet: string;
  docs: string;
  notes?: string[];
  call?: CallSpec;
}

export type ArgKind = 'value' | 'dtype' | 'shape' | 'drop';
export type DefaultValue = string | number | boolean | null;

export interface ArgMapping {
  name: string;
  torch: string | null;
  jax: string | null;
  tensorflow: string | null;
  defaults?: Partial<Record<FrameworkKey, DefaultValue>>;
  kind?: ArgKind;
  note?: string;
  /**
   * Leaving a value of it out (it has no counterpart in some framework) keeps the translation right in
   * the target's own terms: RNG keys and seeds, in-place flags, compilation hints, values that live
   * elsewhere there (a learning rate on the optimizer). Any other unmapped value stops the translation.
   */
  droppable?: boolean;
}

export interface Concept {
  id: string;
  title: string;
  summary: string;
  frameworks: Record<FrameworkKey, FrameworkForm>;
  args?: ArgMapping[];
  differences: string[];
}

export interface CatalogGroup {
  group: string;
  title: string;
  concepts: Concept[];
}

/** A loaded concept remembers the group (file) it came from. */
export interface LoadedConcept extends Concept {
  group: string;
}
