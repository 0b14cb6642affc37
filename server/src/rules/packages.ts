/**
 * The packages a framework's rules need imported (`Rule.requires`): a rule gated on one of these lists
 * reports only where some of its framework's names resolve, and those resolve only through an import
 * of one of the packages listed (tests/rules/requires.test.ts checks it rule by rule).
 */

/** PyTorch. */
export const TORCH: readonly string[] = ['torch'];

/** JAX, and the libraries built on it whose imports bring its arrays and transforms into a file. */
export const JAX: readonly string[] = ['jax', 'flax', 'optax'];

/** TensorFlow, Keras (standalone and tf_keras) and TensorFlow Datasets (whose loaders return tf.data pipelines). */
export const TENSORFLOW: readonly string[] = ['tensorflow', 'keras', 'tf_keras', 'tensorflow_datasets'];
