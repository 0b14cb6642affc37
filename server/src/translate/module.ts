/**
 * Whole-module translation: a simple `torch.nn.Module` (layers built in `__init__`, `forward` using
 * them) into a `flax.linen.Module` with an `@nn.compact` `__call__` or into a `keras.layers.Layer`,
 * and a Flax `@nn.compact` module or a Keras layer back into a `torch.nn.Module`.
 *
 * Two phases. First the class is restructured in its own framework's vocabulary into the target's
 * shape (constructor arguments ↔ dataclass fields, `__init__` layers ↔ layers created in `__call__`,
 * `forward` ↔ `call`/`__call__`, the train/eval mode ↔ an explicit flag). Then every call inside the
 * new class goes through the same call translator as "Translate to …" (so arguments are mapped and
 * caveats written as `# framewise:` notes exactly as for single calls), and the placeholders left for
 * the base class, `nn.compact` and `typing.Any` are named through the same import planner.
 *
 * Anything outside the supported shape is refused with the reason; no partial rewrite is produced.
 */
import type { Tree } from 'web-tree-sitter';
import { SyntaxTree, preorderSyntax as preorder, type SyntaxNode as Node } from '../parse/mirror';
import { createParser, safeParse } from '../parse/parser';
import { syntaxErrors } from '../parse/syntax';
import { dominantLineBreak, withLineBreak } from '../parse/eol';
import { FRAMEWORK_LABEL, type Catalog } from '../catalog/index';
import type { FrameworkKey } from '../catalog/types';
import type { Facts } from '../resolve/facts';
import { Translator, factsFor, identifiersOf } from './translator';
import { applyOffsetEdits, noteComment, idiomCalls, planCalls, type OffsetEdit } from './document';
import { lineEdits } from './diff';

/**
 * Base classes of the modules this translates, by qualified name. (Maps, as the tables below: asked
 * with names from the user's file, which must not find Object.prototype's members.)
 */
const BASES = new Map<string, FrameworkKey>(Object.entries({
  'torch.nn.Module': 'torch',
  'torch.nn.modules.module.Module': 'torch',
  'flax.linen.Module': 'jax',
  'keras.layers.Layer': 'tensorflow',
  'keras.Layer': 'tensorflow',
  'tensorflow.keras.layers.Layer': 'tensorflow',
  'keras.Model': 'tensorflow',
  'keras.models.Model': 'tensorflow',
  'tensorflow.keras.Model': 'tensorflow',
  'tensorflow.keras.models.Model': 'tensorflow',
} satisfies Record<string, FrameworkKey>));

/** What each target's class derives from. */
const TARGET_BASE: Record<FrameworkKey, string> = { torch: 'torch.nn.Module', jax: 'flax.linen.Module', tensorflow: 'keras.layers.Layer' };

/** Placeholders written in phase one, named in phase two (valid identifiers, so the text parses). */
const PLACEHOLDERS = {
  base: '__framewise_base__',
  compact: '__framewise_compact__',
  any: '__framewise_any__',
} as const;

export interface ModuleClass {
  node: Node;
  name: string;
  framework: FrameworkKey;
}

export type ModuleTranslation =
  | { ok: true; text: string; notes: string[]; from: FrameworkKey; to: FrameworkKey; name: string }
  | { ok: false; reason: string };

/** The torch / Flax / Keras module class whose header (`class Name(Base):`) holds `offset`. */
export function moduleClassAt(facts: Facts, offset: number): ModuleClass | undefined {
  for (const c of facts.containers) {
    if (c.kind !== 'class') continue;
    const body = c.node.childForFieldName('body');
    const headerEnd = body ? body.startIndex : c.node.endIndex;
    if (offset < c.node.startIndex || offset > headerEnd) continue;
    const m = moduleClass(facts, c.node);
    if (m) return m;
  }
  return undefined;
}

/** The class as a module of one of the three frameworks, if it derives from one's module base. */
export function moduleClass(facts: Facts, node: Node): ModuleClass | undefined {
  const name = node.childForFieldName('name')?.text;
  const supers = node.childForFieldName('superclasses');
  if (!name || !supers) return undefined;
  for (const b of supers.namedChildren) {
    const fw = b ? BASES.get(facts.qualifiedName(b) ?? '') : undefined;
    if (fw) return { node, name, framework: fw };
  }
  return undefined;
}

/** Translate the module class starting at `classStart` in `source` to `to`; the whole file's new text. */
export function translateModule(source: string, classStart: number, to: FrameworkKey, options: { tree?: Tree; catalog?: Catalog } = {}): ModuleTranslation {
  const { catalog } = options;
  const parser = createParser();
  try {
    // The caller's tree of `source` when it has one (the server's document), else a fresh parse.
    const tree = options.tree ?? safeParse(parser, source);
    if (!tree) return { ok: false, reason: 'the parser gave up on this file' };
    try {
      const syntax = new SyntaxTree(tree, source);
      const found = classAt(syntax.rootNode, classStart);
      if (!found) return { ok: false, reason: 'no class here' };
      // Notes of an earlier translation describe the code as it was: they go before translating again.
      const clean = withoutStaleNotes(source, found);
      if (clean.text !== source) return translateModule(clean.text, clean.classStart, to, { catalog });
      const translator = new Translator(factsFor(syntax, source), source, identifiersOf(syntax), catalog);
      const cls = found;
      const m = moduleClass(translator.facts, cls);
      if (!m) return { ok: false, reason: 'no torch.nn.Module, flax.linen.Module or Keras Layer class here' };
      if (m.framework === to) return { ok: false, reason: `${m.name} is already a ${FRAMEWORK_LABEL[to]} module` };
      if (m.framework !== 'torch' && to !== 'torch') {
        return { ok: false, reason: `whole-module translation goes between PyTorch and Flax or Keras: translate ${m.name} to PyTorch first` };
      }
      if (cls!.parent?.type === 'decorated_definition') return { ok: false, reason: `${m.name} is decorated; decorated classes are not translated whole` };
      if (tree.rootNode.hasError) return { ok: false, reason: 'the file has syntax errors' };
      const restructure = m.framework === 'torch' ? (to === 'jax' ? torchToFlax : torchToKeras) : m.framework === 'jax' ? flaxToTorch : kerasToTorch;
      const phase1 = restructure(translator.facts, m, source);
      if (typeof phase1 === 'string') return { ok: false, reason: phase1 };
      const result = translateCalls(phase1, to, catalog);
      if (typeof result === 'string') return { ok: false, reason: result };
      // Generated lines are written with '\n': in a CRLF file they take CRLF. Only changed lines are
      // touched, so the rest of a file with mixed line endings stays as it was.
      const eol = dominantLineBreak(source);
      const hunks = lineEdits(source, result.text).map((e) => ({ ...e, text: eol === '\n' ? e.text : withLineBreak(e.text.replace(/\r\n/g, '\n'), eol) }));
      const text = applyOffsetEdits(source, hunks);
      const check = safeParse(parser, text);
      const worse = !check || syntaxErrors(check) > 0;
      check?.delete();
      if (worse) return { ok: false, reason: 'the translated module would not parse' };
      return { ok: true, text, notes: result.notes, from: m.framework, to, name: m.name };
    } finally {
      if (tree !== options.tree) tree.delete();
    }
  } finally {
    parser.delete();
  }
}

