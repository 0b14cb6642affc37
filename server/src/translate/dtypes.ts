/** Dtype values across frameworks: `torch.float32` ↔ `jax.numpy.float32` ↔ `tensorflow.float32`. */
import type { FrameworkKey } from '../catalog/types';

const CANONICAL = [
  'float16', 'bfloat16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool', 'complex64', 'complex128',
] as const;
export type CanonicalDtype = (typeof CANONICAL)[number];

/** torch's aliases (`torch.float` is float32, `torch.long` int64, …). */
const TORCH_ALIASES: Record<string, CanonicalDtype> = {
  float: 'float32', double: 'float64', half: 'float16', long: 'int64', int: 'int32', short: 'int16',
  cfloat: 'complex64', cdouble: 'complex128',
};

/** The canonical dtype of a qualified dtype name (`torch.float`, `jax.numpy.bfloat16`, `numpy.int32`, `tensorflow.bool`). */
export function dtypeOfQualified(q: string): CanonicalDtype | undefined {
  const m = /^(torch|jax\.numpy|tensorflow|numpy|tensorflow\.dtypes|keras\.ops)\.(\w+)$/.exec(q);
  if (!m) return undefined;
  let name = m[2];
  if (name === 'bool_') name = 'bool';
  // Own keys only: `torch.constructor` is not a dtype.
  if (m[1] === 'torch' && Object.hasOwn(TORCH_ALIASES, name)) return TORCH_ALIASES[name];
  return (CANONICAL as readonly string[]).includes(name) ? (name as CanonicalDtype) : undefined;
}

/** A dtype string literal's canonical dtype (`'float32'`). */
export function dtypeOfString(s: string): CanonicalDtype | undefined {
  return (CANONICAL as readonly string[]).includes(s) ? (s as CanonicalDtype) : undefined;
}

/** The qualified name of a canonical dtype in a framework. */
export function dtypeIn(fw: FrameworkKey, d: CanonicalDtype): string {
  switch (fw) {
    case 'torch': return `torch.${d}`;
    case 'jax': return `jax.numpy.${d === 'bool' ? 'bool_' : d}`;
    case 'tensorflow': return `tensorflow.${d}`;
  }
}
