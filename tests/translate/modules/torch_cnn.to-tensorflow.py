import torch
from torch import nn
import torch.nn.functional as F
import keras
import tensorflow as tf


# framewise: Keras layers created in __init__ build their weights on first call; call(), not forward(), holds the computation.
# framewise: PyTorch's train()/eval() mode is the training argument here: Keras passes it to Dropout/BatchNormalization by itself (fit() trains, predict() evaluates); pass training=True/False to force it.
class CNN(keras.layers.Layer):
    def __init__(self, num_classes: int = 10, **kwargs):
        super().__init__(**kwargs)
        # framewise: padding values differ in meaning (PyTorch default 0, TensorFlow default "valid"): check padding=
        # framewise: input layout differs: PyTorch is channels-first (N, C, H, W), Flax/Keras channels-last (N, H, W, C); transpose inputs (and ported weights)
        self.conv1 = keras.layers.Conv2D(filters=32, kernel_size=3, padding=1)
        # framewise: PyTorch default momentum=0.1 has no TensorFlow counterpart in BatchNormalization (PyTorch weights the NEW batch statistic; it is NOT the same number as Flax/Keras momentum. Convert: flax/keras momentum = 1 - torch momentum (0.1 -> 0.9). The defaults 0.1 and 0.99 are not equivalent.)
        # framewise: PyTorch default affine=True has no TensorFlow counterpart in BatchNormalization (Flax use_bias+use_scale, Keras center+scale)
        # framewise: input layout differs: PyTorch is channels-first (N, C, H, W), Flax/Keras channels-last (N, H, W, C); transpose inputs (and ported weights)
        self.bn1 = keras.layers.BatchNormalization(epsilon=0.00001)
        self.fc = keras.layers.Dense(units=num_classes)

    def call(self, x, training=None):
        x = tf.nn.relu(self.bn1(self.conv1(x)))
        # framewise: max_pool2d: not translated to TensorFlow — the PyTorch form is a function (max_pool2d), the TensorFlow form a layer object (MaxPooling2D); see `framewise equivalents layer.pool`
        x = F.max_pool2d(x, 2)
        # framewise: flatten: TensorFlow has no single-call form — no single-call equivalent (see `framewise equivalents ops.flatten`)
        x = torch.flatten(x, 1)
        if training:
            x = x * 1.0
        return self.fc(x)