const STALE_NOTE = /^[ \t]*# framewise: (?!ignore\[)[^\n]*\n/;

/** The source without `# framewise:` notes (not ignore comments) inside the class and right above it. */
function withoutStaleNotes(source: string, cls: Node): { text: string; classStart: number } {
  const classLine = source.lastIndexOf('\n', cls.startIndex - 1) + 1;
  let from = classLine;
  for (;;) {
    const prev = source.lastIndexOf('\n', from - 2) + 1;
    if (from === 0 || !STALE_NOTE.test(source.slice(prev, from))) break;
    from = prev;
  }
  const region = source.slice(from, cls.endIndex);
  const lines = region.split(/(?<=\n)/);
  const kept = lines.filter((l, i) => !(STALE_NOTE.test(l) && (i < lines.length - 1 || l.endsWith('\n'))));
  const removedAbove = source.slice(from, classLine).length;
  const text = source.slice(0, from) + kept.join('') + source.slice(cls.endIndex);
  return { text, classStart: cls.startIndex - removedAbove };
}

// ---- phase two: calls, placeholders, notes ------------------------------------------------------

interface Phase1 {
  /** The whole file with the class restructured (still in the source framework's vocabulary). */
  text: string;
  /** The new class's extent in `text`. */
  start: number;
  end: number;
  base: string;
  /** Layer constructors whose translation must be extended: offsets in `text`, keyword arguments to append. */
  ctorExtras: Array<{ start: number; end: number; attr: string; append: string[] }>;
  /** Notes written above the class. */
  notes: string[];
}

function translateCalls(p: Phase1, to: FrameworkKey, catalog?: Catalog): { text: string; notes: string[] } | string {
  const parser = createParser();
  try {
    const tree = safeParse(parser, p.text);
    if (!tree) return 'the parser gave up on the restructured module';
    try {
      if (tree.rootNode.hasError) return 'the restructured module does not parse';
      const translator = Translator.forTree(tree, p.text, catalog);
      // Names first: the import planner then adds their imports along with the calls' ones.
      const names: Record<string, string> = {};
      const edits: OffsetEdit[] = [];
      for (const [key, placeholder] of Object.entries(PLACEHOLDERS)) {
        for (let at = p.text.indexOf(placeholder, p.start); at >= 0 && at < p.end; at = p.text.indexOf(placeholder, at + 1)) {
          const qualified = key === 'base' ? p.base : key === 'compact' ? 'flax.linen.compact' : 'typing.Any';
          names[key] ??= translator.names.nameFor(qualified);
          edits.push({ start: at, end: at + placeholder.length, text: names[key] });
        }
      }
      const calls = idiomCalls(translator, to).filter((c) => c.startIndex >= p.start && c.endIndex <= p.end);
      const plan = planCalls(translator, calls, to);
      for (const x of p.ctorExtras) {
        const item = plan.items.find((i) => i.call.startIndex === x.start && i.call.endIndex === x.end);
        const edit = plan.edits.find((e) => e.start === x.start && e.end === x.end);
        if (!item || !edit) {
          const why = item?.notes.length ? `: ${item.notes.join(' ')}` : '';
          return `the layer self.${x.attr} = ${p.text.slice(x.start, x.end)} has no ${FRAMEWORK_LABEL[to]} equivalent the translator can write${why}`;
        }
        if (x.append.length) edit.text = appendArguments(edit.text, x.append);
      }
      edits.push(...plan.edits);
      const classLine = p.text.lastIndexOf('\n', p.start - 1) + 1;
      const indent = /^[ \t]*/.exec(p.text.slice(classLine))![0];
      if (p.notes.length) edits.push({ start: classLine, end: classLine, text: p.notes.map((n) => noteComment(indent, n)).join('') });
      const notes = [...p.notes, ...plan.items.flatMap((i) => i.notes)];
      return { text: applyOffsetEdits(p.text, edits), notes: [...new Set(notes)] };
    } finally {
      tree.delete();
    }
  } finally {
    parser.delete();
  }
}

/** `f(a)` + [`name='x'`] → `f(a, name='x')`. */
function appendArguments(callText: string, extra: string[]): string {
  const close = callText.lastIndexOf(')');
  if (close < 0) return callText;
  const inner = callText.slice(callText.indexOf('(') + 1, close).trim();
  const sep = inner === '' ? '' : inner.endsWith(',') ? ' ' : ', ';
  return `${callText.slice(0, close).replace(/\s+$/, '')}${sep}${extra.join(', ')})${callText.slice(close + 1)}`;
}

// ---- shared parsing -----------------------------------------------------------------------------

function classAt(root: Node, offset: number): Node | undefined {
  let found: Node | undefined;
  preorder(root, (n) => {
    if (found || n.endIndex <= offset || n.startIndex > offset) return false;
    if (n.type === 'class_definition' && n.startIndex <= offset) { found = n; return false; }
    return true;
  });
  return found;
}

interface ClassBody {
  doc?: Node;
  methods: Map<string, { def: Node; decorators: Node[] }>;
  /** Annotated class-level assignments (Flax fields), in order. */
  fields: Node[];
  /** Comments directly in the class body (kept when the class is rebuilt). */
  comments: Node[];
  other: Node[];
}

function classBody(cls: Node): ClassBody {
  const out: ClassBody = { methods: new Map(), fields: [], comments: [], other: [] };
  const body = cls.childForFieldName('body');
  for (const s of body?.namedChildren ?? []) {
    if (!s || s.type === 'pass_statement') continue;
    if (s.type === 'comment') { out.comments.push(s); continue; }
    if (!out.doc && !out.methods.size && !out.fields.length && s.type === 'expression_statement' && s.namedChildren[0]?.type === 'string' && s.namedChildren.length === 1) { out.doc = s; continue; }
    if (s.type === 'function_definition') { out.methods.set(s.childForFieldName('name')?.text ?? '', { def: s, decorators: [] }); continue; }
    if (s.type === 'decorated_definition') {
      const def = s.childForFieldName('definition');
      if (def?.type === 'function_definition') {
        out.methods.set(def.childForFieldName('name')?.text ?? '', { def, decorators: s.namedChildren.filter((d): d is Node => d?.type === 'decorator') });
        continue;
      }
    }
    const a = s.type === 'expression_statement' ? s.namedChildren[0] : null;
    if (a?.type === 'assignment' && a.childForFieldName('type') && a.childForFieldName('left')?.type === 'identifier') { out.fields.push(a); continue; }
    out.other.push(s);
  }
  return out;
}

