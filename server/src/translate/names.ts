/**
 * Printing a qualified API name in a file: the file's existing binding (`tf`, `jnp`, `from torch
 * import nn`) when there is one, else the conventional alias with its import added once, never
 * clashing with a name the file already uses (`nn` may already mean torch.nn: Flax then becomes
 * `fnn` or its full name).
 */
import type { Facts } from '../resolve/facts';

interface Candidate { local: string; statement: string; /** text that stands for the module */ prefix?: string }

/** Conventional imports, longest module prefix first. */
const CONVENTIONS: Array<{ module: string; candidates: Candidate[]; fallback?: string }> = [
  { module: 'torch.nn.functional', candidates: [{ local: 'F', statement: 'import torch.nn.functional as F' }], fallback: 'torch' },
  { module: 'torch.nn', candidates: [{ local: 'nn', statement: 'from torch import nn' }], fallback: 'torch' },
  { module: 'torch', candidates: [{ local: 'torch', statement: 'import torch' }] },
  { module: 'jax.numpy', candidates: [{ local: 'jnp', statement: 'import jax.numpy as jnp' }], fallback: 'jax' },
  { module: 'jax', candidates: [{ local: 'jax', statement: 'import jax' }] },
  {
    module: 'flax.linen',
    candidates: [
      { local: 'nn', statement: 'from flax import linen as nn' },
      { local: 'fnn', statement: 'import flax.linen as fnn' },
      { local: 'flax', statement: 'import flax.linen', prefix: 'flax.linen' },
    ],
  },
  { module: 'optax', candidates: [{ local: 'optax', statement: 'import optax' }] },
  { module: 'orbax.checkpoint', candidates: [{ local: 'ocp', statement: 'import orbax.checkpoint as ocp' }] },
  { module: 'tensorflow', candidates: [{ local: 'tf', statement: 'import tensorflow as tf' }] },
  { module: 'keras', candidates: [{ local: 'keras', statement: 'import keras' }] },
  { module: 'functools', candidates: [{ local: 'functools', statement: 'import functools' }] },
];

/** How much of `qualified` the local prefix of `text` stands for (`jnp.sum` for jax.numpy.sum → len("jax.numpy")). */
function boundModuleLength(text: string, qualified: string): number {
  const rest = text.slice(text.indexOf('.') >= 0 ? text.indexOf('.') : text.length);
  return qualified.length - rest.length;
}

export class NamePlanner {
  /** Import statements to add, in the order first needed. */
  readonly imports: string[] = [];
  /** module → local text for modules imported by this plan */
  private readonly planned = new Map<string, string>();
  private readonly taken = new Set<string>();

  /** `used`: every identifier the file mentions (a new alias must not be one of them). */
  constructor(private readonly facts: Facts, used: Iterable<string>) {
    for (const u of used) this.taken.add(u);
  }

  /** The text that names `qualified` here; may plan an import. */
  nameFor(qualified: string): string {
    const conv = CONVENTIONS.find((c) => qualified === c.module || qualified.startsWith(c.module + '.'));
    const existing = this.facts.imports.localNameFor(qualified);
    const plannedName = this.plannedNameFor(qualified);
    if (!conv) return existing ?? plannedName ?? this.plainImport(qualified);
    // A binding at least as specific as the conventional module (`jnp` for jax.numpy) wins; a
    // broader one (`import jax` for jax.numpy.sum) only when the conventional alias cannot be added.
    const specific = (text: string | undefined) => text !== undefined && qualified.length - boundModuleLength(text, qualified) <= qualified.length - conv.module.length;
    if (existing && specific(existing)) return existing;
    if (plannedName && specific(plannedName)) return plannedName;
    if (conv.candidates.some((c) => this.isFree(c.local))) return this.viaConvention(conv, qualified)!;
    return existing ?? plannedName ?? this.viaConvention(conv, qualified) ?? this.plainImport(qualified);
  }

  private plannedNameFor(qualified: string): string | undefined {
    let best: { module: string; local: string } | undefined;
    for (const [module, local] of this.planned) {
      if ((qualified === module || qualified.startsWith(module + '.')) && (!best || module.length > best.module.length)) best = { module, local };
    }
    return best ? best.local + qualified.slice(best.module.length) : undefined;
  }

  private viaConvention(conv: (typeof CONVENTIONS)[number], qualified: string): string | undefined {
    const rest = qualified.slice(conv.module.length);
    for (const cand of conv.candidates) {
      if (!this.isFree(cand.local)) continue;
      this.plan(conv.module, cand.prefix ?? cand.local, cand.statement, cand.local);
      return (cand.prefix ?? cand.local) + rest;
    }
    if (conv.fallback) {
      const top = CONVENTIONS.find((c) => c.module === conv.fallback)!;
      const viaTop = this.facts.imports.localNameFor(qualified) ?? this.viaConvention(top, qualified);
      if (viaTop) return viaTop;
    }
    // Every conventional name is taken: an alias with a suffix that is free.
    let alias = conv.candidates[0].local + '_';
    while (!this.isFree(alias)) alias += '_';
    this.plan(conv.module, alias, `import ${conv.module} as ${alias}`, alias);
    return alias + rest;
  }

  /** Modules outside the conventions (not expected for catalog APIs): `import a.b` then the full name. */
  private plainImport(qualified: string): string {
    const parts = qualified.split('.');
    const module = parts.length > 1 ? parts.slice(0, -1).join('.') : parts[0];
    const head = module.split('.')[0];
    if (this.isFree(head) || this.facts.imports.resolveName(head) === head) {
      this.plan(module, module, `import ${module}`, head);
      return qualified;
    }
    let alias = parts[parts.length - 2] ?? head;
    while (!this.isFree(alias)) alias += '_';
    this.plan(module, alias, `import ${module} as ${alias}`, alias);
    return alias + qualified.slice(module.length);
  }

  private plan(module: string, text: string, statement: string, local: string): void {
    this.planned.set(module, text);
    this.taken.add(local);
    if (!this.imports.includes(statement)) this.imports.push(statement);
  }

  private isFree(local: string): boolean {
    return !this.taken.has(local) && !this.facts.imports.isBound(local);
  }
}
