/** The rule registry: one line per rule. */
import type { Rule } from './types';
import { JAX001 } from './jax/JAX001';
import { JAX002 } from './jax/JAX002';
import { JAX004 } from './jax/JAX004';
import { JAX005 } from './jax/JAX005';
import { JAX301 } from './jax/JAX301';
import { JAX302 } from './jax/JAX302';
import { JAX303 } from './jax/JAX303';
import { JAX201 } from './jax/JAX201';
import { JAX003 } from './jax/JAX003';
import { JAX101 } from './jax/JAX101';
import { JAX102 } from './jax/JAX102';
import { JAX103 } from './jax/JAX103';
import { TF001 } from './tensorflow/TF001';
import { TF002 } from './tensorflow/TF002';
import { PT101 } from './torch/PT101';
import { PT201 } from './torch/PT201';
import { TF003 } from './tensorflow/TF003';
import { TF101 } from './tensorflow/TF101';
import { TF102 } from './tensorflow/TF102';
import { TF103 } from './tensorflow/TF103';
import { TF301 } from './tensorflow/TF301';
import { TF302 } from './tensorflow/TF302';
import { PORT001 } from './portability/PORT001';
import { PORT002 } from './portability/PORT002';
import { PT001 } from './torch/PT001';
import { PT002 } from './torch/PT002';
import { PT003 } from './torch/PT003';
import { PT102 } from './torch/PT102';
import { PT103 } from './torch/PT103';
import { PT104 } from './torch/PT104';
import { PT301 } from './torch/PT301';
import { PT302 } from './torch/PT302';
import { PT303 } from './torch/PT303';
import { PT304 } from './torch/PT304';

export const ALL_RULES: Rule[] = [JAX001, JAX002, TF001, TF002, PT101, PT201, JAX004, JAX005, JAX301, JAX302, JAX303, JAX201, PT103, PT104, PT301, PT302, PT303, PT304, JAX003, JAX101, PT001, PT002, PT003, PT102, JAX102, JAX103, TF003, TF101, TF102, TF103, TF301, TF302, PORT001, PORT002].sort((a, b) => a.meta.code.localeCompare(b.meta.code));

export function ruleByCode(code: string): Rule | undefined {
  return ALL_RULES.find((r) => r.meta.code === code.toUpperCase());
}
