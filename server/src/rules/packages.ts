/**
 * The packages a framework's rules need imported (`Rule.requires`): every qualified name they match
 * starts with one of them, and a name resolves only through an import of its package.
 */

/** PyTorch. */
export const TORCH: readonly string[] = ['torch'];

/** JAX, and the libraries built on it whose imports bring its arrays and transforms into a file. */
export const JAX: readonly string[] = ['jax', 'flax', 'optax'];

/** TensorFlow, Keras (standalone and tf_keras) and TensorFlow Datasets (whose loaders return tf.data pipelines). */
export const TENSORFLOW: readonly string[] = ['tensorflow', 'keras', 'tf_keras', 'tensorflow_datasets'];
