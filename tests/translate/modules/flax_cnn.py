import jax.numpy as jnp
import flax.linen as nn


class CNN(nn.Module):
    """A simple CNN."""
    num_classes: int = 10

    @nn.compact
    def __call__(self, x, train: bool = False):
        x = nn.Conv(features=32, kernel_size=(3, 3))(x)
        x = nn.BatchNorm(use_running_average=not train)(x)
        x = nn.relu(x)
        x = x.reshape((x.shape[0], -1))
        dense = nn.Dense(features=self.num_classes, name='head')
        x = dense(x)
        x = nn.Dropout(rate=0.5, deterministic=not train)(x)
        return x
