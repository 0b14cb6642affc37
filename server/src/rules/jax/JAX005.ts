import type { Rule } from '../types';
import type { SyntaxNode as Node } from '../../parse/mirror';
import { tracedSource, type TracedParam } from './values';
import { JAX } from '../packages';

/**
 * NumPy functions (path below `numpy.`) that `jax.numpy` has under the same path and that work under
 * `jit` with the same call. Checked against the jax.numpy API reference (docs/jax.numpy.rst). Left out on
 * purpose: data-dependent output shapes (`nonzero`, `unique`, `argwhere`, `flatnonzero`, `extract`,
 * set operations, `trim_zeros`, `bincount` without `length`), in-place APIs (`put`, `place`,
 * `fill_diagonal`, `copyto`), I/O and printing, and dtype classes.
 */
export const JNP_EQUIVALENTS = new Set([
  'abs', 'absolute', 'acos', 'acosh', 'add', 'all', 'allclose', 'amax', 'amin', 'angle', 'any', 'append', 'arange',
  'arccos', 'arccosh', 'arcsin', 'arcsinh', 'arctan', 'arctan2', 'arctanh', 'argmax', 'argmin', 'argpartition', 'argsort',
  'around', 'array', 'array_equal', 'array_equiv', 'array_split', 'asarray', 'asin', 'asinh', 'atan', 'atan2', 'atanh',
  'atleast_1d', 'atleast_2d', 'atleast_3d', 'average', 'bitwise_and', 'bitwise_not', 'bitwise_or', 'bitwise_xor', 'block',
  'broadcast_arrays', 'broadcast_to', 'cbrt', 'ceil', 'clip', 'column_stack', 'concatenate', 'conj', 'conjugate',
  'convolve', 'copy', 'copysign', 'corrcoef', 'correlate', 'cos', 'cosh', 'count_nonzero', 'cov', 'cross', 'cumprod',
  'cumsum', 'deg2rad', 'degrees', 'diag', 'diagflat', 'diagonal', 'diff', 'digitize', 'divide', 'divmod', 'dot', 'dsplit',
  'dstack', 'einsum', 'empty_like', 'equal', 'exp', 'exp2', 'expand_dims', 'expm1', 'fabs', 'flip', 'fliplr', 'flipud',
  'float_power', 'floor', 'floor_divide', 'fmax', 'fmin', 'fmod', 'frexp', 'full_like', 'gcd', 'greater', 'greater_equal',
  'heaviside', 'hsplit', 'hstack', 'hypot', 'i0', 'imag', 'inner', 'interp', 'invert', 'isclose', 'isfinite', 'isin',
  'isinf', 'isnan', 'isneginf', 'isposinf', 'kron', 'lcm', 'ldexp', 'left_shift', 'less', 'less_equal', 'log', 'log10',
  'log1p', 'log2', 'logaddexp', 'logaddexp2', 'logical_and', 'logical_not', 'logical_or', 'logical_xor', 'matmul', 'max',
  'maximum', 'mean', 'median', 'meshgrid', 'min', 'minimum', 'mod', 'modf', 'moveaxis', 'multiply', 'nan_to_num',
  'nanargmax', 'nanargmin', 'nancumprod', 'nancumsum', 'nanmax', 'nanmean', 'nanmedian', 'nanmin', 'nanpercentile',
  'nanprod', 'nanquantile', 'nanstd', 'nansum', 'nanvar', 'negative', 'nextafter', 'not_equal', 'ones_like', 'outer', 'pad',
  'percentile', 'positive', 'power', 'prod', 'ptp', 'quantile', 'rad2deg', 'radians', 'ravel', 'real', 'reciprocal',
  'remainder', 'repeat', 'reshape', 'right_shift', 'rint', 'roll', 'rollaxis', 'rot90', 'round', 'searchsorted', 'select',
  'sign', 'signbit', 'sin', 'sinc', 'sinh', 'sort', 'split', 'sqrt', 'square', 'squeeze', 'stack', 'std', 'subtract', 'sum',
  'swapaxes', 'take', 'take_along_axis', 'tan', 'tanh', 'tensordot', 'tile', 'trace', 'transpose', 'tril', 'triu',
  'true_divide', 'trunc', 'unwrap', 'vander', 'var', 'vdot', 'vsplit', 'vstack', 'where', 'zeros_like',
  'linalg.cholesky', 'linalg.det', 'linalg.eigh', 'linalg.eigvalsh', 'linalg.inv', 'linalg.lstsq', 'linalg.matrix_power',
  'linalg.multi_dot', 'linalg.norm', 'linalg.pinv', 'linalg.qr', 'linalg.slogdet', 'linalg.solve', 'linalg.svd',
  'fft.fft', 'fft.fft2', 'fft.fftn', 'fft.fftshift', 'fft.ifft', 'fft.ifft2', 'fft.ifftn', 'fft.ifftshift', 'fft.irfft',
  'fft.irfft2', 'fft.irfftn', 'fft.rfft', 'fft.rfft2', 'fft.rfftn',
]);

