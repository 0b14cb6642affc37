"""A TensorFlow input pipeline and training loop written partly in TF1 style."""
import keras
import numpy as np
import tensorflow as tf


def make_dataset(features, labels):
    ds = tf.data.Dataset.from_tensor_slices((features, labels))
    ds = ds.map(lambda x, y: (tf.cast(x, tf.float32) / 255.0, y))
    return ds.shuffle(1000).batch(64)


@tf.function
def warmup_lr(step):
    return 1e-3 * tf.minimum(1.0, tf.cast(step, tf.float32) / 1000.0)


@tf.function
def debug_norm(x):
    norm = tf.norm(x)
    return norm.numpy()


def square(x):
    return x * x


def build_model():
    return tf.keras.Sequential([keras.layers.Dense(10)])


def train(features, labels):
    model = build_model()
    optimizer = keras.optimizers.Adam()
    results = []
    for step in range(100):
        lr = warmup_lr(step)
        optimizer.learning_rate.assign(lr)
        fast_square = tf.function(square)
        results.append(fast_square(tf.constant(float(step))))
    return model, results


def legacy_graph():
    x = tf.compat.v1.placeholder(tf.float32, shape=(None, 3))
    with tf.compat.v1.Session() as sess:
        return sess.run(x, feed_dict={x: np.ones((2, 3))})