interface Param { node: Node; name: string; annotation?: string; default?: string; kind: 'plain' | 'args' | 'kwargs' | 'separator' }

function params(def: Node): Param[] {
  const out: Param[] = [];
  for (const p of def.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || p.type === 'comment') continue;
    switch (p.type) {
      case 'identifier': out.push({ node: p, name: p.text, kind: 'plain' }); break;
      case 'default_parameter': out.push({ node: p, name: p.childForFieldName('name')?.text ?? '', default: p.childForFieldName('value')?.text, kind: 'plain' }); break;
      case 'typed_parameter': {
        const id = p.namedChildren.find((c) => c?.type === 'identifier');
        const splat = p.namedChildren.find((c) => c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern');
        if (splat) out.push({ node: p, name: splat.text.replace(/^\*+/, ''), kind: splat.type === 'list_splat_pattern' ? 'args' : 'kwargs' });
        else out.push({ node: p, name: id?.text ?? '', annotation: p.childForFieldName('type')?.text, kind: 'plain' });
        break;
      }
      case 'typed_default_parameter': out.push({ node: p, name: p.childForFieldName('name')?.text ?? '', annotation: p.childForFieldName('type')?.text, default: p.childForFieldName('value')?.text, kind: 'plain' }); break;
      case 'list_splat_pattern': out.push({ node: p, name: p.text.slice(1), kind: 'args' }); break;
      case 'dictionary_splat_pattern': out.push({ node: p, name: p.text.slice(2), kind: 'kwargs' }); break;
      case 'keyword_separator': out.push({ node: p, name: '*', kind: 'separator' }); break;
      default: out.push({ node: p, name: p.text, kind: 'separator' });
    }
  }
  return out;
}

/** `self.attr` → attr, else undefined. */
function selfAttr(n: Node | null | undefined): string | undefined {
  if (n?.type !== 'attribute' || n.childForFieldName('object')?.text !== 'self') return undefined;
  return n.childForFieldName('attribute')?.text;
}

/** `super().__init__(…)`, `super(Name, self).__init__(…)` or `Base.__init__(self, …)`. */
function isSuperInit(stmt: Node, facts: Facts): boolean {
  const call = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : null;
  if (call?.type !== 'call') return false;
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== '__init__') return false;
  const obj = fn.childForFieldName('object');
  if (obj?.type === 'call' && obj.childForFieldName('function')?.text === 'super') return true;
  return !!obj && !!BASES.get(facts.qualifiedName(obj) ?? '');
}

/** A layer class of `fw` (`torch.nn.Linear`, `flax.linen.Dense`, `keras.layers.Dense`). */
function layerClass(q: string | undefined, fw: FrameworkKey): boolean {
  if (!q) return false;
  const last = q.slice(q.lastIndexOf('.') + 1);
  if (!/^[A-Z]/.test(last)) return false;
  if (fw === 'torch') return q.startsWith('torch.nn.');
  if (fw === 'jax') return q.startsWith('flax.linen.');
  return q.startsWith('keras.layers.') || q.startsWith('tensorflow.keras.layers.') || q.startsWith('keras.Sequential') || q.startsWith('tensorflow.keras.Sequential');
}

/** Stateless activation modules of torch.nn and the function each one calls (same arguments after the input). */
const STATELESS = new Map<string, string>(Object.entries({
  'torch.nn.ReLU': 'torch.nn.functional.relu',
  'torch.nn.ReLU6': 'torch.nn.functional.relu6',
  'torch.nn.GELU': 'torch.nn.functional.gelu',
  'torch.nn.SiLU': 'torch.nn.functional.silu',
  'torch.nn.ELU': 'torch.nn.functional.elu',
  'torch.nn.LeakyReLU': 'torch.nn.functional.leaky_relu',
  'torch.nn.Softmax': 'torch.nn.functional.softmax',
  'torch.nn.LogSoftmax': 'torch.nn.functional.log_softmax',
  'torch.nn.Softplus': 'torch.nn.functional.softplus',
  'torch.nn.Mish': 'torch.nn.functional.mish',
  'torch.nn.Hardswish': 'torch.nn.functional.hardswish',
  'torch.nn.Sigmoid': 'torch.sigmoid',
  'torch.nn.Tanh': 'torch.tanh',
}));

/** Edits turning `self.act(x)` into `F.relu(x, <constructor arguments>)` for a stateless activation module. */
function functionalCall(call: Node, form: { fn: string; args: string }): OffsetEdit[] {
  const fn = call.childForFieldName('function')!;
  const argList = call.childForFieldName('arguments');
  const edits: OffsetEdit[] = [{ start: fn.startIndex, end: fn.endIndex, text: form.fn }];
  if (form.args && argList) {
    const items = argList.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    const at = items.length ? items[items.length - 1].endIndex : argList.startIndex + 1;
    edits.push({ start: at, end: at, text: items.length ? `, ${form.args}` : form.args });
  }
  return edits;
}

const DROPOUT = /(^|\.)(Dropout[123]?d?|AlphaDropout)$/;
const BATCH_NORM = /(^|\.)(BatchNorm[123]d|BatchNorm|BatchNormalization)$/;

/** The text of `node` with `edits` (offsets in `source`, inside the node, non-overlapping) applied. */
function rewrite(source: string, start: number, end: number, edits: OffsetEdit[]): string {
  const inside = edits.filter((e) => e.start >= start && e.end <= end).map((e) => ({ ...e, start: e.start - start, end: e.end - start }));
  return applyOffsetEdits(source.slice(start, end), inside);
}

/** The lines of a block, from the start of its first line to its end. */
function blockLines(source: string, block: Node): { start: number; end: number } {
  return { start: source.lastIndexOf('\n', block.startIndex - 1) + 1, end: block.endIndex };
}

/** Remove a statement with its whole lines (indentation and line break included). */
function deleteLines(source: string, stmt: Node): OffsetEdit {
  const next = source.indexOf('\n', stmt.endIndex);
  return { start: blockLines(source, stmt).start, end: next < 0 ? stmt.endIndex : next + 1, text: '' };
}

/** Remove one argument or parameter from its list, with the comma that separates it. */
function removeFromList(item: Node): OffsetEdit {
  const list = item.parent!;
  const items = list.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  const i = items.findIndex((c) => c.id === item.id);
  if (i > 0) return { start: items[i - 1].endIndex, end: item.endIndex, text: '' };
  if (i + 1 < items.length) return { start: item.startIndex, end: items[i + 1].startIndex, text: '' };
  return { start: item.startIndex, end: item.endIndex, text: '' };
}

