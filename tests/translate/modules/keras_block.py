import keras
from keras import layers


class Block(layers.Layer):
    """Dense, dropout and a residual layer norm."""

    def __init__(self, units=64, rate=0.2, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units)
        self.dropout = layers.Dropout(rate)
        self.norm = layers.LayerNormalization()

    def call(self, inputs, training=False):
        x = keras.ops.relu(self.dense(inputs))
        x = self.dropout(x, training=training)
        return self.norm(x + inputs)
