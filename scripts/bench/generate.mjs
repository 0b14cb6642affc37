// Deterministic generator of realistic deep-learning Python for the benchmarks: PyTorch modules and
// training loops, JAX/Flax/Optax jitted steps and scans, TensorFlow/Keras models, tf.function steps and
// tf.data pipelines, plus the plain helpers that surround them. Roughly one block in four contains a
// pattern that some rule reports (print in a jitted function, .item() in a training loop, .cuda(),
// x[i] = v on a JAX array, tf.Variable in a tf.function, legacy APIs, …).
//
//   node scripts/bench/generate.mjs LINES [SEED] > file.py
//   import { generateFile, generateCorpus } from './generate.mjs'

/** Mulberry32: small, fast, deterministic. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
  };
}

const HEADER = `"""Generated benchmark module: mixed PyTorch, JAX/Flax/Optax and TensorFlow/Keras code."""
from __future__ import annotations

import argparse
import functools
import logging
import math
import os
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import numpy as np

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, TensorDataset

import jax
import jax.numpy as jnp
from jax import lax, random
import flax.linen as fnn
import optax

import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

logger = logging.getLogger(__name__)
HISTORY: List[float] = []
CACHE: Dict[str, Any] = {}
`;

const ACTS = ['F.relu', 'F.gelu', 'torch.tanh', 'F.silu'];
const JACTS = ['jax.nn.relu', 'jax.nn.gelu', 'jnp.tanh', 'jax.nn.silu'];
const TACTS = ['"relu"', '"gelu"', '"tanh"', '"swish"'];

// Each template: (n, r) => string (n: unique suffix). `bug` templates carry a rule-triggering pattern.
const TEMPLATES = [
  // ---------------------------------------------------------------- PyTorch
  (n, r) => `

class Block${n}(nn.Module):
    """Residual MLP block ${n}."""

    def __init__(self, dim: int = ${r.pick([64, 128, 256, 512])}, hidden: int = ${r.pick([256, 512, 1024])}, dropout: float = 0.${r.int(0, 3)}):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.norm(x)
        h = ${r.pick(ACTS)}(self.fc1(h))
        h = self.drop(self.fc2(h))
        return x + h
`,
  (n, r) => `

class ConvNet${n}(nn.Module):
    def __init__(self, in_channels: int = 3, num_classes: int = ${r.pick([10, 100, 1000])}):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 32, kernel_size=3, padding=1),
            nn.BatchNorm2d(32),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, kernel_size=3, padding=1),
            nn.BatchNorm2d(64),
            nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d((1, 1)),
        )
        self.head = nn.Linear(64, num_classes)

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.head(x)
`,
  (n, r) => {
    const bugItem = r.chance(0.5);
    const bugCuda = r.chance(0.4);
    const dev = bugCuda ? `model = model.cuda()` : `model = model.to(device)`;
    return `

def train_torch_${n}(model, loader, epochs: int = ${r.int(1, 20)}, lr: float = ${r.pick(['1e-3', '3e-4', '1e-4'])}):
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    ${dev}
    optimizer = torch.optim.${r.pick(['Adam', 'AdamW', 'SGD'])}(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    criterion = nn.CrossEntropyLoss()
    running = 0.0
    for epoch in range(epochs):
        model.train()
        for step, (inputs, targets) in enumerate(loader):
            inputs, targets = inputs.to(device), targets.to(device)
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = criterion(outputs, targets)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
${bugItem ? `            running += loss.item()
            if step % 100 == 0:
                print(f"epoch {epoch} step {step} loss {loss}")` : `            running += loss.detach()
            if step % 100 == 0:
                logger.info("epoch %d step %d", epoch, step)`}
        scheduler.step()
    return model, running
`;
  },
  (n, r) => `

@torch.no_grad()
def evaluate_${n}(model, loader, device="cpu"):
    model.eval()
    correct = 0
    total = 0
    for inputs, targets in loader:
        inputs = inputs.to(device)
        targets = targets.to(device)
        logits = model(inputs)
        preds = logits.argmax(dim=-1)
        correct += (preds == targets).sum()
        total += targets.numel()
    return (correct / max(total, 1)).item()
`,
  (n, r) => `

class SyntheticDataset${n}(Dataset):
    def __init__(self, size: int = ${r.int(100, 10000)}, dim: int = ${r.pick([16, 32, 64])}):
        self.x = torch.randn(size, dim)
        self.y = torch.randint(0, 10, (size,))

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        return self.x[idx], self.y[idx]


def make_loader_${n}(batch_size: int = ${r.pick([32, 64, 128])}):
    ds = SyntheticDataset${n}()
    return DataLoader(ds, batch_size=batch_size, shuffle=True${r.chance(0.5) ? ', num_workers=4, pin_memory=True' : ''})
`,
  (n, r) => `

def build_and_compile_${n}(dim: int = 128):
    model = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Linear(dim, 10))
    ${r.chance(0.3) ? 'model = nn.DataParallel(model)' : 'model = model.to(memory_format=torch.channels_last)'}
    compiled = torch.compile(model${r.chance(0.5) ? ', mode="reduce-overhead"' : ''})
    x = torch.randn(8, dim${r.chance(0.4) ? ', device="cuda"' : ''})
    with torch.inference_mode():
        y = compiled(x)
    ${r.chance(0.3) ? 'state = torch.load("checkpoint.pt")' : 'state = torch.load("checkpoint.pt", weights_only=True)'}
    model.load_state_dict(state)
    return compiled, y
`,
  (n, r) => `

def amp_step_${n}(model, batch, optimizer, scaler):
    inputs, targets = batch
    ${r.chance(0.4) ? 'with torch.cuda.amp.autocast():' : 'with torch.autocast(device_type="cuda", dtype=torch.bfloat16):'}
        out = model(inputs)
        loss = F.cross_entropy(out, targets)
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()
    optimizer.zero_grad(set_to_none=True)
    return loss.detach()
`,
  // ---------------------------------------------------------------- JAX / Flax / Optax
  (n, r) => `

class MLP${n}(fnn.Module):
    features: Tuple[int, ...] = (${r.pick([64, 128, 256])}, ${r.pick([64, 128])}, 10)

    @fnn.compact
    def __call__(self, x, train: bool = False):
        for i, feat in enumerate(self.features[:-1]):
            x = fnn.Dense(feat, name=f"dense_{i}")(x)
            x = ${r.pick(JACTS)}(x)
            x = fnn.Dropout(0.1, deterministic=not train)(x)
        return fnn.Dense(self.features[-1])(x)
`,
  (n, r) => {
    const bugPrint = r.chance(0.5);
    return `

@jax.jit
def train_step_${n}(params, opt_state, batch):
    def loss_fn(p):
        logits = model_apply_${n}(p, batch["x"])
        labels = jax.nn.one_hot(batch["y"], 10)
        return optax.softmax_cross_entropy(logits, labels).mean()

    loss, grads = jax.value_and_grad(loss_fn)(params)
    updates, opt_state = tx_${n}.update(grads, opt_state, params)
    params = optax.apply_updates(params, updates)
${bugPrint ? `    print("loss", loss)` : `    jax.debug.print("loss {}", loss)`}
    return params, opt_state, loss


def model_apply_${n}(params, x):
    h = jnp.dot(x, params["w1"]) + params["b1"]
    h = ${r.pick(JACTS)}(h)
    return jnp.dot(h, params["w2"]) + params["b2"]


tx_${n} = optax.${r.pick(['adam', 'adamw', 'sgd'])}(learning_rate=${r.pick(['1e-3', '3e-4'])})
`;
  },
  (n, r) => {
    const bugInplace = r.chance(0.5);
    return `

@partial(jax.jit, static_argnums=(1,))
def rollout_${n}(state, steps):
    buf = jnp.zeros((steps, state.shape[-1]))
    def body(carry, t):
        carry = carry * 0.99 + jnp.sin(t)
        return carry, carry.sum()
    final, trace = lax.scan(body, state, jnp.arange(steps))
${bugInplace ? `    buf[0] = final` : `    buf = buf.at[0].set(final)`}
    return final, trace, buf
`;
  },
  (n, r) => `

def init_params_${n}(seed: int = ${r.int(0, 1000)}, din: int = 32, dh: int = ${r.pick([64, 128])}):
    key = ${r.chance(0.4) ? 'jax.random.PRNGKey(seed)' : 'jax.random.key(seed)'}
    k1, k2 = random.split(key)
    w1 = random.normal(k1, (din, dh)) * math.sqrt(2.0 / din)
    w2 = random.normal(k2, (dh, 10)) * math.sqrt(2.0 / dh)
    return {"w1": w1, "b1": jnp.zeros(dh), "w2": w2, "b2": jnp.zeros(10)}
`,
  (n, r) => `

def fit_jax_${n}(params, batches, epochs: int = ${r.int(1, 10)}):
    opt = optax.adam(1e-3)
    opt_state = opt.init(params)
    for epoch in range(epochs):
        start = time.time()
        for batch in batches:
            loss, grads = jax.value_and_grad(lambda p: jnp.mean((model_apply_${n}(p, batch["x"]) - batch["y"]) ** 2))(params)
            updates, opt_state = opt.update(grads, opt_state, params)
            params = optax.apply_updates(params, updates)
${r.chance(0.5) ? '            HISTORY.append(float(loss))' : '            pass'}
        logger.info("epoch %d took %.2fs", epoch, time.time() - start)
    return params


def model_apply_${n}(params, x):
    return jnp.tanh(x @ params["w1"] + params["b1"]) @ params["w2"] + params["b2"]
`,
  (n, r) => `

@jax.vmap
def per_example_${n}(x):
    return jnp.linalg.norm(x) ** 2


def batched_grads_${n}(params, xs, ys):
    grad_fn = jax.grad(lambda p, x, y: jnp.sum((p["w"] @ x - y) ** 2))
    per_ex = jax.vmap(grad_fn, in_axes=(None, 0, 0))(params, xs, ys)
    return jax.tree_util.tree_map(lambda g: g.mean(axis=0), per_ex)
`,
  // ---------------------------------------------------------------- TensorFlow / Keras
  (n, r) => `

class ResidualDense${n}(keras.layers.Layer):
    def __init__(self, units: int = ${r.pick([64, 128, 256])}, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", trainable=True)
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return tf.nn.${r.pick(['relu', 'gelu', 'tanh'])}(tf.matmul(inputs, self.kernel) + self.bias)
`,
  (n, r) => {
    const bugPrint = r.chance(0.5);
    const bugVar = r.chance(0.3);
    return `

@tf.function
def tf_train_step_${n}(model, optimizer, x, y):
${bugVar ? '    counter = tf.Variable(0)\n' : ''}    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
${bugPrint ? '    print("loss:", loss)' : '    tf.print("loss:", loss)'}
    return loss
`;
  },
  (n, r) => `

def make_dataset_${n}(paths: List[str], batch_size: int = ${r.pick([32, 64, 256])}):
    ds = tf.data.Dataset.from_tensor_slices(paths)
    ds = ds.map(lambda p: tf.io.decode_png(tf.io.read_file(p), channels=3), num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.map(lambda img: tf.image.resize(img, (224, 224)) / 255.0)
    ds = ds.shuffle(1024).batch(batch_size)
    ${r.chance(0.5) ? 'return ds.prefetch(tf.data.AUTOTUNE)' : 'return ds'}
`,
  (n, r) => `

def build_keras_model_${n}(num_classes: int = ${r.pick([10, 100])}):
    inputs = keras.Input(shape=(${r.pick([32, 64, 128])},))
    x = layers.Dense(${r.pick([128, 256])}, activation=${r.pick(TACTS)})(inputs)
    x = layers.Dropout(0.2)(x)
    x = ResidualAdd${n}()(x)
    outputs = layers.Dense(num_classes)(x)
    model = keras.Model(inputs, outputs, name="model_${n}")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


class ResidualAdd${n}(keras.layers.Layer):
    def call(self, inputs):
        return inputs + tf.nn.relu(inputs)
`,
  (n, r) => `

def fit_tf_${n}(model, dataset, epochs: int = ${r.int(1, 10)}):
    optimizer = keras.optimizers.${r.pick(['Adam', 'SGD', 'RMSprop'])}(learning_rate=1e-3)
    for epoch in range(epochs):
        for x, y in dataset:
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(keras.losses.mse(y, model(x, training=True)))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
        ${r.chance(0.3) ? 'sess = tf.compat.v1.Session()' : 'logger.info("epoch %d done", epoch)'}
    return model
`,
  // ---------------------------------------------------------------- plain helpers
  (n, r) => `

@dataclass
class Config${n}:
    learning_rate: float = ${r.pick(['1e-3', '3e-4', '0.01'])}
    batch_size: int = ${r.pick([32, 64, 128])}
    epochs: int = ${r.int(1, 100)}
    seed: int = ${r.int(0, 9999)}
    layers: List[int] = field(default_factory=lambda: [${r.int(32, 512)}, ${r.int(32, 512)}])
    name: str = "run_${n}"

    def scaled_lr(self, world_size: int = 1) -> float:
        return self.learning_rate * math.sqrt(world_size * self.batch_size / 256)
`,
  (n, r) => `

def parse_args_${n}(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="experiment ${n}")
    parser.add_argument("--lr", type=float, default=${r.pick(['1e-3', '3e-4'])})
    parser.add_argument("--epochs", type=int, default=${r.int(1, 50)})
    parser.add_argument("--batch-size", type=int, default=${r.pick([32, 64])})
    parser.add_argument("--framework", choices=["torch", "jax", "tf"], default="${r.pick(['torch', 'jax', 'tf'])}")
    args = parser.parse_args(argv)
    if args.epochs <= 0:
        raise ValueError("epochs must be positive")
    return args


def moving_average_${n}(values: List[float], window: int = ${r.int(2, 20)}) -> List[float]:
    out = []
    acc = 0.0
    for i, v in enumerate(values):
        acc += v
        if i >= window:
            acc -= values[i - window]
        out.append(acc / min(i + 1, window))
    return out
`,
  (n, r) => `

def cosine_schedule_${n}(step: int, total: int, base: float = ${r.pick(['1e-3', '3e-4'])}, warmup: int = ${r.int(10, 1000)}) -> float:
    # Linear warm-up, then cosine decay to zero.
    if step < warmup:
        return base * step / max(1, warmup)
    progress = (step - warmup) / max(1, total - warmup)
    return 0.5 * base * (1.0 + math.cos(math.pi * min(1.0, progress)))


def to_numpy_${n}(batch: Dict[str, Any]) -> Dict[str, np.ndarray]:
    return {k: np.asarray(v) for k, v in batch.items() if v is not None}
`,
];

/** One file of about `lines` lines (never fewer), reproducible from `seed`. */
export function generateFile(lines, seed = 1) {
  const r = rng(seed);
  const parts = [HEADER];
  let count = HEADER.split('\n').length;
  let n = 0;
  while (count < lines) {
    const t = TEMPLATES[Math.floor(r.next() * TEMPLATES.length)];
    const block = t(`${seed}_${n++}`, r);
    parts.push(block);
    count += block.split('\n').length - 1;
  }
  parts.push(`

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
`);
  return parts.join('');
}

/** `files` files of `minLines`..`maxLines` lines each: [{ name, text }]. */
export function generateCorpus(files, minLines = 150, maxLines = 900, seed = 7) {
  const r = rng(seed);
  const out = [];
  for (let i = 0; i < files; i++) {
    const lines = r.int(minLines, maxLines);
    out.push({ name: `pkg${String(Math.floor(i / 50)).padStart(2, '0')}/module_${String(i).padStart(4, '0')}.py`, text: generateFile(lines, seed * 100_003 + i) });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lines = Number(process.argv[2] ?? 1000);
  const seed = Number(process.argv[3] ?? 1);
  process.stdout.write(generateFile(lines, seed));
}
