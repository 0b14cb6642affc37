import torch
from torch import nn
import keras
import tensorflow as tf


# framewise: Keras layers created in __init__ build their weights on first call; call(), not forward(), holds the computation.
class Head(keras.layers.Layer):
    def __init__(self, hidden=32, **kwargs):
        super().__init__(**kwargs)
        self.fc = keras.layers.Dense(units=hidden)
        self.out = keras.layers.Dense(units=4)

    def call(self, x):
        return tf.nn.softmax(self.out(tf.nn.leaky_relu(self.fc(x), 0.2)), axis=-1)