/** Insert `text` as the last element of a parameter / argument list. */
function appendToList(list: Node, text: string): OffsetEdit {
  const items = list.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  const last = items[items.length - 1];
  return last ? { start: last.endIndex, end: last.endIndex, text: `, ${text}` } : { start: list.startIndex + 1, end: list.startIndex + 1, text };
}

/** Identifiers in `root` that read `names` (not attribute names after a dot, not keyword names). */
function nameUses(root: Node, names: Set<string>): Node[] {
  const out: Node[] = [];
  preorder(root, (n) => {
    if (n.type !== 'identifier' || !names.has(n.text)) return true;
    const p = n.parent;
    if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === n.id) return true;
    if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === n.id) return true;
    if ((p?.type === 'default_parameter' || p?.type === 'typed_default_parameter') && p.childForFieldName('name')?.id === n.id) return true;
    out.push(n);
    return true;
  });
  return out;
}

function replaceClass(source: string, cls: Node, text: string): { text: string; start: number; end: number } {
  const lineStart = source.lastIndexOf('\n', cls.startIndex - 1) + 1;
  const before = source.slice(0, lineStart);
  const out = before + text + source.slice(cls.endIndex);
  return { text: out, start: lineStart, end: lineStart + text.length };
}

function indentOf(source: string, node: Node): string {
  const lineStart = source.lastIndexOf('\n', node.startIndex - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))![0];
}

// ---- PyTorch modules ----------------------------------------------------------------------------

interface TorchModule {
  body: ClassBody;
  init: Node;
  forward: Node;
  initParams: Param[];
  /** attribute → constructor call */
  layers: Map<string, Node>;
  /** attribute → the constructor argument it stores */
  hparams: Map<string, string>;
  /** __init__ statements in order (layers, hyper-parameters, comments), super().__init__ left out */
  initItems: Array<{ kind: 'layer' | 'comment'; node: Node; attr?: string }>;
  /** Stateless activation modules (`self.act = nn.ReLU()`): attribute → their functional form and statement. */
  functional: Map<string, { fn: string; args: string; stmt: Node }>;
  superInit: Node;
  usesTraining: boolean;
  modeLayers: { dropout: boolean; batchNorm: boolean };
}

function parseTorch(facts: Facts, m: ModuleClass, source: string, keepOtherMethods: boolean): TorchModule | string {
  const body = classBody(m.node);
  const init = body.methods.get('__init__');
  const forward = body.methods.get('forward');
  if (!init || !forward) return `${m.name} needs both __init__ and forward`;
  if (init.decorators.length || forward.decorators.length) return `${m.name}'s __init__ or forward is decorated`;
  if (body.other.length) return `${m.name} has class-level statements other than methods (line ${body.other[0].startPosition.row + 1})`;
  if (body.fields.length) return `${m.name} has annotated class attributes (line ${body.fields[0].startPosition.row + 1})`;
  if (!keepOtherMethods) {
    const extra = [...body.methods.keys()].filter((k) => k !== '__init__' && k !== 'forward');
    if (extra.length) return `${m.name} has methods besides __init__ and forward (${extra.join(', ')}): only those two are translated whole`;
  }
  const initParams = params(init.def);
  if (initParams[0]?.name !== 'self') return `${m.name}.__init__ does not take self first`;
  if (initParams.some((p) => p.kind !== 'plain')) return `${m.name}.__init__ takes *args, **kwargs or keyword-only arguments`;
  const argNames = new Set(initParams.slice(1).map((p) => p.name));
  const layers = new Map<string, Node>();
  const hparams = new Map<string, string>();
  const initItems: TorchModule['initItems'] = [];
  const functional: TorchModule['functional'] = new Map();
  let superInit: Node | undefined;
  const modeLayers = { dropout: false, batchNorm: false };
  for (const s of init.def.childForFieldName('body')?.namedChildren ?? []) {
    if (!s) continue;
    if (s.type === 'comment') { initItems.push({ kind: 'comment', node: s }); continue; }
    if (isSuperInit(s, facts)) { superInit = s; continue; }
    const a = s.type === 'expression_statement' && s.namedChildren.length === 1 ? s.namedChildren[0] : null;
    const attr = a?.type === 'assignment' && !a.childForFieldName('type') ? selfAttr(a.childForFieldName('left')) : undefined;
    const value = a?.childForFieldName('right');
    if (!attr || !value) return `${m.name}.__init__ line ${s.startPosition.row + 1} is not a layer or a stored constructor argument (self.name = …)`;
    if (layers.has(attr) || hparams.has(attr) || functional.has(attr)) return `${m.name}.__init__ sets self.${attr} twice`;
    const fnForm = value.type === 'call' ? STATELESS.get(facts.callee(value) ?? '') : undefined;
    if (fnForm) {
      // A stateless activation module is its function: `self.act(x)` becomes `F.relu(x)` (same
      // arguments after the input), which every framework has.
      const local = facts.imports.localNameFor(fnForm);
      if (!local) return `${m.name}.__init__: ${value.text} has no spelling through this file's imports (${fnForm})`;
      const argList = value.childForFieldName('arguments');
      if (argList && nameUses(argList, argNames).length) return `${m.name}.__init__ builds ${value.text} from constructor arguments; only constant arguments move into forward`;
      functional.set(attr, { fn: local, args: argList ? argList.text.slice(1, -1).trim() : '', stmt: s });
      continue;
    }
    if (value.type === 'call' && layerClass(facts.callee(value), 'torch')) {
      const q = facts.callee(value)!;
      if (DROPOUT.test(q)) modeLayers.dropout = true;
      if (BATCH_NORM.test(q)) modeLayers.batchNorm = true;
      layers.set(attr, value);
      initItems.push({ kind: 'layer', node: value, attr });
      continue;
    }
    if (value.type === 'identifier' && argNames.has(value.text)) { hparams.set(attr, value.text); continue; }
    return `${m.name}.__init__ sets self.${attr} to something other than a torch.nn layer or a constructor argument (line ${s.startPosition.row + 1})`;
  }
  if (!superInit) return `${m.name}.__init__ does not call super().__init__()`;
  let usesTraining = false;
  let problem: string | undefined;
  const forwardParams = params(forward.def);
  if (forwardParams[0]?.name !== 'self') return `${m.name}.forward does not take self first`;
  preorder(forward.def.childForFieldName('body')!, (n) => {
    if (problem) return false;
    if (n.type === 'identifier' && n.text === 'self') {
      const p = n.parent;
      const attr = p?.type === 'attribute' && p.childForFieldName('object')?.id === n.id ? p.childForFieldName('attribute')?.text : undefined;
      if (!attr) { problem = `${m.name}.forward uses self other than through its layers and stored arguments (line ${n.startPosition.row + 1})`; return false; }
      if (attr === 'training') { usesTraining = true; return true; }
      if (hparams.has(attr)) return true;
      if (layers.has(attr) || functional.has(attr)) {
        const call = p!.parent;
        if (call?.type === 'call' && call.childForFieldName('function')?.id === p!.id) return true;
        problem = `${m.name}.forward uses the layer self.${attr} other than by calling it (line ${n.startPosition.row + 1})`;
        return false;
      }
      problem = `${m.name}.forward reads self.${attr}, which __init__ does not set (line ${n.startPosition.row + 1})`;
      return false;
    }
    return true;
  });
  if (problem) return problem;
  return { body, init: init.def, forward: forward.def, initParams, layers, hparams, initItems, functional, superInit, usesTraining, modeLayers };
}

