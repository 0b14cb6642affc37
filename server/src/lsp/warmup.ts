/**
 * JIT warm-up in idle time. A fresh server runs the analysis in V8's interpreter and baseline code
 * until its functions have run often enough to be optimized: on the benchmark's 5,000-line file the
 * first twenty keystrokes took 20–25 ms each at the median, the next eighty 7–13 ms, and only after
 * about a hundred did they settle at 4–6 ms. So once the first document has been analysed, the server
 * types into a private document of its own (`WARM_UP_SOURCE`, a few copies of it) while it has
 * nothing else to do: one keystroke and its incremental analysis per event-loop turn, never while a
 * document waits for its analysis or was edited in the last `QUIET_MS`, and no more than `MAX_STEPS`
 * keystrokes or `MAX_MS` of work in all. Nothing of it reaches the client. `FRAMEWISE_WARM_UP=0` turns
 * it off (the benchmark measures both).
 */
import { IncrementalAnalysis } from '../incremental';
import { PythonDocument } from '../parse/document';
import type { Settings } from '../config/settings';

/** Keystrokes typed (each an insert or a delete), at most. */
export const MAX_STEPS = 400;
/** Milliseconds of work in all, at most (on a slow machine the warm-up stops sooner). */
export const MAX_MS = 2500;
/** A document edited this recently (ms) means someone is typing: the warm-up waits. */
export const QUIET_MS = 400;
/** How long to wait (ms) before looking again while the server is busy. */
const BUSY_RETRY_MS = 100;
/** Every rule runs in the warm-up, whatever the user's settings: all of their code gets warm. */
const SETTINGS: Settings = { select: ['ALL'] };

/**
 * The text typed into: deep-learning code of the three frameworks, with some of the idioms the
 * rules report. `@K` becomes the copy's number, so that the copies define different names.
 */
const WARM_UP_SOURCE = `import functools
import math
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
import tensorflow as tf
import torch
import torch.nn as nn
import torch.nn.functional as F
from flax import linen as fnn
from torch.utils.data import DataLoader


class Classifier@K(nn.Module):
    def __init__(self, width=128, classes=10):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(784, width), nn.ReLU(), nn.Dropout(0.1))
        self.head = nn.Linear(width, classes)

    def forward(self, x):
        hidden = self.body(x.view(x.size(0), -1))
        return self.head(hidden)


def train_torch@K(model, loader, epochs=2, lr=1e-3):
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for inputs, targets in loader:
            inputs, targets = inputs.cuda(), targets.to(device)
            optimizer.zero_grad()
            logits = model(inputs)
            loss = F.cross_entropy(logits, targets)
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(epoch, total / len(loader))
    with torch.no_grad():
        scores = torch.softmax(model(inputs), dim=1).sum(dim=0, keepdim=True)
    return scores.cpu().numpy()


def evaluate_torch@K(model, dataset, path="weights.pt"):
    model.load_state_dict(torch.load(path))
    loader = DataLoader(dataset, batch_size=64, shuffle=False)
    model.eval()
    correct = 0
    for inputs, targets in loader:
        mask = torch.zeros(inputs.size(0)).cuda()
        preds = model(inputs).argmax(dim=-1)
        correct += (preds == targets).sum() + mask.sum()
    return correct / len(dataset)


def fit_no_zero_grad@K(model, loader, optimizer):
    for x, y in loader:
        loss = F.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()


class Mlp@K(fnn.Module):
    features: int = 64

    @fnn.compact
    def __call__(self, x):
        x = fnn.Dense(self.features)(x)
        x = fnn.relu(x)
        return fnn.Dense(1)(x)


@jax.jit
def loss_fn@K(params, batch):
    inputs, targets = batch
    preds = Mlp@K().apply(params, inputs)
    print("loss", preds)
    if targets.sum() > 0:
        preds = preds + np.log(targets)
    return jnp.mean((preds - targets) ** 2)


@functools.partial(jax.jit, static_argnums=(2,))
def update@K(params, opt_state, steps, batch):
    grads = jax.grad(loss_fn@K)(params, batch)
    for _ in range(steps):
        updates, opt_state = optimizer_jax@K.update(grads, opt_state, params)
        params = optax.apply_updates(params, updates)
    return params, opt_state


optimizer_jax@K = optax.adam(1e-3)


def train_jax@K(batches, seed=0):
    key = jax.random.PRNGKey(seed)
    params = Mlp@K().init(key, jnp.zeros((1, 8)))
    opt_state = optimizer_jax@K.init(params)
    noise = jax.random.normal(key, (8,))
    history = []
    started = time.time()
    for batch in batches:
        step = jax.jit(loss_fn@K)
        params, opt_state = update@K(params, opt_state, 1, batch)
        noise = noise + jax.random.uniform(key, (8,), dtype=jnp.float64)
        history.append(float(loss_fn@K(params, batch)))
        values = jnp.zeros(8)
        values[0] = noise.sum()
    elapsed = time.time() - started
    return jax.tree_map(jnp.abs, params), history, np.asarray(values), elapsed, step


def scan_sum@K(xs):
    def body(carry, x):
        carry = carry + jnp.sum(x, axis=0, keepdims=True)
        return carry, carry
    return jax.lax.scan(body, jnp.zeros((1,)), xs)


def build_keras@K(units=32):
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(units, activation="relu"),
        tf.keras.layers.Dense(1),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss="mse")
    return model


@tf.function
def tf_step@K(model, optimizer, x, y):
    scale = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        pred = model(x, training=True)
        loss = tf.reduce_mean(tf.square(pred - y)) * scale
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    tf.print("loss", loss)
    print("traced with", x.shape)
    return loss.numpy()


def tf_pipeline@K(features, labels, batch=32):
    ds = tf.data.Dataset.from_tensor_slices((features, labels))
    ds = ds.map(lambda x, y: (tf.cast(x, tf.float32) / 255.0, y))
    ds = ds.shuffle(1024).batch(batch).prefetch(tf.data.AUTOTUNE)
    for step, (x, y) in enumerate(ds):
        scaled = tf.function(lambda t: t * 2.0)
        loss = tf_step@K(build_keras@K(), tf.keras.optimizers.SGD(0.1), scaled(x), step)
        if step % 10 == 0:
            print(step, loss.numpy())
    return math.sqrt(float(loss))
`;

