import torch
import torch.nn as nn
import torch.nn.functional as F
import keras
import tensorflow as tf


# framewise: Keras layers created in __init__ build their weights on first call; call(), not forward(), holds the computation.
# framewise: PyTorch's train()/eval() mode is the training argument here: Keras passes it to Dropout/BatchNormalization by itself (fit() trains, predict() evaluates); pass training=True/False to force it.
class MLP(keras.layers.Layer):
    """A two-layer perceptron."""

    def __init__(self, in_dim, hidden=128, num_classes=10, p=0.1, **kwargs):
        super().__init__(**kwargs)
        # layers
        self.fc1 = keras.layers.Dense(units=hidden)
        self.drop = keras.layers.Dropout(rate=p)
        self.fc2 = keras.layers.Dense(units=num_classes)
        self.hidden = hidden

    def call(self, x, training=None):
        x = tf.nn.relu(self.fc1(x))
        x = self.drop(x)
        return self.fc2(x)