/** The annotation a Flax field gets from a constructor argument. */
function fieldAnnotation(p: Param, defaultNode: Node | null | undefined): string {
  if (p.annotation) return p.annotation;
  switch (defaultNode?.type) {
    case 'integer': return 'int';
    case 'float': return 'float';
    case 'true': case 'false': return 'bool';
    case 'string': return 'str';
    default: return PLACEHOLDERS.any;
  }
}

function torchToFlax(facts: Facts, m: ModuleClass, source: string): Phase1 | string {
  const t = parseTorch(facts, m, source, false);
  if (typeof t === 'string') return t;
  const cls = m.node;
  const i0 = indentOf(source, cls);
  const i1 = indentOf(source, t.init);
  const i2 = i1 + indentOf(source, t.init.childForFieldName('body')!).slice(i1.length);
  const argNames = new Set(t.initParams.slice(1).map((p) => p.name));
  // Every Flax module already has the fields `name` and `parent`.
  for (const reserved of ['name', 'parent']) if (argNames.has(reserved)) return `${m.name}.__init__ takes ${reserved}, which every Flax module already has as a field`;
  const needsTrain = t.usesTraining || t.modeLayers.dropout || t.modeLayers.batchNorm;
  const forwardBody = t.forward.childForFieldName('body')!;

  // Layers become locals of __call__ named after their attribute, unless forward already uses that name.
  const forwardNames = new Set(nameUses(forwardBody, new Set(collectIdentifiers(forwardBody))).map((n) => n.text));
  for (const p of params(t.forward)) forwardNames.add(p.name);
  const local = new Map<string, string>();
  for (const attr of t.layers.keys()) {
    let name = attr;
    while (forwardNames.has(name) || argNames.has(name) || [...local.values()].includes(name)) name += '_';
    local.set(attr, name);
  }
  if (needsTrain && (forwardNames.has('train') || local.has('train'))) return `${m.name}.forward already uses the name train, which the Flax module needs for its train/eval flag`;

  const lines: string[] = [];
  lines.push(`${i0}class ${m.name}(${PLACEHOLDERS.base}):`);
  if (t.body.doc) lines.push(`${i1}${t.body.doc.text}`);
  for (const c of t.body.comments) lines.push(`${i1}${c.text}`);
  for (const p of t.initParams.slice(1)) {
    const def = (p.node.type === 'default_parameter' || p.node.type === 'typed_default_parameter') ? p.node.childForFieldName('value') : null;
    lines.push(`${i1}${p.name}: ${fieldAnnotation(p, def)}${p.default !== undefined ? ` = ${p.default}` : ''}`);
  }
  if (t.initParams.length > 1) lines.push('');
  const fwdParams = params(t.forward).slice(1);
  if (needsTrain && fwdParams.some((p) => p.kind === 'kwargs')) return `${m.name}.forward takes **kwargs; the Flax module's train flag would have to go before it`;
  const paramTexts = fwdParams.map((p) => p.node.text);
  if (needsTrain) {
    if (!fwdParams.some((p) => p.kind === 'args' || p.kind === 'separator')) paramTexts.push('*');
    paramTexts.push('train: bool');
  }
  lines.push(`${i1}@${PLACEHOLDERS.compact}`);
  lines.push(`${i1}def __call__(self${paramTexts.length ? ', ' + paramTexts.join(', ') : ''}):`);

  // The layers, created at the top of __call__ (constructor arguments read from the fields).
  const ctorAt: Array<{ offset: number; length: number; attr: string; append: string[] }> = [];
  const head: string[] = [];
  for (const item of t.initItems) {
    if (item.kind === 'comment') { head.push(`${i2}${item.node.text}`); continue; }
    const ctor = item.node;
    const edits = nameUses(ctor, argNames).map((n) => ({ start: n.startIndex, end: n.endIndex, text: `self.${n.text}` }));
    let selfProblem: string | undefined;
    preorder(ctor, (n) => {
      const attr = selfAttr(n);
      if (attr !== undefined && t.hparams.has(attr)) { edits.push({ start: n.startIndex, end: n.endIndex, text: `self.${t.hparams.get(attr)}` }); return false; }
      if (n.type === 'identifier' && n.text === 'self') selfProblem = `the layer self.${item.attr} is built from self (line ${n.startPosition.row + 1}), which a Flax field cannot express`;
      return !selfProblem;
    });
    if (selfProblem) return selfProblem;
    const text = rewrite(source, ctor.startIndex, ctor.endIndex, edits);
    const prefix = `${i2}${local.get(item.attr!)} = `;
    const q = facts.callee(ctor) ?? '';
    const append = [`name=${JSON.stringify(item.attr)}`];
    if (DROPOUT.test(q)) append.push('deterministic=not train');
    if (BATCH_NORM.test(q)) append.push('use_running_average=not train');
    ctorAt.push({ offset: head.join('\n').length + (head.length ? 1 : 0) + prefix.length, length: text.length, attr: item.attr!, append });
    head.push(prefix + text);
  }

  // forward's body, with self.<layer> → the local, self.<stored arg> → the field, self.training → train.
  const bodyEdits: OffsetEdit[] = [];
  preorder(forwardBody, (n) => {
    const attr = selfAttr(n);
    if (attr === undefined) return true;
    if (t.layers.has(attr)) bodyEdits.push({ start: n.startIndex, end: n.endIndex, text: local.get(attr)! });
    else if (t.functional.has(attr)) bodyEdits.push(...functionalCall(n.parent!, t.functional.get(attr)!));
    else if (t.hparams.has(attr)) bodyEdits.push({ start: n.startIndex, end: n.endIndex, text: `self.${t.hparams.get(attr)}` });
    else if (attr === 'training') bodyEdits.push({ start: n.startIndex, end: n.endIndex, text: 'train' });
    return false;
  });
  const span = blockLines(source, forwardBody);
  const bodyText = rewrite(source, span.start, span.end, bodyEdits);

  const classText = [...lines, ...head, bodyText].join('\n');
  const placed = replaceClass(source, cls, classText);
  const headStart = placed.start + lines.join('\n').length + 1;
  const notes = [
    `Flax modules are dataclasses: ${m.name}'s constructor arguments are its fields, and its layers are created in __call__ (@nn.compact) under their PyTorch attribute names. Create the parameters with ${m.name}(...).init(key, x) and run with .apply(variables, x).`,
  ];
  if (needsTrain) {
    const needs = [t.modeLayers.dropout ? "rngs={'dropout': key}" : '', t.modeLayers.batchNorm ? "mutable=['batch_stats'] (and the updated batch_stats kept)" : ''].filter(Boolean);
    notes.push(`PyTorch's train()/eval() mode is the train argument here: pass train=True to train and train=False to evaluate${needs.length ? `; training needs ${needs.join(' and ')} in apply` : ''}.`);
  }
  return {
    text: placed.text,
    start: placed.start,
    end: placed.end,
    base: TARGET_BASE.jax,
    ctorExtras: ctorAt.map((c) => ({ start: headStart + c.offset, end: headStart + c.offset + c.length, attr: c.attr, append: c.append })),
    notes,
  };
}

