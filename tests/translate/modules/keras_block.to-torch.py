import keras
from keras import layers
from torch import nn


# framewise: call() became forward(); Keras's training argument is the module's mode in PyTorch: model.train() to train, model.eval() to evaluate.
class Block(nn.Module):
    """Dense, dropout and a residual layer norm."""

    def __init__(self, units=64, rate=0.2):
        super().__init__()
        # framewise: Linear needs in_features, which TensorFlow's Dense does not take: replace the ... placeholder (Flax and Keras infer it from the first input)
        self.dense = nn.Linear(in_features=..., out_features=units)
        self.dropout = nn.Dropout(p=rate)
        # framewise: TensorFlow default axis=-1 has no PyTorch counterpart in LayerNorm
        # framewise: LayerNorm needs normalized_shape, which TensorFlow's LayerNormalization does not take: replace the ... placeholder (torch names the trailing shape; Flax reduction_axes / Keras axis name the axes (default: last))
        self.norm = nn.LayerNorm(normalized_shape=..., eps=0.001)

    def forward(self, inputs):
        # framewise: keras.ops.relu has no catalog entry: left as TensorFlow code
        x = keras.ops.relu(self.dense(inputs))
        x = self.dropout(x)
        return self.norm(x + inputs)
