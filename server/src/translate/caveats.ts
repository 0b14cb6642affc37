/**
 * Semantic differences that the catalog's argument table cannot express (input layouts, return
 * structures, default strides, reductions whose granularity differs). Each one makes the translator
 * add a `# framewise:` note, set an argument explicitly, or refuse the rewrite. Keep every entry
 * backed by the concept's own `differences` text in the catalog; move entries into the catalog data
 * once the schema can say these things.
 */
import type { FrameworkKey } from '../catalog/types';

export interface CaveatContext {
  concept: string;
  from: FrameworkKey;
  to: FrameworkKey;
  /** Canonical argument names the source call passes explicitly. */
  provided: ReadonlySet<string>;
}

export interface Caveat {
  /** One-line note for the `# framewise:` comment. */
  note?: string;
  /** Canonical argument → Python text to pass explicitly in the target. */
  set?: Record<string, string>;
  /** The rewrite would change meaning: leave the code as it is, with the note. */
  block?: boolean;
}

type Rule = { concepts: string[]; applies: (c: CaveatContext) => boolean; caveat: (c: CaveatContext) => Caveat };

const involves = (c: CaveatContext, fw: FrameworkKey) => c.from === fw || c.to === fw;

const RULES: Rule[] = [
  {
    concepts: ['layer.conv2d', 'layer.conv-transpose', 'layer.batchnorm', 'layer.groupnorm', 'layer.pool', 'layer.avg-pool', 'layer.flatten'],
    applies: (c) => involves(c, 'torch'),
    caveat: () => ({ note: 'input layout differs: PyTorch is channels-first (N, C, H, W), Flax/Keras channels-last (N, H, W, C); transpose inputs (and ported weights)' }),
  },
  {
    concepts: ['layer.conv1d'],
    applies: (c) => involves(c, 'torch'),
    caveat: () => ({ note: 'input layout differs: PyTorch is (N, C, L), Flax/Keras (N, L, C); transpose inputs (and ported weights)' }),
  },
  {
    concepts: ['layer.pool', 'layer.avg-pool'],
    applies: (c) => involves(c, 'jax') && !c.provided.has('stride'),
    caveat: () => ({ note: 'default stride differs: PyTorch/Keras pool with stride = window size, Flax with stride 1; pass the stride explicitly' }),
  },
  {
    concepts: ['layer.lstm', 'layer.gru'],
    applies: () => true,
    caveat: () => ({ note: 'outputs and layout differ: PyTorch returns (output, state) and is time-major unless batch_first=True; Keras returns the last output only unless return_sequences=True and is batch-major' }),
  },
  {
    concepts: ['layer.attention'],
    applies: () => true,
    caveat: () => ({ note: 'call conventions differ: argument order (PyTorch query, key, value; Keras query, value, key), returned attention weights, head size (Keras key_dim is per head) and mask polarity (PyTorch masks mark positions to block)' }),
  },
  {
    concepts: ['layer.dropout'],
    applies: (c) => c.to === 'jax',
    caveat: () => ({ note: "Flax Dropout needs deterministic=False and a 'dropout' PRNG key (rngs={'dropout': key}) when applied in training" }),
  },
  {
    concepts: ['loss.cross-entropy', 'loss.bce-with-logits'],
    applies: (c) => c.to === 'torch' && !c.provided.has('reduction'),
    caveat: (c) => ({ set: { reduction: '"none"' }, note: `${c.from === 'jax' ? 'optax' : 'the TensorFlow function'} returns per-example losses: reduction="none" keeps that (PyTorch's default is the mean)` }),
  },
  {
    concepts: ['loss.mse', 'loss.huber'],
    applies: (c) => c.to === 'torch' && c.from === 'jax' && !c.provided.has('reduction'),
    caveat: () => ({ set: { reduction: '"none"' }, note: 'optax returns elementwise losses: reduction="none" keeps that (PyTorch\'s default is the mean)' }),
  },
  {
    concepts: ['loss.mse', 'loss.huber', 'loss.l1'],
    applies: (c) => c.to === 'torch' && c.from === 'tensorflow' && !c.provided.has('reduction'),
    caveat: () => ({ set: { reduction: '"none"' }, note: 'keras.losses averages over the last axis only: take .mean(dim=-1) of this elementwise loss to match' }),
  },
  {
    concepts: ['loss.cross-entropy'],
    applies: (c) => c.from === 'torch',
    caveat: () => ({ note: 'class axis differs for inputs above 2-D: PyTorch takes classes on dim 1, optax/Keras on the last axis' }),
  },
  {
    concepts: ['loss.cosine-similarity'],
    applies: (c) => involves(c, 'tensorflow'),
    caveat: () => ({ note: 'keras.losses.cosine_similarity returns the NEGATED similarity; negate the result' }),
  },
  {
    concepts: ['loss.kl-div'],
    applies: () => true,
    caveat: () => ({ note: 'inputs and reduction differ: PyTorch/optax take log-probability predictions, Keras probabilities; PyTorch averages per element by default' }),
  },
  {
    concepts: ['autodiff.value-and-grad'],
    applies: (c) => involves(c, 'torch') && involves(c, 'jax'),
    caveat: () => ({ note: 'result order differs: torch.func.grad_and_value returns (grads, value), jax.value_and_grad (value, grads); swap the unpacking' }),
  },
  {
    concepts: ['vectorize.vmap'],
    applies: (c) => involves(c, 'tensorflow'),
    caveat: () => ({ block: true, note: 'tf.vectorized_map(fn, elems) maps immediately while torch.vmap/jax.vmap return a function: rewrite the call site by hand' }),
  },
  {
    concepts: ['init.xavier-uniform', 'init.kaiming-normal'],
    applies: (c) => involves(c, 'torch'),
    caveat: () => ({ block: true, note: 'PyTorch initializes an existing tensor in place; JAX/Keras build an initializer passed to a layer (kernel_init= / kernel_initializer=)' }),
  },
  {
    concepts: ['rng.seed'],
    applies: (c) => involves(c, 'jax'),
    caveat: (c) => ({ note: c.to === 'jax' ? 'JAX has no global seed: keep this key and split it for every random call' : 'this seeds a global generator; JAX code passed explicit keys' }),
  },
  {
    concepts: ['compile.jit'],
    applies: (c) => c.from === 'torch',
    caveat: () => ({ note: 'torch.compile also accepts a Module and falls back to eager on graph breaks; the target needs a pure, traceable function' }),
  },
  {
    concepts: ['optim.sgd', 'optim.adam', 'optim.adamw', 'optim.rmsprop', 'optim.adagrad', 'optim.lion', 'optim.lamb'],
    applies: (c) => c.to === 'jax',
    caveat: () => ({ note: 'optax optimizers are pure transformations: state = opt.init(params); updates, state = opt.update(grads, state, params)' }),
  },
];

export function caveatsFor(ctx: CaveatContext): Caveat[] {
  return RULES.filter((r) => r.concepts.includes(ctx.concept) && r.applies(ctx)).map((r) => r.caveat(ctx));
}