/** Functions whose output shape depends on the data; jax.numpy has them with a static `size=` argument. */
const SIZED = new Set(['nonzero', 'flatnonzero', 'argwhere', 'unique']);

/** NumPy functions that only read static metadata (shape, dtype): fine on tracers. */
const METADATA = new Set(['shape', 'ndim', 'size', 'dtype', 'result_type', 'iinfo', 'finfo', 'issubdtype', 'isscalar',
  'promote_types', 'can_cast', 'iscomplexobj', 'isrealobj']);

export const JAX005: Rule = {
  meta: {
    code: 'JAX005',
    name: 'numpy-on-traced-value',
    framework: 'jax',
    category: 'correctness',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'NumPy functions applied to traced values inside jit/grad/vmap fail with TracerArrayConversionError; use jax.numpy.',
  },
  calls: { calleePrefixes: ['numpy.'] },
  local: true,
  requires: JAX,
  create(ctx) {
    const { facts } = ctx;
    return {
      call(node) {
        const q = facts.callee(node);
        if (!q || !q.startsWith('numpy.')) return;
        const path = q.slice('numpy.'.length);
        if (METADATA.has(path) || !facts.tracedScope(node, 'jax')) return;
        const args = node.childForFieldName('arguments')?.namedChildren ?? [];
        let src: (TracedParam & { arg: Node }) | undefined;
        for (const a of args) {
          const t = a ? tracedSource(a, facts) : undefined;
          if (t) { src = { ...t, arg: a!.type === 'keyword_argument' ? a!.childForFieldName('value') ?? a! : a! }; break; }
        }
        if (!src) return;
        const fn = node.childForFieldName('function')!;
        const where = src.fn.name ? `\`${src.fn.name}\`` : 'a traced lambda';
        const onWhat = src.arg.text === src.name ? `\`${src.name}\`` : `a value computed from \`${src.name}\``;
        const base = `\`${fn.text}\` is NumPy: on ${onWhat}, a traced value in ${where}, it raises TracerArrayConversionError (NumPy needs concrete data; JAX cannot trace or differentiate through it).`;
        // One-argument `where` is `nonzero`: its output shape depends on the data.
        const positional = args.filter((x) => x && x.type !== 'keyword_argument' && x.type !== 'comment');
        const dataShaped = SIZED.has(path) || (path === 'where' && positional.length === 1);
        if (!JNP_EQUIVALENTS.has(path) || dataShaped) {
          const advice = dataShaped
            ? `Its output shape depends on the data: use \`jnp.${path}(…, size=N)\` with a static bound.`
            : 'Compute it with jax.numpy / jax.lax, or do it outside the traced function.';
          ctx.report(fn, `${base} ${advice}`);
          return;
        }
        const name = ctx.nameFor(`jax.numpy.${path}`, { module: 'jax.numpy', alias: 'jnp' });
        ctx.report(fn, `${base} Use \`${name.text}\`.`, {
          title: `Replace ${fn.text} with ${name.text}`,
          edits: [{ range: ctx.range(fn), newText: name.text }, ...name.edits],
        });
      },
    };
  },
};
