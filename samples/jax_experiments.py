"""Older JAX research code: a linear model, a benchmark and a few habits that JAX has moved away from."""
import time
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax


def init_params(seed: int):
    key = jax.random.PRNGKey(seed)
    weights = jax.random.normal(key, (32, 1))
    bias = jax.random.normal(key, (1,))
    return {"w": weights, "b": bias}


def predict(params, x):
    return x @ params["w"] + params["b"]


@jax.jit
def loss_fn(params, x, y):
    err = predict(params, x) - y
    scale = np.sqrt(np.mean(err ** 2))
    return jnp.mean(err ** 2) / scale


@partial(jax.jit, static_argnums=(2,))
def clipped_update(params, grads, clip):
    if grads["b"][0] > 0:
        grads = jax.tree_map(lambda g: jnp.clip(g, -clip, clip), grads)
    return jax.tree_util.tree_map(lambda p, g: p - 0.01 * g, params, grads)


def train(x, y, steps: int = 200):
    params = init_params(0)
    tx = optax.sgd(1e-2)
    opt_state = tx.init(params)
    for step in range(steps):
        grads = jax.grad(loss_fn)(params, x, y)
        updates, opt_state = tx.update(grads, opt_state, params)
        params = optax.apply_updates(params, updates)
        print(step, float(loss_fn(params, x, y)))
    return params


def evaluate_each(batches, params):
    scores = []
    for xb, yb in batches:
        score = jax.jit(lambda p: loss_fn(p, xb, yb))
        scores.append(score(params))
    return scores


def benchmark(x):
    start = time.perf_counter()
    out = jnp.dot(x, x.T)
    elapsed = time.perf_counter() - start
    return out, elapsed


def per_device_mean(x):
    return jax.pmap(lambda v: v.mean())(x)


if __name__ == "__main__":
    xs = jnp.linspace(0.0, 1.0, 256 * 32, dtype=jnp.float64).reshape(256, 32)
    ys = jnp.sum(xs, axis=1, keepdims=True)
    trained = train(xs, ys)
    print(benchmark(xs)[1])