function collectIdentifiers(root: Node): string[] {
  const out: string[] = [];
  preorder(root, (n) => { if (n.type === 'identifier') out.push(n.text); });
  return out;
}

function torchToKeras(facts: Facts, m: ModuleClass, source: string): Phase1 | string {
  const t = parseTorch(facts, m, source, true);
  if (typeof t === 'string') return t;
  const base = m.node.childForFieldName('superclasses')!.namedChildren.find((b) => b && BASES.get(facts.qualifiedName(b) ?? '') === 'torch')!;
  const edits: OffsetEdit[] = [{ start: base.startIndex, end: base.endIndex, text: PLACEHOLDERS.base }];
  edits.push(appendToList(t.init.childForFieldName('parameters')!, '**kwargs'));
  const superCall = t.superInit.namedChildren[0]!;
  edits.push({ start: superCall.startIndex, end: superCall.endIndex, text: 'super().__init__(**kwargs)' });
  const name = t.forward.childForFieldName('name')!;
  edits.push({ start: name.startIndex, end: name.endIndex, text: 'call' });
  const needsTraining = t.usesTraining || t.modeLayers.dropout || t.modeLayers.batchNorm;
  const fwdParams = params(t.forward);
  if (needsTraining) {
    if (fwdParams.some((p) => p.kind === 'kwargs')) return `${m.name}.forward takes **kwargs; the Keras layer's training argument would have to go before it`;
    if (fwdParams.some((p) => p.name === 'training')) return `${m.name}.forward already has an argument named training`;
    edits.push(appendToList(t.forward.childForFieldName('parameters')!, 'training=None'));
  }
  preorder(t.forward.childForFieldName('body')!, (n) => {
    const attr = selfAttr(n);
    if (attr !== undefined && t.functional.has(attr)) { edits.push(...functionalCall(n.parent!, t.functional.get(attr)!)); return false; }
    if (attr !== 'training') return true;
    edits.push({ start: n.startIndex, end: n.endIndex, text: 'training' });
    return false;
  });
  // Stateless activation modules are called as functions now: their __init__ lines go.
  for (const { stmt } of t.functional.values()) edits.push(deleteLines(source, stmt));
  const text = rewrite(source, m.node.startIndex, m.node.endIndex, edits);
  const placed = replaceClass(source, m.node, indentOf(source, m.node) + text);
  const notes = [`Keras layers created in __init__ build their weights on first call; call(), not forward(), holds the computation.`];
  if (needsTraining) notes.push('PyTorch\'s train()/eval() mode is the training argument here: Keras passes it to Dropout/BatchNormalization by itself (fit() trains, predict() evaluates); pass training=True/False to force it.');
  return {
    text: placed.text,
    start: placed.start,
    end: placed.end,
    base: TARGET_BASE.tensorflow,
    ctorExtras: ctorsIn(placed, t.layers, m, source, edits),
    notes,
  };
}

/** Where each layer constructor of an in-place edited class ends up in the new text. */
function ctorsIn(placed: { start: number }, layers: Map<string, Node>, m: ModuleClass, source: string, edits: OffsetEdit[]): Phase1['ctorExtras'] {
  const lineStart = source.lastIndexOf('\n', m.node.startIndex - 1) + 1;
  const shift = (offset: number) => {
    let delta = 0;
    for (const e of edits) if (e.end <= offset) delta += e.text.length - (e.end - e.start);
    return offset + delta;
  };
  return [...layers].map(([attr, node]) => ({
    start: placed.start + (shift(node.startIndex) - lineStart),
    end: placed.start + (shift(node.endIndex) - lineStart),
    attr,
    append: [],
  }));
}

// ---- Keras layers -------------------------------------------------------------------------------

function kerasToTorch(facts: Facts, m: ModuleClass, source: string): Phase1 | string {
  const body = classBody(m.node);
  const init = body.methods.get('__init__');
  const call = body.methods.get('call');
  if (!init || !call) return `${m.name} needs both __init__ and call`;
  if (body.methods.has('build')) return `${m.name} creates weights in build(); only layers built in __init__ are translated whole`;
  if (body.other.length || body.fields.length) return `${m.name} has class-level statements other than methods`;
  if (call.decorators.length || init.decorators.length) return `${m.name}'s __init__ or call is decorated`;
  const edits: OffsetEdit[] = [];
  const base = m.node.childForFieldName('superclasses')!.namedChildren.find((b) => b && BASES.get(facts.qualifiedName(b) ?? '') === 'tensorflow')!;
  edits.push({ start: base.startIndex, end: base.endIndex, text: PLACEHOLDERS.base });
  const initParams = params(init.def);
  const kwargs = initParams.find((p) => p.kind === 'kwargs');
  const layers = new Map<string, Node>();
  let superInit: Node | undefined;
  let problem: string | undefined;
  for (const s of init.def.childForFieldName('body')?.namedChildren ?? []) {
    if (!s || s.type === 'comment') continue;
    if (isSuperInit(s, facts)) { superInit = s; continue; }
    const a = s.type === 'expression_statement' ? s.namedChildren[0] : null;
    const attr = a?.type === 'assignment' ? selfAttr(a.childForFieldName('left')) : undefined;
    const value = a?.childForFieldName('right');
    if (attr && value?.type === 'call' && layerClass(facts.callee(value), 'tensorflow')) layers.set(attr, value);
  }
  if (!superInit) return `${m.name}.__init__ does not call super().__init__()`;
  if (kwargs) {
    edits.push(removeFromList(kwargs.node));
    const sc = superInit.namedChildren[0]!;
    edits.push({ start: sc.startIndex, end: sc.endIndex, text: 'super().__init__()' });
    const uses = nameUses(init.def.childForFieldName('body')!, new Set([kwargs.name])).filter((n) => !(n.startIndex >= sc.startIndex && n.endIndex <= sc.endIndex));
    if (uses.length) return `${m.name}.__init__ uses **${kwargs.name} other than by passing it to super().__init__ (line ${uses[0].startPosition.row + 1})`;
  } else {
    const sc = superInit.namedChildren[0]!;
    edits.push({ start: sc.startIndex, end: sc.endIndex, text: 'super().__init__()' });
  }
  preorder(m.node.childForFieldName('body')!, (n) => {
    if (problem) return false;
    if (n.type === 'call' && selfAttr(n.childForFieldName('function')) === 'add_weight') problem = `${m.name} creates weights with self.add_weight (line ${n.startPosition.row + 1}); use nn.Parameter by hand`;
    return !problem;
  });
  if (problem) return problem;
  const name = call.def.childForFieldName('name')!;
  edits.push({ start: name.startIndex, end: name.endIndex, text: 'forward' });
  const callParams = params(call.def);
  for (const p of callParams) if (p.name === 'mask') return `${m.name}.call takes a mask argument; masking has no PyTorch counterpart in nn.Module`;
  const training = callParams.find((p) => p.name === 'training' && p.kind === 'plain');
  if (training) {
    edits.push(removeFromList(training.node));
    for (const use of nameUses(call.def.childForFieldName('body')!, new Set(['training']))) {
      const kw = use.parent;
      // `self.dropout(x, training=training)`: PyTorch layers follow the module's mode by themselves.
      if (kw?.type === 'keyword_argument' && kw.childForFieldName('value')?.id === use.id && kw.childForFieldName('name')?.text === 'training') edits.push(removeFromList(kw));
      else edits.push({ start: use.startIndex, end: use.endIndex, text: 'self.training' });
    }
  }
  const text = rewrite(source, m.node.startIndex, m.node.endIndex, edits);
  const placed = replaceClass(source, m.node, indentOf(source, m.node) + text);
  const notes = ['call() became forward(); Keras\'s training argument is the module\'s mode in PyTorch: model.train() to train, model.eval() to evaluate.'];
  return { text: placed.text, start: placed.start, end: placed.end, base: TARGET_BASE.torch, ctorExtras: ctorsIn(placed, layers, m, source, edits), notes };
}

