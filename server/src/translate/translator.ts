/**
 * The data-driven call translator. A call is matched to a catalog call form (its callee resolved
 * through the file's imports, or the method spelling `x.sum(1)` with the receiver as params[0]);
 * its arguments are bound to the source framework's parameter names, mapped through the concept's
 * argument table (framework name → canonical name → target name), and printed as a call of the
 * target framework, named with the file's own aliases or conventional ones (imports planned once).
 * Whatever cannot be expressed faithfully becomes a note (a `# framewise:` line above the
 * statement); when even the nearest idiom cannot be written, the call is left as it is.
 */
import type { Tree } from 'web-tree-sitter';
import { SyntaxTree, type SyntaxNode as Node } from '../parse/mirror';
import { Facts, FACT_NODE_TYPES } from '../resolve/facts';
import {
  FRAMEWORK_LABEL, FRAMEWORKS, frameworkOfApi, getCatalog,
  type ArgMapping, type Catalog, type CallForm, type DefaultValue, type FrameworkKey, type LoadedConcept,
} from '../catalog/index';
import { NamePlanner } from './names';
import { dtypeIn, dtypeOfQualified, dtypeOfString } from './dtypes';
import { caveatsFor } from './caveats';

export interface CallMatch {
  call: Node;
  form: CallForm;
  /** Method spelling: the receiver expression, bound to params[0]. */
  receiver?: Node;
  /** The callee stands for several concepts and the call does not say which (their ids). */
  ambiguous?: string[];
  /** A decorator (`@jax.jit` or `@tf.function(jit_compile=True)`): the function is the one decorated. */
  decorator?: boolean;
}

export interface CallTranslation {
  call: Node;
  concept: LoadedConcept;
  from: FrameworkKey;
  to: FrameworkKey;
  /** Replacement text for the call; undefined when the construct is left as it is. */
  text?: string;
  /** What differs; each becomes a `# framewise: …` line above the statement. */
  notes: string[];
}

// ---- facts for a standalone tree ---------------------------------------------------------------

/** Facts for a tree (the same construction the analysis core uses). */
export function buildFacts(tree: Tree, source: string): Facts {
  return factsFor(new SyntaxTree(tree, source), source);
}

/** Facts over a tree already mirrored. */
export function factsFor(syntax: SyntaxTree, source: string): Facts {
  const facts = new Facts(syntax.rootNode, source);
  facts.build(syntax.numbersOfTypes(FACT_NODE_TYPES));
  return facts;
}

/** Names the file binds or reads (not attribute names after a dot, not keyword-argument names). */
export function identifiersOf(syntax: SyntaxTree): Set<string> {
  const out = new Set<string>();
  for (const node of syntax.nodesOfTypes(['identifier'])) {
    const parent = node.parent;
    const t = parent?.type;
    if ((t === 'attribute' || t === 'keyword_argument') && parent!.childForFieldName(t === 'attribute' ? 'attribute' : 'name')?.id === node.id) continue;
    out.add(node.text);
  }
  return out;
}

// ---- helpers ----------------------------------------------------------------------------------

const lastSegment = (q: string) => q.slice(q.lastIndexOf('.') + 1);
/** `nn.Linear`, `keras.layers.Dense`: a class (a layer object), not a function. */
const isClassName = (q: string) => /^[A-Z]/.test(lastSegment(q));
const isClassMember = (q: string) => q.split('.').slice(0, -1).some((p) => /^[A-Z]/.test(p));
const label = (fw: FrameworkKey) => FRAMEWORK_LABEL[fw];

function pyLiteral(v: DefaultValue): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  return JSON.stringify(v);
}

