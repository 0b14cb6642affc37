import torch
from torch import nn
import flax.linen as fnn
import jax


# framewise: Flax modules are dataclasses: Head's constructor arguments are its fields, and its layers are created in __call__ (@nn.compact) under their PyTorch attribute names. Create the parameters with Head(...).init(key, x) and run with .apply(variables, x).
class Head(fnn.Module):
    hidden: int = 32

    @fnn.compact
    def __call__(self, x):
        fc = fnn.Dense(features=self.hidden, name="fc")
        out = fnn.Dense(features=4, name="out")
        return jax.nn.softmax(out(jax.nn.leaky_relu(fc(x), 0.2)), axis=-1)
