import jax.numpy as jnp
import flax.linen as nn
import torch


# framewise: CNN's fields are __init__ arguments and its layers are built in __init__; PyTorch needs each layer's input size where Flax infers it.
# framewise: The train argument became the module's mode: model.train() to train, model.eval() to evaluate.
class CNN(torch.nn.Module):
    """A simple CNN."""
    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.num_classes = num_classes
        # framewise: input layout differs: PyTorch is channels-first (N, C, H, W), Flax/Keras channels-last (N, H, W, C); transpose inputs (and ported weights)
        # framewise: Conv2d needs in_channels, which JAX's Conv does not take: replace the ... placeholder (inferred by Flax and Keras)
        self.conv_0 = torch.nn.Conv2d(in_channels=..., out_channels=32, kernel_size=(3, 3), padding="same")
        # framewise: JAX default momentum=0.99 has no PyTorch counterpart in BatchNorm2d (Flax/Keras weight the OLD running average; torch momentum = 1 - this)
        # framewise: JAX default use_bias=True has no PyTorch counterpart in BatchNorm2d
        # framewise: JAX default use_scale=True has no PyTorch counterpart in BatchNorm2d
        # framewise: JAX default axis=-1 has no PyTorch counterpart in BatchNorm2d (PyTorch always normalizes over channel dim 1)
        # framewise: input layout differs: PyTorch is channels-first (N, C, H, W), Flax/Keras channels-last (N, H, W, C); transpose inputs (and ported weights)
        # framewise: BatchNorm2d needs num_features, which JAX's BatchNorm does not take: replace the ... placeholder (inferred by Flax and Keras)
        self.batch_norm_0 = torch.nn.BatchNorm2d(num_features=...)
        # framewise: Linear needs in_features, which JAX's Dense does not take: replace the ... placeholder (Flax and Keras infer it from the first input)
        self.head = torch.nn.Linear(in_features=..., out_features=self.num_classes)
        self.dropout_0 = torch.nn.Dropout(p=0.5)

    def forward(self, x):
        x = self.conv_0(x)
        x = self.batch_norm_0(x)
        # framewise: flax.linen.relu has no catalog entry: left as JAX code
        x = nn.relu(x)
        x = x.reshape((x.shape[0], -1))
        x = self.head(x)
        x = self.dropout_0(x)
        return x
