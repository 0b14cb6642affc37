/**
 * Semantic differences that the catalog's argument table cannot express (input layouts, return
 * structures, default strides, reductions whose granularity differs). Each one makes the translator
 * add a `# framewise:` note, set an argument explicitly, or refuse the rewrite. Keep every entry
 * backed by the concept's own `differences` text in the catalog; move entries into the catalog data
 * once the schema can say these things.
 */
import type { SyntaxNode as Node } from '../parse/mirror';
import type { FrameworkKey } from '../catalog/types';

export interface CaveatContext {
  concept: string;
  from: FrameworkKey;
  to: FrameworkKey;
  /** Canonical argument names the source call passes explicitly. */
  provided: ReadonlySet<string>;
  /** Their value nodes (single values only). */
  values: ReadonlyMap<string, Node>;
}

export interface Caveat {
  /** One-line note for the `# framewise:` comment. */
  note?: string;
  /** Canonical argument → Python text to pass explicitly in the target (when the source did not). */
  set?: Record<string, string>;
  /** Canonical argument → Python text that replaces what the source passed. */
  replace?: Record<string, string>;
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
    // Default padding: PyTorch 0 and Keras "valid" pad nothing, Flax pads "SAME". Written out when the
    // source relies on its default, so the output shape stays the same.
    concepts: ['layer.conv2d', 'layer.conv1d'],
    applies: (c) => !c.provided.has('padding') && c.from !== c.to && (c.to === 'jax' || c.from === 'jax' || c.to === 'tensorflow'),
    caveat: (c) => {
      const same = c.from === 'jax';
      if (same && c.to === 'torch') return c.provided.has('stride') ? {} : { set: { padding: '"same"' } }; // torch: 'same' only without stride
      return { set: { padding: c.to === 'jax' ? (same ? '"SAME"' : '"VALID"') : same ? '"same"' : '"valid"' } };
    },
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

const isTupleLiteral = (n: Node | undefined) => !!n && (n.type === 'tuple' || n.type === 'list');

RULES.push(
  {
    concepts: ['loss.kl-div'],
    applies: (c) => involves(c, 'tensorflow'),
    caveat: () => ({ block: true, note: 'keras.losses.kl_divergence takes probabilities while PyTorch/optax take log-probability predictions: rewrite the call by hand' }),
  },
  {
    concepts: ['optim.clip-grad-norm'],
    applies: () => true,
    caveat: () => ({ block: true, note: 'the programs differ: PyTorch clips the parameters\' .grad in place before step(); optax chains a transformation (optax.chain(optax.clip_by_global_norm(m), opt)); TensorFlow returns clipped copies of a gradient list' }),
  },
  {
    concepts: ['schedule.piecewise-constant'],
    applies: (c) => involves(c, 'torch'),
    caveat: () => ({ block: true, note: 'MultiStepLR multiplies the optimizer\'s lr by gamma at each milestone; optax/Keras take explicit boundaries and values: rewrite by hand' }),
  },
  {
    concepts: ['schedule.cosine-decay', 'schedule.exponential-decay', 'schedule.warmup-cosine'],
    applies: (c) => involves(c, 'torch'),
    caveat: () => ({ note: 'PyTorch schedulers wrap an optimizer and advance on scheduler.step() (often per epoch); optax/Keras schedules are functions of the optimizer step passed as the learning rate' }),
  },
  {
    concepts: ['ops.transpose'],
    applies: (c) => c.to === 'torch' && !c.provided.has('axes'),
    caveat: () => ({ block: true, note: 'without axes JAX/TF reverse all axes, while torch.permute needs the full permutation: write x.permute(*reversed(range(x.ndim)))' }),
  },
  {
    concepts: ['ops.flip'],
    applies: (c) => c.to !== 'jax' && !c.provided.has('axis'),
    caveat: () => ({ block: true, note: 'without an axis jnp.flip reverses every axis; torch.flip and tf.reverse need the axes listed' }),
  },
  {
    concepts: ['ops.expand-dims'],
    applies: (c) => c.to === 'torch' && isTupleLiteral(c.values.get('axis')),
    caveat: () => ({ block: true, note: 'torch.unsqueeze inserts one axis; insert them one at a time (or index with None)' }),
  },
);

RULES.push({
  concepts: ['schedule.warmup-cosine'],
  applies: (c) => involves(c, 'jax') && involves(c, 'tensorflow') && c.values.has('decay_steps'),
  caveat: (c) => {
    const decay = c.values.get('decay_steps')!.text;
    const warmup = c.values.get('warmup_steps')?.text;
    if (!warmup) return { block: true, note: 'decay_steps counts the warmup in optax but not in Keras, and the warmup length is not given' };
    const wrap = (t: string) => (/^[\w.]+$/.test(t) ? t : `(${t})`);
    return c.to === 'jax'
      ? { replace: { decay_steps: `${wrap(decay)} + ${wrap(warmup)}` }, note: 'optax counts the warmup in decay_steps, Keras does not: warmup_steps was added' }
      : { replace: { decay_steps: `${wrap(decay)} - ${wrap(warmup)}` }, note: 'Keras does not count the warmup in decay_steps, optax does: warmup_steps was subtracted' };
  },
});

export function caveatsFor(ctx: CaveatContext): Caveat[] {
  return RULES.filter((r) => r.concepts.includes(ctx.concept) && r.applies(ctx)).map((r) => r.caveat(ctx));
}
