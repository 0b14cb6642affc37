"""A regression model trained with a custom TensorFlow 2 / Keras training step."""
import tensorflow as tf
from tensorflow import keras

model = keras.Sequential([
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(1),
])
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
loss_fn = keras.losses.MeanSquaredError()
history = []


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        pred = model(x, training=True)
        loss = loss_fn(y, pred)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    print("loss:", loss)
    history.append(loss)
    return loss


@tf.function
def scaled_sum(x):
    scale = tf.Variable(2.0)
    return tf.reduce_sum(x * scale)


def main():
    x = tf.random.normal((1024, 8))
    y = tf.reduce_sum(x, axis=1, keepdims=True)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1024).batch(32).prefetch(tf.data.AUTOTUNE)
    for epoch in range(3):
        for xb, yb in ds:
            loss = train_step(xb, yb)
        tf.print("epoch", epoch, "loss", loss)


if __name__ == "__main__":
    main()
