"""A small MLP trained with JAX, Flax (linen) and Optax on synthetic data."""
import time
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import linen as nn

step_log = []


class MLP(nn.Module):
    hidden: int = 128
    classes: int = 10

    @nn.compact
    def __call__(self, x, *, train: bool = False):
        x = nn.Dense(self.hidden)(x)
        x = nn.relu(x)
        x = nn.Dropout(rate=0.1, deterministic=not train)(x)
        return nn.Dense(self.classes)(x)


model = MLP()
tx = optax.adamw(learning_rate=1e-3, weight_decay=1e-4)


def loss_fn(params, x, y, dropout_key):
    logits = model.apply(params, x, train=True, rngs={"dropout": dropout_key})
    loss = optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()
    return loss


@jax.jit
def train_step(params, opt_state, x, y, dropout_key):
    loss, grads = jax.value_and_grad(loss_fn)(params, x, y, dropout_key)
    print("loss", loss)
    step_log.append(loss)
    updates, opt_state = tx.update(grads, opt_state, params)
    params = optax.apply_updates(params, updates)
    return params, opt_state, loss


@partial(jax.jit, static_argnums=(2,))
def smooth_labels(labels, eps, classes):
    onehot = jax.nn.one_hot(labels, classes)
    onehot[:, 0] += eps
    return onehot


def main():
    key = jax.random.key(0)
    key, init_key, data_key = jax.random.split(key, 3)
    x = jax.random.normal(data_key, (256, 32))
    y = jnp.zeros((256,), dtype=jnp.int32)
    params = model.init(init_key, x)
    opt_state = tx.init(params)
    start = time.perf_counter()
    for step in range(100):
        key, dropout_key = jax.random.split(key)
        params, opt_state, loss = train_step(params, opt_state, x, y, dropout_key)
    jax.block_until_ready(params)
    print(f"100 steps in {time.perf_counter() - start:.2f}s, loss={float(loss):.4f}")
    print(np.asarray(smooth_labels(y, 0.1, 10)).shape)


if __name__ == "__main__":
    main()