/** The Python value of a literal node (numbers, strings, True/False/None, unary minus), or NOT_LITERAL. */
const NOT_LITERAL = Symbol('not-literal');
function literalValue(node: Node): DefaultValue | typeof NOT_LITERAL {
  switch (node.type) {
    case 'true': return true;
    case 'false': return false;
    case 'none': return null;
    case 'integer': case 'float': {
      const n = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(n) ? n : NOT_LITERAL;
    }
    case 'unary_operator': {
      const arg = node.childForFieldName('argument');
      const op = node.child(0)?.text;
      if (!arg || (arg.type !== 'integer' && arg.type !== 'float')) return NOT_LITERAL;
      const v = literalValue(arg);
      return typeof v === 'number' ? (op === '-' ? -v : v) : NOT_LITERAL;
    }
    case 'string': {
      if (node.namedChildren.some((c) => c?.type === 'interpolation')) return NOT_LITERAL;
      const m = /^[rRuU]?(['"]{1,3})([\s\S]*)\1$/.exec(node.text);
      return m ? m[2] : NOT_LITERAL;
    }
    case 'parenthesized_expression': {
      const inner = node.namedChildren[0];
      return inner ? literalValue(inner) : NOT_LITERAL;
    }
    default: return NOT_LITERAL;
  }
}

function sameDefault(a: DefaultValue | undefined, b: DefaultValue | undefined): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= Math.abs(a) * 1e-12;
  return a === b;
}

/** A default that means "feature off" (only used when the target's own behaviour is unknown). */
function isNeutral(v: DefaultValue | undefined): boolean {
  return v === false || v === 0 || v === null || v === 'none' || v === 'zeros';
}

/** Canonical names printed as keywords even when passed positionally (axes, flags). */
const OPTION_LIKE = /(^|_)(axis|axes|dim|dims|keepdims?|dtype)$|^(axis\d|first_axis|second_axis)$/;
/** Canonical names of data operands: positional in the target when the prefix allows. */
const OPERAND_LIKE = /^(x|y|a|b|A|x1|x2|condition|tensors|index|indices|labels|logits|predictions|targets|log_predictions|fn|func|pred|true_fn|false_fn|equation|operands|params|data|segment_ids|key)$/;
/**
 * Required arguments with no counterpart in other frameworks, per target framework (the catalog marks
 * inferred sizes like in_features `drop`; those are handled by position). A placeholder is written.
 */
const REQUIRED_IN: Record<string, FrameworkKey[]> = {
  key: ['jax'], init_value: ['jax', 'tensorflow'], head_dim: ['tensorflow'], num_channels: ['torch'], embed_dim: ['torch'],
};
/** Canonical names of data operands a call cannot do without. */
const REQUIRED_LIKE = /^(x|y|a|b|A|x1|x2|condition|tensors|index|indices|labels|logits|predictions|targets|log_predictions|fn|func|pred|true_fn|false_fn|equation|data|segment_ids)$/;
/** Names a method call is only translated on when the receiver is known to be a tensor. */
const RISKY_METHODS = new Set(['add', 'sort', 'round', 'take', 'repeat', 'split', 'clip', 'all', 'any', 'index', 'count', 'copy', 'update']);
/** Receivers that are certainly not tensors. */
const NON_TENSOR_NODES = new Set([
  'list', 'dictionary', 'set', 'string', 'concatenated_string', 'tuple', 'integer', 'float', 'true', 'false', 'none',
  'list_comprehension', 'dictionary_comprehension', 'set_comprehension', 'generator_expression',
]);
const NON_TENSOR_BUILTINS = new Set(['list', 'dict', 'set', 'str', 'tuple', 'sorted', 'range', 'open', 'len', 'int', 'float', 'bool', 'frozenset', 'enumerate', 'zip', 'map', 'filter']);

/** `Conv2d`, `max_pool2d`, `Conv2D` → 2 */
function spatialRank(fn: string): number | undefined {
  const m = /([123])[dD](Transpose)?$/.exec(lastSegment(fn));
  return m ? Number(m[1]) : undefined;
}

function keywordValue(call: Node, name: string): Node | undefined {
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return a.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

function positionalArgsOf(call: Node): Node[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node =>
    !!a && a.type !== 'keyword_argument' && a.type !== 'comment' && a.type !== 'list_splat' && a.type !== 'dictionary_splat');
}

/** Expressions that can take `.method()` without parentheses. */
const PRIMARY = new Set(['identifier', 'attribute', 'call', 'subscript', 'parenthesized_expression', 'list', 'tuple', 'dictionary', 'set', 'string', 'integer', 'float', 'true', 'false', 'none']);

/** The statement (child of a block / module) that contains `node`. */
export function enclosingStatement(node: Node): Node {
  let n: Node = node;
  while (n.parent && n.parent.type !== 'block' && n.parent.type !== 'module') n = n.parent;
  return n;
}

// ---- the translator ----------------------------------------------------------------------------

interface Bound {
  param: string;
  /** value nodes (several for a collected *varargs) */
  nodes: Node[];
  positional: boolean;
  receiver?: boolean;
  packed?: boolean;
}

interface TargetArg {
  canonical: string;
  kind: ArgMapping['kind'];
  text: string;
  /** The source passed it positionally (or as the receiver / varargs). */
  positional: boolean;
  /** For a target *varargs: the individual values. */
  spread?: string[];
  /** The source value node (single values). */
  node?: Node;
  placeholder?: boolean;
}

export class Translator {
  readonly names: NamePlanner;
  private readonly fileFrameworks: Set<FrameworkKey>;

  constructor(readonly facts: Facts, readonly source: string, identifiers: Set<string>, readonly catalog: Catalog = getCatalog()) {
    this.names = new NamePlanner(facts, identifiers);
    this.fileFrameworks = new Set();
    for (const b of facts.imports.bindings.values()) {
      const fw = frameworkOfApi(b.qualified);
      if (fw) this.fileFrameworks.add(fw);
    }
    for (const m of facts.imports.starModules) {
      const fw = frameworkOfApi(m);
      if (fw) this.fileFrameworks.add(fw);
    }
  }

  static forTree(tree: Tree, source: string, catalog?: Catalog): Translator {
    const syntax = new SyntaxTree(tree, source);
    return new Translator(factsFor(syntax, source), source, identifiersOf(syntax), catalog);
  }

  // ---- matching ----

  /** The catalog call form this call is spelled in, if any (any framework). */
  match(call: Node): CallMatch | undefined {
    if (call.type !== 'call') {
      // A bare decorator `@jax.jit` is the call `jax.jit(f)`.
      if ((call.type !== 'attribute' && call.type !== 'identifier') || call.parent?.type !== 'decorator') return undefined;
      const q = this.facts.qualifiedName(call);
      const form = q ? this.catalog.callForms(q)[0] : undefined;
      return form && this.wrapsFunction(form) ? { call, form, decorator: true } : undefined;
    }
    const fnNode = call.childForFieldName('function');
    if (!fnNode) return undefined;
    const q = this.facts.qualifiedName(fnNode);
    if (q) {
      const forms = this.catalog.callForms(q);
      if (!forms.length) return undefined;
      const exact = forms.filter((f) => !f.alias && f.framework === forms[0].framework);
      const concepts = new Set(exact.map((f) => f.concept.id));
      const m = concepts.size > 1 ? this.disambiguate(call, exact) : { call, form: forms[0] };
      // `@tf.function(jit_compile=True)`: a decorator factory, the function comes later.
      if (call.parent?.type === 'decorator' && this.wrapsFunction(m.form)) m.decorator = true;
      return m;
    }
    if (fnNode.type !== 'attribute') return undefined;
    const receiver = fnNode.childForFieldName('object');
    const method = fnNode.childForFieldName('attribute')?.text;
    if (!receiver || !method) return undefined;
    if (this.facts.qualifiedName(receiver)) return undefined; // a module or an imported object, not a tensor
    const fw = this.receiverFramework(receiver, RISKY_METHODS.has(method));
    if (!fw) return undefined;
    const forms = this.catalog.methodForms(method, fw);
    return forms.length ? { call, form: forms[0], receiver } : undefined;
  }

  /** The form's first parameter is the function it transforms (jit, grad, vmap, …). */
  private wrapsFunction(form: CallForm): boolean {
    const first = form.call.params[0];
    const arg = (form.concept.args ?? []).find((a) => a[form.framework] === first);
    return !!arg && (arg.name === 'fn' || arg.name === 'func');
  }

  /**
   * One callee, several concepts (`flax.linen.Conv` is the 1-D and the 2-D convolution,
   * `keras.optimizers.schedules.CosineDecay` with or without warmup): decided by the rank of a
   * literal kernel/window tuple, then by which concept's argument table maps every argument given,
   * then by the concept's name appearing in the callee's; else left ambiguous.
   */
  private disambiguate(call: Node, forms: CallForm[]): CallMatch {
    const spec = forms[0].call;
    let rank: number | undefined;
    for (const name of ['kernel_size', 'window_shape']) {
      const i = spec.params.indexOf(name);
      if (i < 0) continue;
      const node = keywordValue(call, name) ?? positionalArgsOf(call)[i];
      if (node && (node.type === 'tuple' || node.type === 'list')) rank = node.namedChildren.filter((c) => c && c.type !== 'comment').length;
    }
    const rankOf = (f: CallForm) => {
      for (const fw of FRAMEWORKS) {
        const other = f.concept.frameworks[fw].call?.fn;
        const r = other ? spatialRank(other) : undefined;
        if (r) return r;
      }
      return undefined;
    };
    let left = forms;
    const ranked = forms.every((f) => rankOf(f) !== undefined);
    if (ranked) left = rank !== undefined ? forms.filter((f) => rankOf(f) === rank) : forms;
    else {
      const given = new Set<string>();
      positionalArgsOf(call).forEach((_, i) => { if (spec.params[i]) given.add(spec.params[i]); });
      for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
        if (a?.type === 'keyword_argument') given.add(a.childForFieldName('name')?.text ?? '');
      }
      const mapsAll = left.filter((f) => [...given].every((p) => (f.concept.args ?? []).some((a) => a[f.framework] === p)));
      if (mapsAll.length) left = mapsAll;
      if (left.length > 1) {
        const fnName = lastSegment(forms[0].fn).toLowerCase();
        const named = left.filter((f) => fnName.includes(f.concept.id.slice(f.concept.id.lastIndexOf('.') + 1).replace(/-/g, '_')));
        if (named.length === 1) left = named;
      }
    }
    if (left.length === 1) return { call, form: left[0] };
    return { call, form: forms[0], ambiguous: forms.map((f) => f.concept.id) };
  }

  /** The framework whose tensor the receiver is, when that is known well enough. */
  private receiverFramework(receiver: Node, needEvidence: boolean): FrameworkKey | undefined {
    if (NON_TENSOR_NODES.has(receiver.type)) return undefined;
    if (receiver.type === 'identifier' && (receiver.text === 'self' || receiver.text === 'cls')) return undefined;
    const evidence = this.tensorEvidence(receiver, 0);
    if (evidence === 'not-tensor') return undefined;
    if (evidence) return evidence;
    if (needEvidence) return undefined;
    const fws = [...this.fileFrameworks];
    return fws.length === 1 ? fws[0] : undefined;
  }

  private tensorEvidence(node: Node, depth: number): FrameworkKey | 'not-tensor' | undefined {
    if (depth > 4) return undefined;
    if (NON_TENSOR_NODES.has(node.type)) return 'not-tensor';
    if (node.type === 'call') {
      const fn = node.childForFieldName('function');
      const q = this.facts.qualifiedName(fn);
      if (q) return frameworkOfApi(q);
      if (fn?.type === 'identifier' && NON_TENSOR_BUILTINS.has(fn.text) && this.facts.isBuiltin(fn.text)) return 'not-tensor';
      const m = this.match(node);
      if (m) return m.form.framework;
      return undefined;
    }
    if (node.type === 'identifier') {
      const a = this.facts.assignmentBefore(node.text, node);
      if (!a) return undefined;
      return this.tensorEvidence(a.value, depth + 1);
    }
    if (node.type === 'parenthesized_expression' && node.namedChildren[0]) return this.tensorEvidence(node.namedChildren[0], depth + 1);
    return undefined;
  }

  // ---- translation ----

  /**
   * Translate one call to `to`. Undefined when the call is no catalog idiom, or is already in the
   * target framework. A result without `text` says (in notes) why it is left as it is.
   */
  translate(call: Node, to: FrameworkKey): CallTranslation | undefined {
    const m = this.match(call);
    if (!m || m.form.framework === to) return undefined;
    return this.translateMatch(m, to);
  }

  translateMatch(m: CallMatch, to: FrameworkKey): CallTranslation {
    const { concept, framework: from, call: srcCall } = m.form;
    const result: CallTranslation = { call: m.call, concept, from, to, notes: [] };
    const notes = result.notes;
    const target = concept.frameworks[to];
    const srcName = m.receiver ? `${m.receiver.type === 'identifier' ? m.receiver.text : 'x'}.${srcCall.method}` : lastSegment(m.form.fn);
    if (m.ambiguous) {
      notes.push(`${srcName} stands for ${m.ambiguous.join(' or ')} and the call does not say which: not translated to ${label(to)}${m.ambiguous.some((id) => /conv|pool/.test(id)) ? ' (write the kernel size as a tuple literal)' : ''}`);
      return result;
    }
    if (!target.exists || !target.call) {
      const why = !target.exists ? (target.nearest ?? 'no direct equivalent') : `no single-call equivalent (see \`framewise equivalents ${concept.id}\`)`;
      notes.push(`${srcName}: ${label(to)} has ${!target.exists ? 'no direct equivalent' : 'no single-call form'} — ${oneLine(why)}`);
      return result;
    }
    const bind = this.bind(m);
    if (bind.unsupported) {
      notes.push(`${srcName}: not translated to ${label(to)} — ${bind.unsupported}`);
      return result;
    }
    const args = concept.args ?? [];
    const tcall = target.call;
    const tfn = tcall.fn;
    const tname = lastSegment(tfn);
    const assigned = new Map<string, TargetArg>();
    const provided = new Set<string>();
    const values = new Map<string, Node>();
    if (concept.id.startsWith('layer.') && isClassName(m.form.call.fn) !== isClassName(tfn)) {
      const kind = (fn: string) => (isClassName(fn) ? `a layer object (${lastSegment(fn)})` : `a function (${lastSegment(fn)})`);
      notes.push(`${srcName}: not translated to ${label(to)} — the ${label(from)} form is ${kind(m.form.call.fn)}, the ${label(to)} form ${kind(tfn)}; see \`framewise equivalents ${concept.id}\``);
      return result;
    }

    let lossy: string | undefined;
    for (const b of bind.bound.values()) {
      const arg = args.find((a) => a[from] === b.param);
      if (!arg) {
        if (from === 'tensorflow' && b.param === 'name') continue; // a TF op name carries no meaning
        result.notes = [`${srcName}: not translated to ${label(to)} — the catalog does not map its argument ${b.param}= (${concept.id})`];
        return result;
      }
      provided.add(arg.name);
      if (b.nodes.length === 1 && !b.packed) values.set(arg.name, b.nodes[0]);
      const targetParam = arg[to];
      if (targetParam === null) {
        if (arg.kind === 'drop') continue;
        const lit = b.nodes.length === 1 && !b.packed ? literalValue(b.nodes[0]) : NOT_LITERAL;
        const dT = arg.defaults?.[to];
        if (lit !== NOT_LITERAL) {
          if (dT !== undefined && sameDefault(lit, dT)) continue; // the target's fixed behaviour is this value
          if (dT === undefined && sameDefault(lit, arg.defaults?.[from]) && isNeutral(lit)) continue;
        }
        if (!arg.droppable) {
          // Leaving it out would compute something else (`torch.flatten(x, 1)` is not `jnp.ravel(x)`):
          // not translated (said after the caveats, which may have the better reason).
          lossy ??= `${srcName}: not translated to ${label(to)} — ${b.param}=${this.valueText(b)} has no counterpart in ${tname}, and leaving it out would change the result${arg.note ? ` (${oneLine(arg.note)})` : ''}`;
          continue;
        }
        notes.push(`${b.param}=${this.valueText(b)} has no ${label(to)} counterpart in ${tname}; dropped${arg.note ? ` (${oneLine(arg.note)})` : ''}`);
        continue;
      }
      if (!tcall.params.includes(targetParam)) {
        notes.push(`${b.param}: the catalog maps it to ${targetParam}, which ${tname} does not take; dropped`);
        continue;
      }
      const dS = arg.defaults?.[from];
      const dT = arg.defaults?.[to];
      if (dS !== undefined && dT !== undefined && dS !== null && dT !== null && typeof dS !== typeof dT) {
        notes.push(`${b.param} values differ in meaning (${label(from)} default ${pyLiteral(dS)}, ${label(to)} default ${pyLiteral(dT)}): check ${targetParam}=`);
      }
      assigned.set(targetParam, this.targetArg(b, arg, m, to, tfn, tcall.varargs, notes));
    }

    // Semantic caveats the table cannot express; the arguments they set go first, so that a default
    // they make explicit is not also reported as one the source relies on.
    const caveats = caveatsFor({ concept: concept.id, from, to, provided, values });
    for (const cav of caveats) {
      for (const [canonical, text] of Object.entries(cav.set ?? {})) {
        const tp = args.find((a) => a.name === canonical)?.[to];
        if (tp && tcall.params.includes(tp) && !assigned.has(tp)) assigned.set(tp, { canonical, kind: 'value', text, positional: false });
      }
    }

    // Defaults the source relies on without writing them.
    for (const arg of args) {
      if (provided.has(arg.name)) continue;
      const tp = arg[to];
      const sp = arg[from];
      const dS = arg.defaults?.[from];
      const dT = arg.defaults?.[to];
      if (tp === null) {
        if (sp === null || arg.kind === 'drop' || dS === undefined) continue;
        if (dT !== undefined ? !sameDefault(dS, dT) : !isNeutral(dS)) {
          notes.push(`${label(from)} default ${sp}=${pyLiteral(dS)} has no ${label(to)} counterpart in ${tname}${dT !== undefined ? ` (${label(to)} behaves as ${pyLiteral(dT)})` : ''}${arg.note ? ` (${oneLine(arg.note)})` : ''}`);
        }
        continue;
      }
      if (!tcall.params.includes(tp) || assigned.has(tp) || dS === undefined) continue;
      if (dT !== undefined && sameDefault(dS, dT)) continue;
      if (dS === null) {
        if (dT !== undefined && dT !== null) notes.push(`${label(from)}'s default ${sp ?? arg.name}=None differs from ${label(to)}'s ${tp}=${pyLiteral(dT)}`);
        continue;
      }
      if (dT !== undefined && dT !== null && typeof dS !== typeof dT) {
        notes.push(`default ${sp ?? arg.name} differs (${label(from)} ${pyLiteral(dS)}, ${label(to)} ${pyLiteral(dT)}) and the values are spelled differently: set ${tp}= explicitly`);
        continue;
      }
      assigned.set(tp, { canonical: arg.name, kind: arg.kind, text: pyLiteral(dS), positional: false });
    }

    for (const cav of caveats) {
      if (cav.block) {
        result.notes = [`${srcName}: not translated to ${label(to)} — ${cav.note ?? 'the meaning would change'}`];
        return result;
      }
      for (const [canonical, text] of Object.entries(cav.replace ?? {})) {
        const tp = args.find((a) => a.name === canonical)?.[to];
        const prev = tp ? assigned.get(tp) : undefined;
        if (tp && prev) assigned.set(tp, { ...prev, text, node: undefined, spread: undefined });
      }
      if (cav.note) notes.push(cav.note);
    }
    if (lossy) {
      result.notes = [lossy];
      return result;
    }

    // Required arguments the source cannot provide: a visible placeholder, never an invented name.
    for (const tp of tcall.params) {
      if (assigned.has(tp) || tp === tcall.varargs) continue;
      const arg = args.find((a) => a[to] === tp);
      if (!arg || arg[from] !== null || arg.defaults?.[to] !== undefined) continue;
      const required = (arg.kind === 'drop' && tp === tcall.params[0]) || REQUIRED_IN[arg.name]?.includes(to);
      if (!required) continue;
      assigned.set(tp, { canonical: arg.name, kind: arg.kind, text: '...', positional: false, placeholder: true });
      notes.push(`${tname} needs ${tp}, which ${label(from)}'s ${srcName} does not take: replace the ... placeholder${arg.note ? ` (${oneLine(arg.note)})` : ''}`);
    }

    const first = tcall.params[0];
    if (m.decorator) {
      result.text = this.printDecorator(tfn, tcall.params, tcall.varargs, assigned, to);
      return result;
    }
    // The source omits what the target cannot do without (a function to compile, a tensor to reduce).
    const firstArg = args.find((a) => a[to] === first);
    if (first && !assigned.has(first) && first !== tcall.varargs && firstArg && firstArg[from] !== null && firstArg.defaults?.[to] === undefined && REQUIRED_LIKE.test(firstArg.name)) {
      result.notes = [`${srcName}: not translated to ${label(to)} — the call omits ${firstArg[from]}, which ${tname} requires (a decorator-factory spelling?)`];
      return result;
    }

    result.text = this.printCall(tfn, tcall.params, tcall.varargs, assigned, tcall.method);
    return result;
  }

  /** Bind the call's arguments to the source parameter names. */
  private bind(m: CallMatch): { bound: Map<string, Bound>; unsupported?: string } {
    const { call: spec } = m.form;
    const bound = new Map<string, Bound>();
    const params = spec.params;
    let index = 0;
    if (m.receiver) {
      if (!params.length) return { bound, unsupported: 'the catalog lists no receiver parameter' };
      let recv = m.receiver;
      while (recv.type === 'parenthesized_expression' && recv.namedChildren.length === 1 && recv.namedChildren[0]) recv = recv.namedChildren[0];
      bound.set(params[0], { param: params[0], nodes: [recv], positional: true, receiver: true });
      index = 1;
    }
    const argList = m.call.childForFieldName('arguments');
    if (!argList) return { bound };
    if (argList.type !== 'argument_list') return { bound, unsupported: 'a generator argument is not supported' };
    const varIndex = spec.varargs ? params.indexOf(spec.varargs) : -1;
    let positionals = 0;
    for (const a of argList.namedChildren) {
      if (!a || a.type === 'comment') continue;
      if (a.type === 'list_splat' || a.type === 'dictionary_splat') return { bound, unsupported: `${a.text} (unpacked arguments) cannot be mapped argument by argument` };
      if (a.type === 'keyword_argument') {
        const name = a.childForFieldName('name')?.text ?? '';
        const value = a.childForFieldName('value');
        if (!params.includes(name) || !value) return { bound, unsupported: `unknown argument ${name}=` };
        if (bound.has(name)) return { bound, unsupported: `${name} is given twice` };
        bound.set(name, { param: name, nodes: [value], positional: false });
        continue;
      }
      positionals++;
      if (varIndex >= 0 && index >= varIndex) {
        const b = bound.get(spec.varargs!) ?? { param: spec.varargs!, nodes: [], positional: true, packed: true };
        b.nodes.push(a);
        bound.set(spec.varargs!, b);
        continue;
      }
      if (index >= params.length) return { bound, unsupported: 'more positional arguments than the catalog knows' };
      bound.set(params[index], { param: params[index], nodes: [a], positional: true });
      index++;
    }
    if (m.form.alias && positionals > 2) return { bound, unsupported: `${m.form.fn} is an alias of ${spec.fn}: pass arguments after the second by keyword` };
    return { bound };
  }

  /** The text of one target argument. */
  private targetArg(b: Bound, arg: ArgMapping, m: CallMatch, to: FrameworkKey, tfn: string, targetVarargs: string | undefined, notes: string[]): TargetArg {
    const positional = b.positional;
    // *varargs in the source: `torch.zeros(2, 3)` → `(2, 3)`
    if (b.packed) {
      const parts = b.nodes.map((n) => this.render(n, to, notes));
      if (b.nodes.length === 1) {
        const n = b.nodes[0];
        if (arg.kind === 'shape' && (n.type === 'tuple' || n.type === 'list')) {
          return { canonical: arg.name, kind: arg.kind, text: parts[0], positional, spread: this.elements(n, to, notes) };
        }
        if (arg.kind === 'shape' && n.type !== 'integer') {
          notes.push(`${n.text} is passed as the whole shape; write (${n.text},) if it is a single int`);
          return { canonical: arg.name, kind: arg.kind, text: parts[0], positional, spread: parts };
        }
        return { canonical: arg.name, kind: arg.kind, text: `(${parts[0]},)`, positional, spread: parts };
      }
      return { canonical: arg.name, kind: arg.kind, text: `(${parts.join(', ')})`, positional, spread: parts };
    }
    const node = b.nodes[0];
    // A tuple/list literal going to a target *varargs is spread: `jnp.zeros((2, 3))` → `torch.zeros(2, 3)`.
    const spread = targetVarargs !== undefined && arg[to] === targetVarargs && (node.type === 'tuple' || node.type === 'list')
      ? this.elements(node, to, notes) : undefined;
    if (arg.kind === 'dtype') return { canonical: arg.name, kind: arg.kind, text: this.dtypeText(node, to, notes), positional };
    let text = this.render(node, to, notes);
    // Flax wants one entry per spatial dimension where torch/Keras accept an int.
    const tp = arg[to];
    if (tfn.startsWith('flax.linen.') && tp && ['kernel_size', 'window_shape', 'strides'].includes(tp)) {
      const rank = spatialRank(m.form.fn);
      if (node.type === 'integer' && rank) text = `(${Array(rank).fill(node.text).join(', ')}${rank === 1 ? ',' : ''})`;
      else if (node.type !== 'tuple' && node.type !== 'list' && tp !== 'strides') notes.push(`Flax reads an int ${tp} as 1-D: pass a tuple with one entry per spatial dimension`);
    }
    return { canonical: arg.name, kind: arg.kind, text, positional, spread, node };
  }

  /** The rendered elements of a tuple/list literal. */
  private elements(node: Node, to: FrameworkKey, notes: string[]): string[] {
    return node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').map((c) => this.render(c, to, notes));
  }

  private valueText(b: Bound): string {
    const t = b.nodes.map((n) => n.text).join(', ');
    const short = t.replace(/\s+/g, ' ');
    return short.length > 40 ? short.slice(0, 37) + '...' : short;
  }

  private dtypeText(node: Node, to: FrameworkKey, notes: string[]): string {
    const q = this.facts.qualifiedName(node);
    const d = q ? dtypeOfQualified(q) : undefined;
    if (d) return this.names.nameFor(dtypeIn(to, d));
    const lit = literalValue(node);
    if (typeof lit === 'string' && dtypeOfString(lit)) {
      return to === 'torch' ? this.names.nameFor(dtypeIn('torch', dtypeOfString(lit)!)) : node.text;
    }
    if (lit === null) return 'None';
    notes.push(`dtype ${node.text} was not converted to ${label(to)}`);
    return this.render(node, to, notes);
  }

  /**
   * Source text of an expression with nested catalog idioms rewritten. What still refers to another
   * framework afterwards (a call the catalog does not know, a function passed by name) gets a note.
   */
  render(node: Node, to: FrameworkKey, notes: string[]): string {
    const parts: string[] = [];
    let pos = node.startIndex;
    const splice = (n: Node, text: string) => {
      parts.push(this.source.slice(pos, n.startIndex), text);
      pos = n.endIndex;
    };
    const visit = (n: Node, isRoot: boolean) => {
      if (isRoot && n.type !== 'call' && n.parent?.type === 'decorator') {
        const t = this.translate(n, to);
        if (t) {
          notes.push(...t.notes);
          if (t.text !== undefined) splice(n, t.text);
        }
        return;
      }
      if (n.type === 'call') {
        const t = this.translate(n, to);
        if (t) {
          notes.push(...t.notes);
          if (t.text !== undefined) { splice(n, t.text); return; }
        } else if (!this.match(n)) {
          const q = this.facts.callee(n);
          const fw = q ? frameworkOfApi(q) : undefined;
          if (q && fw && fw !== to) notes.push(`${q} has no catalog entry: left as ${label(fw)} code`);
        }
        // Untranslated: its callee stays; look inside the arguments (and a method's receiver).
        const fn = n.childForFieldName('function');
        if (fn?.type === 'attribute') {
          const obj = fn.childForFieldName('object');
          if (obj && !this.facts.qualifiedName(obj)) visit(obj, false);
        }
        const args = n.childForFieldName('arguments');
        if (args) for (const c of args.namedChildren) if (c) visit(c, false);
        return;
      }
      if (n.type === 'keyword_argument') {
        const v = n.childForFieldName('value');
        if (v) visit(v, false);
        return;
      }
      if (n.type === 'attribute' || n.type === 'identifier') {
        const q = this.facts.qualifiedName(n);
        const fw = q ? frameworkOfApi(q) : undefined;
        if (q && fw && fw !== to) {
          notes.push(`${n.text} still refers to ${label(fw)} (${q})`);
          return;
        }
        if (q) return;
        if (n.type === 'identifier') return;
      }
      for (const c of n.namedChildren) if (c) visit(c, false);
    };
    visit(node, true);
    parts.push(this.source.slice(pos, node.endIndex));
    return parts.join('');
  }

  /** `@name`, `@name(options)`, or for JAX (whose transforms take the function first) `@functools.partial(name, options)`. */
  private printDecorator(tfn: string, params: string[], varargs: string | undefined, assigned: Map<string, TargetArg>, to: FrameworkKey): string {
    const options = new Map(assigned);
    options.delete(params[0]);
    for (const [k, v] of options) if (v.placeholder) options.delete(k);
    if (!options.size) return this.names.nameFor(tfn);
    const call = this.printCall(tfn, params, varargs, options);
    if (to !== 'jax') return call;
    const open = call.indexOf('(');
    return `${this.names.nameFor('functools.partial')}(${call.slice(0, open)}, ${call.slice(open + 1)}`;
  }

  private printCall(tfn: string, params: string[], varargs: string | undefined, assigned: Map<string, TargetArg>, method?: string): string {
    // `torch.Tensor.detach`: a method, printed on its first argument.
    const recv = params.length ? assigned.get(params[0]) : undefined;
    if (method && isClassMember(tfn) && recv && !recv.placeholder) {
      const rest = new Map(assigned);
      rest.delete(params[0]);
      const inner = this.printCall('_.' + method, params.slice(1), varargs, rest);
      const recvText = recv.node && PRIMARY.has(recv.node.type) ? recv.text : `(${recv.text})`;
      return `${recvText}.${inner.slice(2)}`;
    }
    const name = tfn.startsWith('_.') ? tfn : this.names.nameFor(tfn);
    const classLike = /^[A-Z]/.test(lastSegment(tfn));
    const out: string[] = [];
    const varIndex = varargs ? params.indexOf(varargs) : -1;
    const varGiven = varargs !== undefined && assigned.has(varargs);
    let positional = true;
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      const a = assigned.get(p);
      if (!a) {
        if (varGiven && i < varIndex) {
          // a parameter before *varargs must be given positionally: keep None in its place
          out.push('None');
          continue;
        }
        positional = false;
        continue;
      }
      if (p === varargs) {
        // torch.zeros(*size) also takes one sequence: a shape that is not a literal goes in as it is
        out.push(...(a.spread ?? (a.kind === 'shape' ? [a.text] : [`*${a.text}`])));
        continue;
      }
      const forced = varGiven && i < varIndex;
      const pos = forced || (positional && !classLike && (i === 0 || OPERAND_LIKE.test(a.canonical) || (a.positional && a.kind !== 'dtype' && !OPTION_LIKE.test(a.canonical))));
      if (pos) out.push(a.text);
      else {
        positional = false;
        out.push(`${p}=${a.text}`);
      }
    }
    return `${name}(${out.join(', ')})`;
  }
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export { FRAMEWORKS };
