import torch
import torch.nn as nn
import torch.nn.functional as F
import flax.linen as fnn
import typing
import jax


# framewise: Flax modules are dataclasses: MLP's constructor arguments are its fields, and its layers are created in __call__ (@nn.compact) under their PyTorch attribute names. Create the parameters with MLP(...).init(key, x) and run with .apply(variables, x).
# framewise: PyTorch's train()/eval() mode is the train argument here: pass train=True to train and train=False to evaluate; training needs rngs={'dropout': key} in apply.
class MLP(fnn.Module):
    """A two-layer perceptron."""
    in_dim: typing.Any
    hidden: int = 128
    num_classes: int = 10
    p: float = 0.1

    @fnn.compact
    def __call__(self, x, *, train: bool):
        # layers
        fc1 = fnn.Dense(features=self.hidden, name="fc1")
        # framewise: Flax Dropout needs deterministic=False and a 'dropout' PRNG key (rngs={'dropout': key}) when applied in training
        drop = fnn.Dropout(rate=self.p, name="drop", deterministic=not train)
        fc2 = fnn.Dense(features=self.num_classes, name="fc2")
        x = jax.nn.relu(fc1(x))
        x = drop(x)
        return fc2(x)
