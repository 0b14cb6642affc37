import torch
from torch import nn
import torch.nn.functional as F
import flax.linen as fnn
import jax


# framewise: Flax modules are dataclasses: CNN's constructor arguments are its fields, and its layers are created in __call__ (@nn.compact) under their PyTorch attribute names. Create the parameters with CNN(...).init(key, x) and run with .apply(variables, x).
# framewise: PyTorch's train()/eval() mode is the train argument here: pass train=True to train and train=False to evaluate; training needs mutable=['batch_stats'] (and the updated batch_stats kept) in apply.
class CNN(fnn.Module):
    num_classes: int = 10

    @fnn.compact
    def __call__(self, x, *, train: bool):
        # framewise: padding values differ in meaning (PyTorch default 0, JAX default "SAME"): check padding=
        # framewise: input layout differs: PyTorch is channels-first (N, C, H, W), Flax/Keras channels-last (N, H, W, C); transpose inputs (and ported weights)
        conv1 = fnn.Conv(features=32, kernel_size=(3, 3), padding=1, name="conv1")
        # framewise: PyTorch default momentum=0.1 has no JAX counterpart in BatchNorm (PyTorch weights the NEW batch statistic; it is NOT the same number as Flax/Keras momentum. Convert: flax/keras momentum = 1 - torch momentum (0.1 -> 0.9). The defaults 0.1 and 0.99 are not equivalent.)
        # framewise: PyTorch default affine=True has no JAX counterpart in BatchNorm (Flax use_bias+use_scale, Keras center+scale)
        # framewise: input layout differs: PyTorch is channels-first (N, C, H, W), Flax/Keras channels-last (N, H, W, C); transpose inputs (and ported weights)
        bn1 = fnn.BatchNorm(name="bn1", use_running_average=not train)
        fc = fnn.Dense(features=self.num_classes, name="fc")
        x = jax.nn.relu(bn1(conv1(x)))
        # framewise: max_pool2d: not translated to JAX — the catalog does not map its argument input= (layer.pool)
        x = F.max_pool2d(x, 2)
        # framewise: flatten: not translated to JAX — start_dim=1 has no counterpart in ravel, and leaving it out would change the result (torch only: reshape elsewhere.)
        x = torch.flatten(x, 1)
        if train:
            x = x * 1.0
        return fc(x)