/** Copies of `WARM_UP_SOURCE` typed into: about 800 lines, big enough for the loops to get hot. */
const COPIES = 5;

export function warmUpText(): string {
  const parts: string[] = [];
  for (let k = 0; k < COPIES; k++) parts.push(WARM_UP_SOURCE.replaceAll('@K', String(k)));
  return parts.join('\n\n');
}

/** Where the warm-up types: just after the name of each indented `name = …`, as someone renaming it would. */
function placesIn(text: string): Array<{ line: number; character: number }> {
  const out: Array<{ line: number; character: number }> = [];
  text.split('\n').forEach((l, line) => {
    const m = /^([ \t]+)([A-Za-z_]\w*) = /.exec(l);
    if (m) out.push({ line, character: m[1].length + m[2].length });
  });
  return out;
}

export interface WarmUpOptions {
  /** True when the server has nothing else to do (no analysis due, no recent edit). */
  idle: () => boolean;
  maxSteps?: number;
  maxMs?: number;
}

export class WarmUp {
  private doc: PythonDocument | undefined;
  private readonly analysis = new IncrementalAnalysis();
  private places: Array<{ line: number; character: number }> = [];
  private timer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | undefined;
  /** Keystrokes typed so far, and the time they took (ms). */
  steps = 0;
  spentMs = 0;
  done = false;

  constructor(private readonly options: WarmUpOptions) {}

  /** Begin (once) in the next idle turn. */
  start(): void {
    if (this.done || this.timer !== undefined || this.doc) return;
    this.later(0);
  }

  /** Stop now and let go of the private document and its analysis. */
  stop(): void {
    this.done = true;
    if (this.timer !== undefined) {
      clearTimeout(this.timer as ReturnType<typeof setTimeout>);
      clearImmediate(this.timer as ReturnType<typeof setImmediate>);
    }
    this.timer = undefined;
    this.doc?.dispose();
    this.doc = undefined;
    this.analysis.clear();
  }

  private later(ms: number): void {
    this.timer = ms > 0 ? setTimeout(() => this.tick(), ms) : setImmediate(() => this.tick());
  }

  /** One step if the server is idle, then the next turn (or a later look when it is busy). */
  private tick(): void {
    this.timer = undefined;
    if (this.done) return;
    if (!this.options.idle()) {
      this.later(BUSY_RETRY_MS);
      return;
    }
    const t0 = performance.now();
    try {
      this.step();
    } catch {
      // Whatever went wrong is the warm-up's alone: the user's documents are analysed as ever.
      this.stop();
      return;
    }
    this.spentMs += performance.now() - t0;
    if (this.steps >= (this.options.maxSteps ?? MAX_STEPS) || this.spentMs >= (this.options.maxMs ?? MAX_MS)) this.stop();
    else this.later(0);
  }

  /** The first step analyses the whole text; each one after it types or deletes one character. */
  private step(): void {
    if (!this.doc) {
      const text = warmUpText();
      this.doc = new PythonDocument('framewise-warm-up:///warm_up.py', 1, text);
      this.places = placesIn(text);
      this.analysis.analyze(this.doc.tree!, this.doc.text, this.doc.lineStarts, SETTINGS);
      return;
    }
    const k = this.steps++;
    // Each place typed at, then the character deleted.
    const p = this.places[Math.floor(k / 2) % this.places.length];
    const end = k % 2 === 0 ? p : { line: p.line, character: p.character + 1 };
    this.doc.applyChanges([{ range: { start: p, end }, text: k % 2 === 0 ? 'x' : '' }], this.doc.version + 1);
    this.analysis.analyze(this.doc.tree!, this.doc.text, this.doc.lineStarts, SETTINGS);
  }
}