// ---- Flax modules -------------------------------------------------------------------------------

const MODE_FLAGS = new Set(['train', 'training', 'deterministic', 'is_training']);
const MODE_KWARGS = new Set(['deterministic', 'use_running_average']);

function flaxToTorch(facts: Facts, m: ModuleClass, source: string): Phase1 | string {
  const body = classBody(m.node);
  if (body.methods.has('setup')) return `${m.name} uses setup(); only @nn.compact modules are translated whole`;
  const call = body.methods.get('__call__');
  if (!call) return `${m.name} has no __call__`;
  if (body.methods.size > 1) return `${m.name} has methods besides __call__ (${[...body.methods.keys()].filter((k) => k !== '__call__').join(', ')})`;
  if (!call.decorators.some((d) => facts.qualifiedName(d.namedChildren[0] ?? null) === 'flax.linen.compact')) return `${m.name}.__call__ is not @nn.compact`;
  if (body.other.length) return `${m.name} has class-level statements other than fields and __call__ (line ${body.other[0].startPosition.row + 1})`;
  const callParams = params(call.def);
  if (callParams[0]?.name !== 'self') return `${m.name}.__call__ does not take self first`;
  const flags = new Set(callParams.filter((p) => p.kind === 'plain' && MODE_FLAGS.has(p.name)).map((p) => p.name));
  const fieldNames = body.fields.map((f) => f.childForFieldName('left')!.text);
  const callBody = call.def.childForFieldName('body')!;

  // Layers: constructed and called at once (`nn.Dense(4)(x)`), or bound to a local first (`d = nn.Dense(4)`).
  const hoisted: Array<{ attr: string; ctor: Node }> = [];
  const taken = new Set<string>([...fieldNames, 'training', 'forward']);
  const autoName = (ctor: Node) => {
    const q = facts.callee(ctor) ?? 'layer';
    const base = q.slice(q.lastIndexOf('.') + 1).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    let i = 0;
    while (taken.has(`${base}_${i}`)) i++;
    return `${base}_${i}`;
  };
  const explicitName = (ctor: Node) => {
    const kw = ctor.childForFieldName('arguments')?.namedChildren.find((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'name');
    const v = kw?.childForFieldName('value');
    const s = v?.type === 'string' ? v.text.replace(/^['"]|['"]$/g, '') : undefined;
    return s && /^[A-Za-z_]\w*$/.test(s) ? s : undefined;
  };
  const edits: OffsetEdit[] = [];
  const localLayers = new Map<string, string>();
  let problem: string | undefined;
  const claim = (ctor: Node, preferred?: string) => {
    let attr = explicitName(ctor) ?? preferred ?? autoName(ctor);
    while (taken.has(attr)) attr += '_';
    taken.add(attr);
    hoisted.push({ attr, ctor });
    return attr;
  };
  for (const s of callBody.namedChildren) {
    const a = s?.type === 'expression_statement' && s.namedChildren.length === 1 ? s.namedChildren[0] : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    const right = a?.childForFieldName('right');
    if (left?.type === 'identifier' && right?.type === 'call' && layerClass(facts.callee(right), 'jax')) {
      localLayers.set(left.text, claim(right, left.text));
      edits.push(deleteLines(source, s!));
    }
  }
  // Names that exist only while __call__ runs: a layer built from them cannot move into __init__.
  const callLocals = new Set<string>(callParams.map((p) => p.name).filter((x) => x !== 'self'));
  preorder(callBody, (n) => {
    if (n.type === 'assignment' || n.type === 'augmented_assignment' || n.type === 'for_statement') {
      const left = n.childForFieldName('left');
      if (left) preorder(left, (x) => { if (x.type === 'identifier') callLocals.add(x.text); return x.type !== 'attribute' && x.type !== 'subscript'; });
    }
    return true;
  });
  const REPEATS = new Set(['for_statement', 'while_statement', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression', 'lambda', 'function_definition']);
  preorder(callBody, (n) => {
    if (problem) return false;
    if (n.type === 'call' && layerClass(facts.callee(n), 'jax')) {
      const p = n.parent;
      // One layer per loop iteration (or per call of a nested function) is not one layer in __init__.
      for (let a = n.parent; a && a.id !== callBody.id; a = a.parent) {
        if (REPEATS.has(a.type)) { problem = `${m.name}.__call__ creates the layer ${n.text.slice(0, 40)} inside a ${a.type.replace(/_/g, ' ')} (line ${n.startPosition.row + 1}): one layer per repetition has no single __init__ counterpart`; return false; }
      }
      const args = n.childForFieldName('arguments');
      // The mode flag is fine as a mode keyword (it goes: PyTorch layers follow the module's mode).
      const inModeKeyword = (x: Node) => {
        for (let a = x.parent; a && a.id !== args!.id; a = a.parent) if (a.type === 'keyword_argument' && MODE_KWARGS.has(a.childForFieldName('name')?.text ?? '')) return true;
        return false;
      };
      const reads = args ? nameUses(args, callLocals).filter((x) => !inModeKeyword(x)) : [];
      if (reads.length) { problem = `${m.name}.__call__ builds the layer ${n.text.slice(0, 40)} from ${reads[0].text}, a value of __call__ that PyTorch's __init__ does not have (line ${n.startPosition.row + 1})`; return false; }
      if (hoisted.some((h) => h.ctor.id === n.id)) return false;
      if (p?.type === 'call' && p.childForFieldName('function')?.id === n.id) {
        edits.push({ start: n.startIndex, end: n.endIndex, text: `self.${claim(n)}` });
        return false;
      }
      problem = `${m.name}.__call__ creates the layer ${n.text.slice(0, 40)} other than by calling it at once or binding it to a name (line ${n.startPosition.row + 1})`;
      return false;
    }
    return true;
  });
  if (problem) return problem;
  if (!hoisted.length) return `${m.name}.__call__ creates no Flax layers; translate its calls instead`;
  for (const use of nameUses(callBody, new Set(localLayers.keys()))) {
    if (edits.some((e) => e.start <= use.startIndex && use.endIndex <= e.end)) continue;
    edits.push({ start: use.startIndex, end: use.endIndex, text: `self.${localLayers.get(use.text)}` });
  }
  // The train/eval flag: mode keywords on layers go (PyTorch layers follow the module's mode), other reads become self.training.
  const flagEdit = (root: Node, out: OffsetEdit[]) => {
    preorder(root, (n) => {
      if (n.type === 'keyword_argument' && MODE_KWARGS.has(n.childForFieldName('name')?.text ?? '')) {
        const call = n.parent?.parent;
        const q = call?.type === 'call' ? facts.callee(call) : undefined;
        const callsLayer = call?.type === 'call' && (layerClass(q, 'jax') || hoisted.some((h) => call.childForFieldName('function')?.text === `self.${h.attr}`) || [...localLayers.keys()].includes(call.childForFieldName('function')?.text ?? ''));
        if (callsLayer) { out.push(removeFromList(n)); return false; }
      }
      if (n.type === 'identifier' && flags.has(n.text) && !(n.parent?.type === 'keyword_argument' && n.parent.childForFieldName('name')?.id === n.id)) {
        out.push({ start: n.startIndex, end: n.endIndex, text: n.text === 'deterministic' ? '(not self.training)' : 'self.training' });
      }
      return true;
    });
  };
  const bodyEdits: OffsetEdit[] = [];
  flagEdit(callBody, bodyEdits);
  for (const e of bodyEdits) if (!edits.some((x) => x.start <= e.start && e.end <= x.end && x.text === '')) edits.push(e);

  // Hoisted constructors: without name= and mode keywords; fields are read as self.<field> already.
  const ctorText = (ctor: Node) => {
    const own: OffsetEdit[] = [];
    for (const a of ctor.childForFieldName('arguments')?.namedChildren ?? []) {
      if (a?.type === 'keyword_argument' && (a.childForFieldName('name')?.text === 'name' || MODE_KWARGS.has(a.childForFieldName('name')?.text ?? ''))) own.push(removeFromList(a));
    }
    const nested = edits.filter((e) => e.start >= ctor.startIndex && e.end <= ctor.endIndex && !(e.start === ctor.startIndex && e.end === ctor.endIndex));
    return rewrite(source, ctor.startIndex, ctor.endIndex, [...own, ...nested]);
  };

  const i0 = indentOf(source, m.node);
  const i1 = indentOf(source, call.decorators[0] ?? call.def);
  const i2 = i1 + indentOf(source, callBody).slice(i1.length);
  const lines: string[] = [`${i0}class ${m.name}(${PLACEHOLDERS.base}):`];
  if (body.doc) lines.push(`${i1}${body.doc.text}`);
  for (const c of body.comments) lines.push(`${i1}${c.text}`);
  const initArgs = body.fields.map((f) => {
    const name = f.childForFieldName('left')!.text;
    const type = f.childForFieldName('type')!.text;
    const value = f.childForFieldName('right');
    return `${name}: ${type}${value ? ` = ${value.text}` : ''}`;
  });
  lines.push(`${i1}def __init__(self${initArgs.length ? ', ' + initArgs.join(', ') : ''}):`);
  lines.push(`${i2}super().__init__()`);
  for (const f of fieldNames) lines.push(`${i2}self.${f} = ${f}`);
  const ctorLines: Array<{ prefix: string; text: string; attr: string }> = [];
  for (const h of hoisted.sort((a, b) => a.ctor.startIndex - b.ctor.startIndex)) ctorLines.push({ prefix: `${i2}self.${h.attr} = `, text: ctorText(h.ctor), attr: h.attr });
  const keptParams = callParams.slice(1).filter((p) => !(p.kind === 'plain' && flags.has(p.name))).map((p) => p.node.text);
  // A bare `*` left with nothing after it is a syntax error.
  while (keptParams.length && keptParams[keptParams.length - 1] === '*') keptParams.pop();
  const span = blockLines(source, callBody);
  const bodyText = rewrite(source, span.start, span.end, edits.filter((e) => e.start >= span.start && e.end <= span.end && !hoisted.some((h) => h.ctor.startIndex <= e.start && e.end <= h.ctor.endIndex && !(e.start === h.ctor.startIndex && e.end === h.ctor.endIndex))));
  const headText = lines.join('\n') + '\n';
  let offset = headText.length;
  const extras: Array<{ offset: number; length: number; attr: string }> = [];
  let ctorBlock = '';
  for (const c of ctorLines) {
    extras.push({ offset: offset + c.prefix.length, length: c.text.length, attr: c.attr });
    const line = c.prefix + c.text + '\n';
    ctorBlock += line;
    offset += line.length;
  }
  const classText = headText + ctorBlock + `\n${i1}def forward(self${keptParams.length ? ', ' + keptParams.join(', ') : ''}):\n` + bodyText;
  const placed = replaceClass(source, m.node, classText);
  const notes = [`${m.name}'s fields are __init__ arguments and its layers are built in __init__; PyTorch needs each layer's input size where Flax infers it.`];
  if (flags.size) notes.push(`The ${[...flags].join('/')} argument became the module's mode: model.train() to train, model.eval() to evaluate.`);
  return {
    text: placed.text,
    start: placed.start,
    end: placed.end,
    base: TARGET_BASE.torch,
    ctorExtras: extras.map((x) => ({ start: placed.start + x.offset, end: placed.start + x.offset + x.length, attr: x.attr, append: [] })),
    notes,
  };
}
