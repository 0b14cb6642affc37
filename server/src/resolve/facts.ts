/**
 * Facts computed once per analysis from the nodes of a few types, in document order: the import
 * table, the containers (functions, classes, loops, with-blocks, lambdas) and their scope facts —
 * traced scope, training loop, inside `torch.no_grad` — and simple assignment bindings. Rules read
 * these; they never walk the tree themselves.
 */
import type { SyntaxNode as Node } from '../parse/mirror';
import { ERROR_TYPE_ID } from '../parse/syntax';
import { ImportTable, collectImport } from './imports';
import { countBefore } from '../search';
import { calledNameNode } from '../rules/util';

export type TraceKind = 'jax' | 'tensorflow' | 'torch';

export interface Container {
  index: number;
  kind: 'module' | 'function' | 'class' | 'loop' | 'with' | 'lambda';
  node: Node;
  start: number;
  end: number;
  parent: number; // -1 for the module
  name?: string;
  /** function: parameter names in order */
  params?: string[];
  /** function/lambda: set when traced (jit/grad/vmap/… or tf.function or torch.compile) */
  traced?: TraceKind;
  /** how it became traced: decorated/passed directly, or nested/called from traced code */
  tracedDirect?: boolean;
  /** parameter names that are static under jit (static_argnums / static_argnames) */
  staticParams?: Set<string>;
  /** parameter names `jax.vmap` does not map (`in_axes` None): passed through as they are, not traced */
  unmappedParams?: Set<string>;
  /** function/lambda: qualified names of the wrappers applied to it directly (`jax.jit`, `jax.grad`, …) */
  tracedBy?: Set<string>;
  /** loop: body calls backward()/optimizer step/apply_gradients/optax update */
  training?: boolean;
  /** loop: which framework's training calls made it a training loop */
  trainingFramework?: Set<TraceKind>;
  /** loop: its body (not a nested loop) calls a compiled function (see `compiledCallKind`) */
  callsCompiled?: Set<TraceKind>;
  /** with / function: gradients disabled (torch.no_grad / inference_mode / set_grad_enabled(False)) */
  noGrad?: boolean;
  /** function/lambda: passed to an eager callback (tf.py_function, jax.pure_callback, …): runs as Python on every call, never traced */
  eager?: boolean;
}

/**
 * A container with every field present from the start, in one order: all containers then share one
 * shape, and the passes and the incremental plan (which compares every container's facts with the
 * last version's on each keystroke) read them at one place each instead of looking fields up.
 */
function newContainer(index: number, kind: Container['kind'], node: Node, start: number, end: number, parent: number,
  name: string | undefined, params: string[] | undefined): Container {
  return { index, kind, node, start, end, parent, name, params, traced: undefined, tracedDirect: undefined, staticParams: undefined,
    unmappedParams: undefined, tracedBy: undefined, training: undefined, trainingFramework: undefined, callsCompiled: undefined, noGrad: undefined, eager: undefined };
}

export interface Assignment {
  name: string;
  offset: number;
  /** qualified callee when the value is a call, e.g. `jax.numpy.zeros` */
  callee?: string;
  value: Node;
  scope: number; // index of the enclosing function/module container
  /** `x += …` and friends: a write, but the value keeps its kind */
  augmented?: boolean;
  /**
   * How the name is bound when not by `name = value`: `unpack` — one target of `a, b = value` whose
   * right side could not be split element-wise (`value` is the whole right side); `for` — a `for`
   * loop target (`value` is the iterable, `callee` is undefined).
   */
  via?: 'unpack' | 'for';
}

// Maps, not object literals: they are looked up by names read from the user's file, and a name such
// as `constructor` (`import constructor`) must not find Object.prototype's.

/** Wrappers that compile the function they wrap: calling the result runs compiled code. */
const COMPILE_WRAPPERS = new Map<string, TraceKind>(Object.entries({
  'jax.jit': 'jax', 'jax.pmap': 'jax', 'flax.linen.jit': 'jax', 'tensorflow.function': 'tensorflow', 'torch.compile': 'torch',
}));

/** Wrappers whose function arguments are traced, with the positions of those arguments. */
const TRACE_WRAPPERS = new Map<string, { kind: TraceKind; args: number[] }>(Object.entries({
  'jax.jit': { kind: 'jax', args: [0] },
  'jax.grad': { kind: 'jax', args: [0] },
  'jax.value_and_grad': { kind: 'jax', args: [0] },
  'jax.vmap': { kind: 'jax', args: [0] },
  'jax.pmap': { kind: 'jax', args: [0] },
  'jax.jacfwd': { kind: 'jax', args: [0] },
  'jax.jacrev': { kind: 'jax', args: [0] },
  'jax.hessian': { kind: 'jax', args: [0] },
  'jax.checkpoint': { kind: 'jax', args: [0] },
  'jax.remat': { kind: 'jax', args: [0] },
  'jax.lax.scan': { kind: 'jax', args: [0] },
  'jax.lax.map': { kind: 'jax', args: [0] },
  'jax.lax.fori_loop': { kind: 'jax', args: [2] },
  'jax.lax.while_loop': { kind: 'jax', args: [0, 1] },
  'jax.lax.cond': { kind: 'jax', args: [1, 2] },
  'jax.lax.switch': { kind: 'jax', args: [1] },
  'jax.experimental.shard_map.shard_map': { kind: 'jax', args: [0] },
  'jax.shard_map': { kind: 'jax', args: [0] },
  'flax.linen.jit': { kind: 'jax', args: [0] },
  'tensorflow.function': { kind: 'tensorflow', args: [0] },
  'torch.compile': { kind: 'torch', args: [0] },
} satisfies Record<string, { kind: TraceKind; args: number[] }>));

/** Wrappers whose function argument runs as plain Python on every call, even from traced code. */
const EAGER_WRAPPERS = new Map<string, number>(Object.entries({
  'tensorflow.py_function': 0,
  'tensorflow.numpy_function': 0,
  'tensorflow.compat.v1.py_func': 0,
  'jax.pure_callback': 0,
  'jax.debug.callback': 0,
  'jax.experimental.io_callback': 0,
}));

const PARTIALS = new Set(['functools.partial']);
const NO_GRAD = new Set([
  'torch.no_grad', 'torch.inference_mode', 'torch.autograd.no_grad', 'torch.autograd.inference_mode',
  'torch.autograd.grad_mode.no_grad', 'torch.autograd.grad_mode.inference_mode',
]);
/** `with torch.set_grad_enabled(flag):` disables gradients unless the flag is literally True. */
const SET_GRAD_ENABLED = new Set(['torch.set_grad_enabled', 'torch.autograd.set_grad_enabled', 'torch.autograd.grad_mode.set_grad_enabled']);

const NONE: readonly Assignment[] = Object.freeze([]);

/** What a new version's facts can take from the last one's (see the constructor). */
export interface FactsSeed {
  from: Facts;
  /** node numbers [from, from + length) of the old version are [to, to + length) of the new one */
  runs: Array<{ from: number; to: number; length: number }>;
}
/**
 * How much text (in whole texts of the file) the scans for names' calls may read before every call is
 * indexed by name at once instead: a scan of the whole text costs about what indexing every call
 * does, so past a few of them the index is cheaper. Scans of the statements an edit touched (carried
 * facts) count only the text they read.
 */
const SCAN_BUDGET_TEXTS = 4;
/** Past this many interned names, a new version starts its own table (a long session types many). */
const MAX_SHARED_NAMES = 50_000;
const NO_CALLS: readonly Node[] = Object.freeze([]);
/** `qualifiedCode`'s chain of attribute nodes (grown as needed; nothing it calls asks a qualified name again). */
let chainScratch = new Int32Array(64);

/** How `Facts.reads` notes a question about the calls made by `name` (apart from the name's bindings). */
export function callsKey(name: string): string {
  return `()${name}`;
}

const RETIRED = new Int32Array(0);

/**
 * What the passes that set facts from calls (`markWrapped`, `markScopes`, `propagateTraced`) need to
 * know of a call, by its place in `Facts.calls`. Each depends on the call's own top-level statement
 * only (its callee on the import table, which a carried version shares), so a kept statement's calls
 * keep theirs. `CALL_KNOWN`: worked out (0 reads "not yet").
 */
const CALL_KNOWN = 1;
/** its callee is a wrapper that traces or calls back its function argument (`TRACE_WRAPPERS`, `EAGER_WRAPPERS`) */
const CALL_WRAPPER = 2;
/** its function is a bare name (`f(…)`): a call that can spread a trace to a def of that name */
const CALL_BY_NAME = 4;
/** in a loop (`loopAround`), and its function a bare name or a call: it may run compiled code (`compiledCallKind`) */
const CALL_MAY_COMPILE = 8;
/** in a loop, and a method call of a name `trainingCallFramework` can take (`TRAINING_METHODS`) */
const CALL_MAY_TRAIN = 16;

/** The only methods a training call is made by (`trainingCallFramework`). */
export const TRAINING_METHODS: readonly string[] = ['backward', 'apply_gradients', 'apply_updates', 'step', 'update'];
const TRAINING_METHOD_SET = new Set(TRAINING_METHODS);

/** The buffers of retired facts' columns by node number (`Facts.retire`), for the next version's facts. */
export type SpareColumns = readonly Int32Array[];

export const FACT_NODE_TYPES = [
  'import_statement', 'import_from_statement', 'function_definition', 'class_definition',
  'decorated_definition', 'for_statement', 'while_statement', 'with_statement', 'lambda', 'call',
  'assignment', 'augmented_assignment',
];

export class Facts {
  readonly imports = new ImportTable();
  readonly containers: Container[] = [];
  /** node number → 1 + innermost container index, for the nodes facts were built from (0: not known) */
  private containerOf: Int32Array;
  /**
   * node number → its qualified name once asked, as a code (`UNASKED`, `NO_NAME`, or `FIRST_NAME` + its
   * place in `names`). Names are interned: the 50,000-line benchmark file asks 55,000 nodes for theirs
   * and gets 133 distinct ones. Kept as one string per node in arrays by node number, they were half
   * of the facts' heap there, and the collector copied them at every scavenge during the analysis; a
   * typed array is outside the heap.
   */
  private qualifiedCodes: Int32Array;
  /** `callee` by call node, the same way: two dozen rules ask it of every call. */
  private calleeCodes: Int32Array;
  /** The qualified names met so far, by code − `FIRST_NAME` (shared with the facts it was seeded from). */
  private readonly names: string[];
  private readonly codeByName: Map<string, number>;
  /** The code of `<name>.<attribute>` by the code of the name, then the attribute. */
  private readonly memberCodes: Map<number, Map<string, number>>;
  /**
   * While a statement-local rule runs (incremental.ts): the names whose facts it looks up — through
   * the maps below or the methods that take a name — so that the statement is analysed again when
   * the facts of one of those names change. Undefined otherwise.
   */
  reads: Set<string> | undefined;
  /**
   * With `reads`: the span (offsets) of the statement the rule is looking at. What a question asks only
   * about that span (the writes in a function of it) depends on its text alone and is not noted; a
   * question about module-level writes is noted as `moduleKey(name)`, anything else by the name.
   */
  readsSpan: { start: number; end: number } | undefined;
  readonly assignments: NameMap<Assignment[]> = new NameMap(this, (name) => name);
  /** Noted as `defsKey(name)`: a question about a name's defs does not depend on its assignments. */
  readonly functionsByName: Map<string, Container[]> = new NameMap(this, defsKey);
  readonly calls: Node[] = [];
  /** `CALL_*` bits by the call's place in `calls` (see `markCalls`). */
  private callMarks = new Uint8Array(0);
  /** The name a `CALL_BY_NAME` call is made by (`f` of `f(…)`), by the call's place in `calls`. */
  private callNames: Array<string | undefined> = [];
  /** When facts were carried over: the last version's `callMarks` and `callNames` and where its kept calls went (see `carryOver`). */
  private carriedMarks: { from: Uint8Array; names: Array<string | undefined>; prefix: number; oldSuffix: number; newSuffix: number } | undefined;
  /**
   * The seed given to the constructor: what `build` carries over from the last version's facts.
   * Dropped once built, or every version would hold on to all the versions before it.
   */
  private carry: FactsSeed | undefined;
  /** The node numbers of the import statements and decorated definitions facts were built from. */
  private importIds: number[] = [];
  private decoratedIds: number[] = [];

  /**
   * `seed`: the facts of the previous version of the same document, and the runs of node numbers
   * whose text and import table did not change (the statements an edit kept): their qualified names
   * and callees, as far as that version had asked them, are copied instead of resolved again.
   */
  constructor(readonly root: Node, readonly source: string, seed?: FactsSeed, spare?: SpareColumns) {
    this.containers.push(newContainer(0, 'module', root, 0, source.length + 1, -1, undefined, undefined));
    const count = root.tree.count;
    // The columns by node number: in the buffers of retired facts (`spare`) when they are long enough.
    const column = (k: number) => {
      const a = spare?.[k];
      if (a && a.length >= count) return a.subarray(0, count).fill(0);
      return spare ? new Int32Array(count + (count >> 4)).subarray(0, count) : new Int32Array(count);
    };
    this.containerOf = column(0);
    this.qualifiedCodes = column(1);
    this.calleeCodes = column(2);
    this.carry = seed;
    const from = seed && seed.from.names.length < MAX_SHARED_NAMES ? seed.from : undefined;
    this.names = from?.names ?? [];
    this.codeByName = from?.codeByName ?? new Map();
    this.memberCodes = from?.memberCodes ?? new Map();
    if (from) {
      for (const run of seed!.runs) {
        this.qualifiedCodes.set(from.qualifiedCodes.subarray(run.from, run.from + run.length), run.to);
        this.calleeCodes.set(from.calleeCodes.subarray(run.from, run.from + run.length), run.to);
      }
    }
  }

  /**
   * Give up the columns by node number for a later version's facts (incremental.ts, once nothing
   * asks these facts anything more): their whole buffers, and these facts read empty columns from
   * then on (every name and container unknown), never another version's. Only the buffers are kept
   * for the next facts, not these facts: kept, their objects (a container, a binding, a node for each)
   * stayed alive one version longer, and every young-generation scavenge copied two versions of them.
   */
  retire(): SpareColumns {
    const whole = (a: Int32Array) => new Int32Array(a.buffer as ArrayBuffer, 0, a.buffer.byteLength >> 2);
    const out = [whole(this.containerOf), whole(this.qualifiedCodes), whole(this.calleeCodes)];
    this.containerOf = this.qualifiedCodes = this.calleeCodes = RETIRED;
    return out;
  }

  // ---- structure ---------------------------------------------------------------------------

  /**
   * The calls inside [start, end] (offsets), in document order: a binary search over `calls` (which
   * are in document order), so that rules asking per loop or per function stay linear overall.
   */
  callsIn(start: number, end: number): Node[] {
    const calls = this.calls;
    const lo = countBefore(calls, (c) => c.startIndex < start);
    const out: Node[] = [];
    for (let i = lo; i < calls.length && calls[i].startIndex < end; i++) if (calls[i].endIndex <= end) out.push(calls[i]);
    return out;
  }

  private callsByName: Map<string, Node[]> | undefined;

  /** Whether [start, end) lies in the span of the statement a rule is looking at (`readsSpan`). */
  private inReadsSpan(start: number, end: number): boolean {
    const r = this.readsSpan;
    return !!r && start >= r.start && end <= r.end;
  }

  /**
   * The calls made by this simple name — `f(…)` or `x.f(…)` — in document order (an index made on
   * the first question). Noted in `reads` as `callsKey(name)`: the statement depends on those calls.
   */
  callsNamed(name: string): readonly Node[] {
    this.reads?.add(callsKey(name));
    return this.callsOf(name);
  }

  /**
   * The calls `receiver.method(…)` whose receiver is written `receiver` (`model.eval()`,
   * `self.net.train()`), in document order. Noted in `reads` as `callsKey('receiver.method')`.
   */
  methodCallsOn(receiver: string, method: string): readonly Node[] {
    this.reads?.add(callsKey(`${receiver}.${method}`));
    let byReceiver = this.callsByReceiver.get(method);
    if (!byReceiver) {
      // Made once per method name, from the calls made by that name.
      byReceiver = new Map();
      for (const c of this.callsOf(method)) {
        const t = c.tree;
        const fn = t.fieldChild(c.id, 'function');
        const object = t.typeOf(fn) === 'attribute' ? t.fieldChild(fn, 'object') : -1;
        if (object < 0) continue;
        const key = t.textOf(object);
        const list = byReceiver.get(key);
        if (list) list.push(c);
        else byReceiver.set(key, [c]);
      }
      this.callsByReceiver.set(method, byReceiver);
    }
    return byReceiver.get(receiver) ?? NO_CALLS;
  }

  private readonly callsByReceiver = new Map<string, Map<string, Node[]>>();
  /** Every call's name is in `callsByName` (once the scans had read `SCAN_BUDGET_TEXTS` texts). */
  private allCallsIndexed = false;
  /** Characters the scans for names' calls have read (`scanCalls`). */
  private scannedChars = 0;

  /**
   * The calls made by `name`, found once per name from where the name is written: each place the text
   * has it as a word, the token there, and whether that token names a call (`f(…)`, `x.f(…)`); in
   * document order, as in `calls`. (A scan of every call cost more: a few names are asked per analysis.)
   */
  private callsOf(name: string): readonly Node[] {
    const index = (this.callsByName ??= new Map());
    let found = index.get(name);
    if (!found && this.allCallsIndexed) return NO_CALLS;
    if (!found && this.scannedChars >= SCAN_BUDGET_TEXTS * this.source.length) {
      // Asked of many names (a rule following calls through a file): index every call once instead
      // (the names scanned so far get the same lists again).
      const all = new Map<string, Node[]>();
      for (const c of this.calls) {
        const n = calledNameNode(c.tree, c.id);
        // Only what a scan finds (`identifierTokens`): with an edit, a version scans the text the edit
        // touched and must find the calls a whole-file index would.
        if (n < 0 || this.identifierAt(c.tree.startOf(n), c.tree.endOf(n)) !== n) continue;
        const key = c.tree.textOf(n);
        const list = all.get(key);
        if (list) list.push(c);
        else all.set(key, [c]);
      }
      this.callsByName = all;
      this.allCallsIndexed = true;
      this.callIds.clear();
      for (const [key, list] of all) this.callIds.set(key, list.map((c) => c.id));
      return all.get(name) ?? NO_CALLS;
    }
    if (!found) {
      const t = this.root.tree;
      const ids = this.carriedCallsOf(name) ?? this.scanCalls(name, 0, t.text.length);
      this.callIds.set(name, ids);
      found = ids.map((i) => t.node(i));
      index.set(name, found);
    }
    return found;
  }

  /**
   * The identifiers written `name` that start in [from, to), as node numbers in document order: each
   * place the text has the name as a word, and the token there if it is an identifier.
   */
  private identifierTokens(name: string, from: number, to: number): number[] {
    const text = this.root.tree.text;
    const ids: number[] = [];
    for (let at = name.length ? text.indexOf(name, from) : -1; at >= 0 && at < to; at = text.indexOf(name, at + 1)) {
      const n = this.identifierAt(at, at + name.length);
      if (n >= 0) ids.push(n);
    }
    return ids;
  }

  /**
   * The identifier token spanning exactly [start, end), when that span is a whole word of the text and
   * the token the last node to start there; -1 otherwise. What a scan for a name finds
   * (`identifierTokens`), and all the whole-file index keeps (`callsOf`).
   */
  private identifierAt(start: number, end: number): number {
    const t = this.root.tree;
    if (end <= start || isWordChar(t.text.charCodeAt(start - 1)) || isWordChar(t.text.charCodeAt(end))) return -1;
    const n = t.lastStartingBy(start);
    return n >= 0 && t.startOf(n) === start && t.endOf(n) === end && t.typeOf(n) === 'identifier' ? n : -1;
  }

  /** The numbers of the calls made by `name` whose name is written in [from, to), ascending. */
  private scanCalls(name: string, from: number, to: number): number[] {
    const t = this.root.tree;
    this.scannedChars += to - from;
    const ids: number[] = [];
    for (const n of this.identifierTokens(name, from, to)) {
      // The token names a call when it is the call's function, or the attribute of the call's function.
      const p = t.parentOf(n);
      let call = -1;
      if (p >= 0 && t.typeOf(p) === 'call' && t.fieldChild(p, 'function') === n) call = p;
      else if (p >= 0 && t.typeOf(p) === 'attribute' && t.fieldChild(p, 'attribute') === n) {
        const pp = t.parentOf(p);
        if (pp >= 0 && t.typeOf(pp) === 'call' && t.fieldChild(pp, 'function') === p) call = pp;
      }
      if (call >= 0 && t.isNamed(call)) ids.push(call);
    }
    return ids.sort((a, b) => a - b);
  }

  /**
   * The calls made by `name` from the last version's answer, when its facts were carried over and it
   * had one: its calls in the kept statements, moved to the new numbers, and a scan of the touched
   * statements' text only (a scan of a 5,000-line file is a third of a millisecond).
   */
  private carriedCallsOf(name: string): number[] | undefined {
    const c = this.carriedCalls;
    const old = c?.ids.get(name);
    if (!c || (!old && !c.complete)) return undefined;
    const out: number[] = [];
    if (old) for (const i of old) if (i < c.prefix) out.push(i);
    for (const i of this.scanCalls(name, c.from, c.to)) out.push(i);
    if (old) for (const i of old) if (i >= c.oldSuffix) out.push(i + c.dN);
    return out;
  }

  /** `callsOf`'s answers as node numbers, for the next version's facts (numbers only: no nodes of this version). */
  private readonly callIds = new Map<string, number[]>();
  /**
   * When facts were carried over: the last version's `callIds` (`complete` when it had indexed every
   * call), the numbers its kept statements had, and the text of the statements touched since.
   */
  private carriedCalls: { ids: Map<string, number[]>; complete: boolean; prefix: number; oldSuffix: number; dN: number; from: number; to: number } | undefined;

  /** Note that the answer a rule is giving depends on the facts of `name`, whatever they are (see `reads`). */
  noteName(name: string): void {
    this.reads?.add(name);
  }

  /**
   * Note that the answer a rule is giving depends on the places where `word` is written (anywhere in
   * the file, comments and strings too): the statement is analysed again after any edit whose text,
   * before or after, holds `word`. So are the local names an import binds to a path that holds it
   * (`from jax import enable_x64 as e` for `x64`), which stand for it in the text. For the questions
   * the facts do not key by name: whether a file enables x64 anywhere, uses CUDA anywhere, writes a
   * name that a fix would take.
   */
  noteWord(word: string): void {
    const reads = this.reads;
    if (!reads) return;
    reads.add(wordKey(word));
    for (const b of this.imports.bindings.values()) if (b.qualified.includes(word)) reads.add(wordKey(b.local));
  }

  /**
   * The identifiers written `name`, as node numbers in document order: each place the text has the
   * name as a word and the token there is an identifier. Noted as `noteWord(name)`.
   */
  identifiersNamed(name: string): number[] {
    this.noteWord(name);
    return this.identifierTokens(name, 0, this.source.length);
  }

  /** Innermost container of a captured node (or of an arbitrary node, by position). */
  containerIndex(node: Node): number {
    const known = this.containerOf[node.id];
    if (known > 0) return known - 1;
    // Not captured: find by range. Containers are sorted by start and nest, so the innermost one
    // holding the node is the last one starting at or before it, or one of that one's ancestors.
    const start = node.startIndex;
    const end = node.endIndex;
    let lo = 0;
    let hi = this.containers.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.containers[mid].start <= start) lo = mid;
      else hi = mid - 1;
    }
    for (let i = lo; i > 0; i = this.containers[i].parent) {
      const c = this.containers[i];
      if (end <= c.end && c.node.id !== node.id) return i;
    }
    return 0;
  }

  /** Containers from innermost outwards, starting at the node's own container (an array: a generator allocates on every step). */
  ancestors(node: Node): Container[] {
    const out: Container[] = [];
    for (let i = this.containerIndex(node); i >= 0; i = this.containers[i].parent) out.push(this.containers[i]);
    return out;
  }

  // The scope queries below walk `parent` indices rather than `ancestors()`: rules ask them for most
  // nodes.

  enclosingFunction(node: Node): Container | undefined {
    for (let i = this.containerIndex(node); i >= 0; i = this.containers[i].parent) {
      const c = this.containers[i];
      if (c.kind === 'function' || c.kind === 'lambda') return c;
    }
    return undefined;
  }

  /** The traced function/lambda around a node, if any (nested functions count; an eager callback stops the search). */
  tracedScope(node: Node, kind?: TraceKind): Container | undefined {
    return this.tracedScopeFrom(this.containerIndex(node), kind);
  }

  /** `tracedScope` of what container `index` holds: that container or one around it. */
  private tracedScopeFrom(index: number, kind?: TraceKind): Container | undefined {
    for (let i = index; i >= 0; i = this.containers[i].parent) {
      const c = this.containers[i];
      if ((c.kind === 'function' || c.kind === 'lambda') && c.eager) return undefined;
      if ((c.kind === 'function' || c.kind === 'lambda') && c.traced && (!kind || c.traced === kind)) return c;
    }
    return undefined;
  }

  /** The innermost `for`/`while` loop around a node within its own function (or module code), if any. */
  loopAround(node: Node): Container | undefined {
    for (let i = this.containerIndex(node); i >= 0; i = this.containers[i].parent) {
      const c = this.containers[i];
      if (c.kind === 'function' || c.kind === 'lambda' || c.kind === 'class') return undefined;
      if (c.kind === 'loop' && c.node.id !== node.id) return c;
    }
    return undefined;
  }

  /**
   * The framework when `call` runs a compiled function: `f(…)` where `f` is a def decorated with or
   * passed to `jax.jit`/`jax.pmap`/`tf.function`/`torch.compile`, or a name bound to such a wrapper
   * call (`step = jax.jit(train_step)`), or an immediately called wrapper (`jax.jit(f)(x)`).
   */
  compiledCallKind(call: Node): TraceKind | undefined {
    // The function's type from the columns: most calls are of an attribute, answered without objects.
    const t = call.tree;
    const fn = t.fieldChild(call.id, 'function');
    if (fn < 0) return undefined;
    const type = t.typeOf(fn);
    if (type === 'call') return this.compileWrapperKind(t.node(fn));
    if (type !== 'identifier') return undefined;
    const name = t.textOf(fn);
    const a = this.assignmentBefore(name, call);
    if (a) return !a.via && a.value.type === 'call' ? this.compileWrapperKind(a.value) : undefined;
    for (const d of this.visibleDefs(name, call)) {
      for (const w of d.tracedBy ?? []) {
        const kind = COMPILE_WRAPPERS.get(w);
        if (kind) return kind;
      }
    }
    return undefined;
  }

  /** `jax.jit(f, …)` / `partial(jax.jit, …)(f)`-free form: the framework when `call` builds a compiled function. */
  private compileWrapperKind(call: Node): TraceKind | undefined {
    const q = this.callee(call);
    return q ? COMPILE_WRAPPERS.get(q) : undefined;
  }

  /** The training loop around a node (within its function), if any. */
  trainingLoop(node: Node): Container | undefined {
    for (let i = this.containerIndex(node); i >= 0; i = this.containers[i].parent) {
      const c = this.containers[i];
      if (c.kind === 'function' || c.kind === 'class') return undefined;
      if (c.kind === 'loop' && c.training) return c;
    }
    return undefined;
  }

  inNoGrad(node: Node): boolean {
    for (let i = this.containerIndex(node); i >= 0; i = this.containers[i].parent) if (this.containers[i].noGrad) return true;
    return false;
  }

  // ---- names -------------------------------------------------------------------------------

  /** Qualified name of an identifier / attribute chain, resolved through imports; undefined if not imported. */
  qualifiedName(node: Node | null): string | undefined {
    return node ? this.nameOf(this.qualifiedCode(node.id)) : undefined;
  }

  /** The code of node i's qualified name, read from the columns (no node objects: asked of every call). */
  private qualifiedCode(i: number): number {
    const codes = this.qualifiedCodes;
    const cached = codes[i];
    if (cached !== UNASKED) return cached;
    const t = this.root.tree;
    if (this.unboundNameAt(t.startOf(i))) return (codes[i] = NO_NAME);
    // Iterative: an attribute chain can be arbitrarily long (`x.a.a.a…`), deeper than the JS stack.
    // Walk down to the first node whose answer is known (or an identifier), then build upwards.
    // The chain's attributes in a scratch array kept between calls (asked of every call: an array
    // each was a twentieth of what the 50,000-line file's analysis allocated).
    let chain = chainScratch;
    let length = 0;
    let base = NO_NAME;
    for (let n = i; n >= 0; n = t.fieldChild(n, 'object')) {
      const known = codes[n];
      if (known !== UNASKED) { base = known; break; }
      const type = t.typeOf(n);
      if (type === 'identifier') {
        const resolved = this.imports.resolveName(t.textOf(n));
        base = codes[n] = resolved === undefined ? NO_NAME : this.intern(resolved);
        break;
      }
      if (type !== 'attribute') { codes[n] = NO_NAME; break; }
      if (length === chain.length) { const grown = new Int32Array(chain.length * 2); grown.set(chain); chain = chainScratch = grown; }
      chain[length++] = n;
    }
    for (let k = length - 1; k >= 0; k--) {
      const attr = t.fieldChild(chain[k], 'attribute');
      // No real API name is this long; giving up keeps pathological chains linear, not quadratic.
      base = base !== NO_NAME && attr >= 0 && this.names[base - FIRST_NAME].length <= MAX_QUALIFIED_LENGTH ? this.memberCode(base, t.textOf(attr)) : NO_NAME;
      codes[chain[k]] = base;
    }
    return base;
  }

  private nameOf(code: number): string | undefined {
    return code >= FIRST_NAME ? this.names[code - FIRST_NAME] : undefined;
  }

  private intern(name: string): number {
    let code = this.codeByName.get(name);
    if (code === undefined) {
      code = this.names.push(name) - 1 + FIRST_NAME;
      this.codeByName.set(name, code);
    }
    return code;
  }

  /** The code of `<name of code>.<attribute>` (the string is made once per pair). */
  private memberCode(code: number, attribute: string): number {
    let members = this.memberCodes.get(code);
    if (!members) this.memberCodes.set(code, (members = new Map()));
    let member = members.get(attribute);
    if (member === undefined) {
      member = this.intern(`${this.names[code - FIRST_NAME]}.${attribute}`);
      members.set(attribute, member);
    }
    return member;
  }

  /**
   * A name or attribute chain resolves only through an import of its leftmost name, which starts
   * where the node starts. True when the source there is a plain ASCII name that no import binds:
   * then the node has no qualified name, whatever its type, and the tree need not be asked.
   */
  private unboundNameAt(offset: number): boolean {
    const s = this.source;
    const isStart = (c: number) => c === 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!isStart(s.charCodeAt(offset))) return false;
    let end = offset + 1;
    for (let c = s.charCodeAt(end); isStart(c) || (c >= 48 && c <= 57); c = s.charCodeAt(++end));
    if (end < s.length && s.charCodeAt(end) >= 0x80) return false; // a non-ASCII name continues
    return !this.imports.isBound(s.slice(offset, end));
  }

  /** Qualified callee of a call node. */
  callee(call: Node): string | undefined {
    let code = this.calleeCodes[call.id];
    if (code === UNASKED) {
      const fn = call.tree.fieldChild(call.id, 'function');
      code = this.calleeCodes[call.id] = fn >= 0 ? this.qualifiedCode(fn) : NO_NAME;
    }
    return this.nameOf(code);
  }

  /** True when `name` is the builtin (not imported, not assigned at module level, not a def). */
  isBuiltin(name: string): boolean {
    // Its defs (`functionsByName`) and module-level writes (`assignmentsIn`) note themselves.
    return !this.imports.isBound(name) && !this.functionsByName.has(name) && this.assignmentsIn(name, 0).length === 0;
  }

  /**
   * Whether `name` is bound somewhere, in any scope, to the result of a call of `callee` (`step =
   * tf.function(train_step)`). Noted as `assignedKey(name, callee)`: other writes of the name do not
   * change the answer.
   */
  assignedFrom(name: string, callee: string): boolean {
    this.reads?.add(assignedKey(name, callee));
    return (this.assignments.peek(name) ?? []).some((a) => a.value.type === 'call' && this.callee(a.value) === callee);
  }

  /** Every write (plain or augmented) to `name` inside the function/lambda container `fn`. */
  writesIn(name: string, fn: Container): readonly Assignment[] {
    return this.assignmentsIn(name, fn.index);
  }

  /**
   * The writes to `name` whose scope is container `scope` (a function, lambda or the module, 0), in
   * document order. From an index by scope, made once per name: a name such as `x` or `loss` is
   * assigned in most functions of a long file, and rules ask per call.
   */
  assignmentsIn(name: string, scope: number): readonly Assignment[] {
    if (this.reads) {
      const c = this.containers[scope];
      if (scope === 0) this.reads.add(moduleKey(name));
      else if (!this.inReadsSpan(c.start, c.end)) this.reads.add(name);
    }
    const list = this.assignments.peek(name);
    if (!list) return NONE;
    const byScope = this.assignmentsByScope(name, list);
    return byScope ? byScope.get(scope) ?? NONE : list.filter((a) => a.scope === scope);
  }

  /** The writes to `name` at offsets in [from, to), in document order (a binary search: writes are kept in order). */
  assignmentsBetween(name: string, from: number, to: number): readonly Assignment[] {
    if (this.reads && !this.inReadsSpan(from, to)) this.reads.add(name);
    const list = this.assignments.peek(name);
    if (!list) return NONE;
    if (!this.assignmentsByScope(name, list)) return list.filter((a) => a.offset >= from && a.offset < to);
    const lo = countBefore(list, (a) => a.offset < from);
    let end = lo;
    while (end < list.length && list[end].offset < to) end++;
    return lo === end ? NONE : list.slice(lo, end);
  }

  /** The last plain (not augmented) write to `name` at an offset before `offset`, in any scope. */
  lastPlainWriteBefore(name: string, offset: number): Assignment | undefined {
    this.reads?.add(name);
    const list = this.assignments.peek(name);
    if (!list) return undefined;
    const sorted = !!this.assignmentsByScope(name, list);
    for (let i = sorted ? countBefore(list, (a) => a.offset < offset) - 1 : list.length - 1; i >= 0; i--) {
      const a = list[i];
      if (!a.augmented && a.offset < offset) return a;
    }
    return undefined;
  }

  /**
   * The defs a bare `name` at `at` refers to: the one in the innermost enclosing scope that defines it
   * (the latest before `at`, else the first after), so that several `def f` in one file (test files,
   * notebooks) are told apart. Methods are not visible by bare name. Falls back to every def of the name,
   * unless `strict`: then a def in no enclosing scope (a method, a def local to another function) is
   * not what the name means there, and the answer is empty.
   */
  visibleDefs(name: string, at: Node, strict = false): Container[] {
    const defs = this.functionsByName.get(name) ?? [];
    if (!strict && defs.length <= 1) return defs;
    const byOwner = this.defsByOwner(name, defs);
    const start = at.startIndex;
    for (let i = this.containerIndex(at); i >= 0; i = this.containers[i].parent) {
      const scope = this.containers[i];
      if (scope.kind !== 'function' && scope.kind !== 'lambda' && scope.kind !== 'module') continue;
      const here = byOwner.get(scope.index);
      if (!here) continue;
      const before = countBefore(here, (d) => d.start < start);
      return [before > 0 ? here[before - 1] : here[0]];
    }
    return strict ? [] : defs;
  }

  /**
   * name → its defs by the function, lambda or class they are defined in (0: the module), in document
   * order; made once per name (a test file or a generated one defines the same name in many places,
   * and rules ask per call).
   */
  private readonly defIndex = new Map<string, { length: number; byOwner: Map<number, Container[]> }>();

  private defsByOwner(name: string, defs: Container[]): Map<number, Container[]> {
    let entry = this.defIndex.get(name);
    if (!entry || entry.length !== defs.length) {
      const byOwner = new Map<number, Container[]>();
      for (const d of defs) {
        let owner = d.parent;
        while (owner > 0 && !OWNER_KINDS.has(this.containers[owner].kind)) owner = this.containers[owner].parent;
        const list = byOwner.get(owner);
        if (list) list.push(d);
        else byOwner.set(owner, [d]);
      }
      entry = { length: defs.length, byOwner };
      this.defIndex.set(name, entry);
    }
    return entry.byOwner;
  }

  /** Latest assignment to `name` visible at `node` (same function scope, else module scope). */
  assignmentBefore(name: string, node: Node): Assignment | undefined {
    // The writes in the node's own function, then the module-level ones.
    if (this.reads) this.reads.add(this.inReadsSpan(node.startIndex, node.endIndex) ? moduleKey(name) : name);
    const list = this.assignments.peek(name);
    if (!list) return undefined;
    const fn = this.enclosingFunction(node)?.index ?? 0;
    const byScope = this.assignmentsByScope(name, list);
    if (byScope) {
      // The last visible write in the function's own scope, else the last one at module level.
      const start = node.startIndex;
      const visible = (scoped: Assignment[] | undefined): Assignment | undefined => {
        if (!scoped) return undefined;
        for (let i = countBefore(scoped, (a) => a.offset <= start) - 1; i >= 0; i--) {
          const a = scoped[i];
          // `x = f(x)`: the right side still reads the previous binding.
          if (a.augmented || (a.value.startIndex <= start && node.endIndex <= a.value.endIndex)) continue;
          return a;
        }
        return undefined;
      };
      return visible(byScope.get(fn)) ?? (fn !== 0 ? visible(byScope.get(0)) : undefined);
    }
    let best: Assignment | undefined;
    for (const a of list) {
      if (a.offset > node.startIndex) break;
      // `x = f(x)`: the right side still reads the previous binding.
      if (a.augmented || (a.value.startIndex <= node.startIndex && node.endIndex <= a.value.endIndex)) continue;
      if (a.scope === fn || (a.scope === 0 && (!best || best.scope === 0))) best = a;
    }
    return best;
  }

  /** name → its assignments per scope, in document order (byScope undefined when the list is out of document order). */
  private readonly assignmentIndex = new Map<string, { length: number; byScope: Map<number, Assignment[]> | undefined }>();

  private assignmentsByScope(name: string, list: Assignment[]): Map<number, Assignment[]> | undefined {
    let entry = this.assignmentIndex.get(name);
    if (!entry || entry.length !== list.length) {
      let byScope: Map<number, Assignment[]> | undefined = new Map();
      for (let i = 0; i < list.length; i++) {
        const a = list[i];
        if (i > 0 && list[i - 1].offset > a.offset) { byScope = undefined; break; }
        let scoped = byScope.get(a.scope);
        if (!scoped) byScope.set(a.scope, (scoped = []));
        scoped.push(a);
      }
      entry = { length: list.length, byScope };
      this.assignmentIndex.set(name, entry);
    }
    return entry.byScope;
  }

  // ---- construction ------------------------------------------------------------------------

  /**
   * Build facts from the numbers of the named nodes of FACT_NODE_TYPES (+ any other types, whose
   * containers are then known without a search), in document order. Node objects are made for the
   * nodes of FACT_NODE_TYPES only. With a seed (the constructor's), what the kept statements gave the
   * last version's facts is carried over (`carryOver`) and only the statements between them are read.
   */
  build(numbers: ArrayLike<number>): void {
    const syntax = this.root.tree;
    const decorated: number[] = [];
    const carry = this.carry;
    this.carry = undefined;
    if (!carry || !this.carryOver(numbers, carry, decorated)) this.collect(numbers, 0, numbers.length, decorated);
    this.decoratedIds = decorated;
    this.markCalls();
    this.markDecorated(decorated.map((i) => syntax.node(i)));
    this.markWrapped();
    this.markUnmapped();
    this.markScopes();
    this.propagateTraced();
  }

  /** The containers, calls, bindings, imports and decorated definitions of numbers[from, to), which start at module level. */
  private collect(numbers: ArrayLike<number>, from: number, to: number, decorated: number[]): void {
    const syntax = this.root.tree;
    const factTypes = syntax.typeTable(FACT_NODE_TYPES);
    const stack: number[] = [0];
    for (let k = from; k < to; k++) {
      const i = numbers[k];
      const start = syntax.startOf(i);
      while (stack.length > 1 && start >= this.containers[stack[stack.length - 1]].end) stack.pop();
      const parent = stack[stack.length - 1];
      this.containerOf[i] = parent + 1;
      const typeId = syntax.typeIdOf(i);
      if (typeId === ERROR_TYPE_ID || !factTypes[typeId]) continue;
      const node = syntax.node(i);
      const kind = containerKind(node.type);
      switch (node.type) {
        case 'import_statement':
        case 'import_from_statement':
          this.addImport(node, parent);
          break;
        case 'decorated_definition':
          decorated.push(i);
          break;
        case 'call':
          this.calls.push(node);
          break;
        case 'assignment':
          this.recordAssignment(node, parent);
          break;
        case 'for_statement': {
          const left = node.childForFieldName('left');
          const right = node.childForFieldName('right');
          if (left && right) for (const id of patternNames(left)) this.addBinding(id.text, start, right, this.scopeIndex(parent), 'for');
          break;
        }
        case 'augmented_assignment': {
          const left = node.childForFieldName('left');
          if (left?.type === 'identifier') {
            const list = this.assignments.get(left.text) ?? [];
            list.push({ name: left.text, offset: node.startIndex, value: node, scope: this.scopeIndex(parent), augmented: true });
            this.assignments.set(left.text, list);
          }
          break;
        }
      }
      if (kind) {
        const c = newContainer(this.containers.length, kind, node, start, node.endIndex, parent,
          kind === 'function' ? node.childForFieldName('name')?.text : undefined,
          kind === 'function' || kind === 'lambda' ? paramNames(node.childForFieldName('parameters')) : undefined);
        this.addContainer(c);
        stack.push(c.index);
      }
    }
  }

  private addImport(node: Node, container: number): void {
    this.importIds.push(node.id);
    collectImport(node, this.imports);
    if (container === 0 && node.parent?.type === 'module') this.imports.insertLine = node.endPosition.row + 1;
  }

  private addContainer(c: Container): void {
    this.containers.push(c);
    if (c.kind === 'function' && c.name) {
      const list = this.functionsByName.get(c.name) ?? [];
      list.push(c);
      this.functionsByName.set(c.name, list);
    }
  }

  /**
   * `build` for a version whose first top-level statements (node numbers [0, P)) and last ones (the
   * seed's second run) are those of the last version, text and import table unchanged: their
   * containers, calls, bindings, imports and decorated definitions are the last facts' — moved to
   * the new node numbers and offsets, with the new version's nodes — in document order around what
   * `collect` finds in the statements between. The facts that code elsewhere sets (traced, training,
   * no-grad…) are worked out afresh by the passes after. False when the seed is not of that form.
   */
  private carryOver(numbers: ArrayLike<number>, seed: FactsSeed, decorated: number[]): boolean {
    const syntax = this.root.tree;
    const old = seed.from;
    const was = old.root.tree;
    const [head, tail] = seed.runs;
    if (!head || head.from !== 0 || head.to !== 0 || seed.runs.length > 2 || was.count === 0 || old.containerOf.length !== was.count) return false;
    if (tail && (tail.from + tail.length !== was.count || tail.to + tail.length !== syntax.count)) return false;
    const prefix = head.length;
    const oldSuffix = tail ? tail.from : was.count;
    const newSuffix = tail ? tail.to : syntax.count;
    const dN = newSuffix - oldSuffix;
    const dC = tail ? syntax.startOf(newSuffix) - was.startOf(oldSuffix) : 0;
    const prefixEnd = prefix < was.count ? was.startOf(prefix) : old.source.length + 1;
    const suffixStart = tail ? was.startOf(oldSuffix) : old.source.length + 1;
    const inPrefix = (id: number) => id < prefix;
    const inSuffix = (id: number) => id >= oldSuffix;
    const text = syntax.text;
    this.carriedCalls = { ids: old.callIds, complete: old.allCallsIndexed, prefix, oldSuffix, dN,
      from: prefix < syntax.count ? syntax.startOf(prefix) : text.length, to: newSuffix < syntax.count ? syntax.startOf(newSuffix) : text.length };
    // The kept statements before the edit: the same numbers, offsets and container indices.
    this.containerOf.set(old.containerOf.subarray(0, prefix), 0);
    let c = 1;
    for (; c < old.containers.length && inPrefix(old.containers[c].node.id); c++) this.addContainer(this.carried(old.containers[c], c, 0, 0, old.containers[c].parent));
    let a = 0;
    for (; a < old.calls.length && inPrefix(old.calls[a].id); a++) this.calls.push(syntax.node(old.calls[a].id));
    const prefixCalls = a;
    for (const id of old.importIds) if (inPrefix(id)) this.addImport(syntax.node(id), this.containerOf[id] - 1);
    for (const id of old.decoratedIds) if (inPrefix(id)) decorated.push(id);
    const suffixBindings: Array<[string, Assignment[]]> = [];
    for (const [name, list] of Map.prototype.entries.call(old.assignments) as MapIterator<[string, Assignment[]]>) {
      let k = 0;
      const kept: Assignment[] = [];
      for (; k < list.length && list[k].offset < prefixEnd; k++) kept.push(this.carriedBinding(list[k], 0, 0, 0));
      if (kept.length > 0) this.assignments.set(name, kept);
      while (k < list.length && list[k].offset < suffixStart) k++;
      if (k < list.length) suffixBindings.push([name, list.slice(k)]);
    }
    // The statements the edit touched.
    const lo = countBefore(numbers, (i) => i < prefix);
    const hi = countBefore(numbers, (i) => i < newSuffix);
    this.collect(numbers, lo, hi, decorated);
    if (!tail) {
      this.carriedMarks = { from: old.callMarks, names: old.callNames, prefix: prefixCalls, oldSuffix: old.calls.length, newSuffix: this.calls.length };
      return true;
    }
    // The kept statements after the edit: numbers moved by dN, offsets by dC, container indices by dK.
    while (c < old.containers.length && !inSuffix(old.containers[c].node.id)) c++;
    const dK = this.containers.length - c;
    for (; c < old.containers.length; c++) {
      const o = old.containers[c];
      this.addContainer(this.carried(o, o.index + dK, dN, dC, o.parent === 0 ? 0 : o.parent + dK));
    }
    const from = old.containerOf;
    const to = this.containerOf;
    to.set(from.subarray(oldSuffix), newSuffix);
    // With containers added or removed before them, the suffix's own containers moved by dK (values
    // are 1 + index; 0 is "not known" and 1 the module): only the numbers facts were built from hold one.
    if (dK !== 0) {
      for (let k = hi; k < numbers.length; k++) {
        const i = numbers[k];
        if (to[i] > 1) to[i] += dK;
      }
    }
    while (a < old.calls.length && !inSuffix(old.calls[a].id)) a++;
    this.carriedMarks = { from: old.callMarks, names: old.callNames, prefix: prefixCalls, oldSuffix: a, newSuffix: this.calls.length };
    for (; a < old.calls.length; a++) this.calls.push(syntax.node(old.calls[a].id + dN));
    for (const id of old.importIds) if (inSuffix(id)) this.addImport(syntax.node(id + dN), this.containerOf[id + dN] - 1);
    for (const id of old.decoratedIds) if (inSuffix(id)) decorated.push(id + dN);
    // Names first bound after the edit join the map in the order of those first bindings, as a
    // build over the whole file would add them.
    suffixBindings.sort((x, y) => x[1][0].offset - y[1][0].offset);
    for (const [name, list] of suffixBindings) {
      const moved = list.map((b) => this.carriedBinding(b, dN, dC, dK));
      const sofar = this.assignments.peek(name);
      if (sofar) for (const b of moved) sofar.push(b);
      else this.assignments.set(name, moved);
    }
    return true;
  }

  /** A container of the last version's facts as one of these (its facts that code elsewhere sets left out). */
  private carried(o: Container, index: number, dN: number, dC: number, parent: number): Container {
    return newContainer(index, o.kind, this.root.tree.node(o.node.id + dN), o.start + dC, o.end + dC, parent, o.kind === 'function' ? o.name : undefined, o.params);
  }

  /** A binding of the last version's facts as one of these. */
  private carriedBinding(b: Assignment, dN: number, dC: number, dK: number): Assignment {
    const value = this.root.tree.node(b.value.id + dN);
    const scope = b.scope === 0 ? 0 : b.scope + dK;
    if (b.augmented) return { name: b.name, offset: b.offset + dC, value, scope, augmented: true };
    return new Binding(this, b.name, b.offset + dC, value, scope, b.via);
  }

  private recordAssignment(node: Node, container: number): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right) return;
    const scope = this.scopeIndex(container);
    if (left.type === 'identifier') {
      this.addBinding(left.text, node.startIndex, right, scope);
      return;
    }
    if (!PATTERNS.has(left.type)) return;
    // `a, b = x, y` binds element-wise; `a, b = f()` binds each target to a part of the whole value.
    const targets = left.namedChildren.filter((n): n is Node => !!n);
    const values = PATTERNS.has(right.type) || right.type === 'expression_list' ? right.namedChildren.filter((n): n is Node => !!n) : undefined;
    const elementWise = values && values.length === targets.length && !targets.some((t) => t.type === 'list_splat_pattern') && !values.some((v) => v.type === 'list_splat');
    targets.forEach((t, i) => {
      if (elementWise && t.type === 'identifier') this.addBinding(t.text, node.startIndex, values![i], scope);
      else for (const id of patternNames(t)) this.addBinding(id.text, node.startIndex, right, scope, 'unpack');
    });
  }

  private addBinding(name: string, offset: number, value: Node, scope: number, via?: Assignment['via']): void {
    const a = new Binding(this, name, offset, value, scope, via);
    const list = this.assignments.get(name) ?? [];
    list.push(a);
    this.assignments.set(name, list);
  }

  private scopeIndex(container: number): number {
    for (let i = container; i >= 0; i = this.containers[i].parent) {
      const k = this.containers[i].kind;
      if (k === 'function' || k === 'lambda' || k === 'module') return i;
    }
    return 0;
  }

  /** The container of this node, if it is one: a binary search, as containers are in node-number order. */
  private containerForNode(node: Node): Container | undefined {
    const id = node.id;
    const cs = this.containers;
    let lo = 0;
    let hi = cs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = cs[mid].node.id;
      if (at === id) return cs[mid];
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /**
   * `callMarks` for every call: the kept statements' calls take the last version's, the others are
   * worked out. The passes after it then look only at the calls marked for them, not at every call.
   */
  private markCalls(): void {
    const calls = this.calls;
    const marks = (this.callMarks = new Uint8Array(calls.length));
    const names = (this.callNames = new Array<string | undefined>(calls.length));
    const carried = this.carriedMarks;
    this.carriedMarks = undefined;
    if (carried) {
      marks.set(carried.from.subarray(0, carried.prefix), 0);
      marks.set(carried.from.subarray(carried.oldSuffix), carried.newSuffix);
      // The kept calls' text is the same: so are their names.
      const was = carried.names;
      for (let k = 0; k < carried.prefix; k++) names[k] = was[k];
      for (let k = carried.oldSuffix, j = carried.newSuffix; k < was.length; k++, j++) names[j] = was[k];
    }
    const t = this.root.tree;
    for (let k = 0; k < calls.length; k++) {
      if (marks[k] !== 0) continue;
      const call = calls[k];
      let m = CALL_KNOWN;
      const q = this.callee(call);
      if (q !== undefined && (TRACE_WRAPPERS.has(q) || EAGER_WRAPPERS.has(q))) m |= CALL_WRAPPER;
      const fn = t.fieldChild(call.id, 'function');
      const type = fn >= 0 ? t.typeOf(fn) : '';
      if (type === 'identifier') {
        m |= CALL_BY_NAME;
        names[k] = t.textOf(fn);
      }
      if (this.loopAround(call)) {
        if (type === 'identifier' || type === 'call') m |= CALL_MAY_COMPILE;
        else if (type === 'attribute') {
          const attr = t.fieldChild(fn, 'attribute');
          if (attr >= 0 && TRAINING_METHOD_SET.has(t.textOf(attr))) m |= CALL_MAY_TRAIN;
        }
      }
      marks[k] = m;
    }
  }

  private markDecorated(decorated: Node[]): void {
    for (const dd of decorated) {
      const def = dd.childForFieldName('definition');
      if (!def || def.type !== 'function_definition') continue;
      const fn = this.containerForNode(def);
      if (!fn) continue;
      for (const dec of dd.namedChildren) {
        if (!dec || dec.type !== 'decorator') continue;
        const expr = dec.namedChildren[0];
        if (!expr) continue;
        this.applyWrapper(expr, fn, true);
      }
    }
  }

  /**
   * `expr` is a decorator expression (or a call's function). Handles `jax.jit`, `jax.jit(...)`-style
   * factories (`tf.function(jit_compile=True)`, `torch.compile(mode=…)`), and `partial(jax.jit, …)`.
   */
  private applyWrapper(expr: Node, fn: Container, asDecorator: boolean): void {
    let target = expr;
    let call: Node | undefined;
    if (expr.type === 'call') {
      call = expr;
      target = expr.childForFieldName('function')!;
      const q = this.qualifiedName(target);
      if (q && PARTIALS.has(q)) {
        const first = positionalArgs(expr)[0];
        if (!first) return;
        target = first;
      } else if (q && NO_GRAD.has(q) && asDecorator) {
        fn.noGrad = true;
        return;
      }
    }
    const q = this.qualifiedName(target);
    if (!q) return;
    if (NO_GRAD.has(q) && asDecorator) { fn.noGrad = true; return; }
    const w = TRACE_WRAPPERS.get(q);
    if (!w) return;
    fn.traced = w.kind;
    fn.tracedDirect = true;
    (fn.tracedBy ??= new Set()).add(q);
    if (call) fn.staticParams = staticParams(call, fn.params ?? []);
    if (call && q === 'jax.vmap') fn.unmappedParams = unmappedParams(keywordArg(call, 'in_axes'), fn.params ?? []);
  }

  /**
   * A function transformed by `jax.vmap` alone gets its unmapped arguments (`in_axes` None) as they
   * were passed: a Python int stays an int, so branching on it is fine. Under any other transformation
   * as well (`jax.jit(jax.vmap(f, …))`) they are traced all the same.
   */
  private markUnmapped(): void {
    for (const fn of this.containers) {
      if (!fn.unmappedParams?.size || !fn.tracedBy || fn.tracedBy.size !== 1 || !fn.tracedBy.has('jax.vmap')) continue;
      const s = (fn.staticParams ??= new Set());
      for (const p of fn.unmappedParams) s.add(p);
    }
  }

  private markWrapped(): void {
    const marks = this.callMarks;
    for (let k = 0; k < marks.length; k++) {
      if (!(marks[k] & CALL_WRAPPER)) continue;
      const call = this.calls[k];
      const q = this.callee(call);
      if (!q) continue;
      const eagerArg = EAGER_WRAPPERS.get(q);
      if (eagerArg !== undefined) {
        const arg = positionalArgs(call)[eagerArg] ?? keywordArg(call, 'func') ?? keywordArg(call, 'callback');
        if (arg) for (const fn of this.functionsFor(arg)) if (!fn.tracedDirect) fn.eager = true;
        continue;
      }
      const w = TRACE_WRAPPERS.get(q);
      if (!w) continue;
      const args = positionalArgs(call);
      for (const i of w.args) {
        const arg = args[i];
        if (!arg) continue;
        for (const fn of this.functionsFor(arg, true)) {
          fn.traced = w.kind;
          fn.tracedDirect = true;
          (fn.tracedBy ??= new Set()).add(q);
          // `partial(f, a, k=v)`: the bound arguments are concrete Python values inside the trace, and
          // static_argnums count from the first unbound parameter.
          const bound = partialBound(arg, this);
          const params = fn.params ?? [];
          if (q === 'jax.jit' || q === 'jax.pmap') fn.staticParams = staticParams(call, params.slice(bound.positional));
          if (q === 'jax.vmap') fn.unmappedParams = unmappedParams(args[1] ?? keywordArg(call, 'in_axes'), params.slice(bound.positional));
          if (bound.positional > 0 || bound.keywords.length > 0) {
            const s = (fn.staticParams ??= new Set());
            for (const name of [...params.slice(0, bound.positional), ...bound.keywords]) s.add(name);
          }
        }
      }
    }
  }

  /**
   * Function containers an argument refers to: a def by name, a lambda, `partial(f, …)`, a model
   * instance; with `throughWrappers`, also the function inside a nested wrapper (`jax.jit(jax.grad(f))`).
   */
  private functionsFor(start: Node, throughWrappers = false): Container[] {
    // A loop, not recursion: `partial(partial(…(f)))` nests without bound.
    for (let arg: Node | undefined = start; arg;) {
      const next = this.functionsForStep(arg, throughWrappers);
      if (Array.isArray(next)) return next;
      arg = next;
    }
    return [];
  }

  /** The containers `arg` refers to, or the inner argument to look at next (`partial(f)` → `f`). */
  private functionsForStep(arg: Node, throughWrappers: boolean): Container[] | Node | undefined {
    if (arg.type === 'lambda') {
      const c = this.containerForNode(arg);
      return c ? [c] : [];
    }
    if (arg.type === 'identifier') {
      const defs = this.visibleDefs(arg.text, arg);
      if (defs.length) return defs;
      // torch.compile(model) where model = SomeModule(...) defined in this file: its forward is traced.
      const a = this.assignmentBefore(arg.text, arg);
      const callee = a?.value.type === 'call' ? a.value.childForFieldName('function') : null;
      if (callee?.type === 'identifier') {
        const cls = this.firstClassNamed(callee.text);
        if (cls) {
          // Its methods: the containers after it that start inside it (containers are in document order).
          const methods: Container[] = [];
          for (let i = cls.index + 1; i < this.containers.length && this.containers[i].start < cls.end; i++) {
            const c = this.containers[i];
            if (c.kind === 'function' && c.parent === cls.index && (c.name === 'forward' || c.name === '__call__')) methods.push(c);
          }
          return methods;
        }
      }
      return [];
    }
    if (arg.type === 'call' && PARTIALS.has(this.callee(arg) ?? '')) {
      return positionalArgs(arg)[0] ?? [];
    }
    if (throughWrappers && arg.type === 'call') {
      const w = TRACE_WRAPPERS.get(this.callee(arg) ?? '');
      const inner = w ? positionalArgs(arg)[w.args[0]] : undefined;
      return inner && w!.args.length === 1 ? inner : [];
    }
    return [];
  }

  private classesByName: Map<string, Container> | undefined;
  private classesIndexed = 0;

  /** The first class of the file with this name, if any (made once the containers are all known). */
  private firstClassNamed(name: string): Container | undefined {
    this.reads?.add(name);
    if (!this.classesByName || this.classesIndexed !== this.containers.length) {
      this.classesIndexed = this.containers.length;
      this.classesByName = new Map();
      for (const c of this.containers) {
        if (c.kind !== 'class') continue;
        const n = c.node.childForFieldName('name')?.text;
        if (n !== undefined && !this.classesByName.has(n)) this.classesByName.set(n, c);
      }
    }
    return this.classesByName.get(name);
  }

  private markScopes(): void {
    for (const c of this.containers) {
      if (c.kind === 'with') {
        for (const item of withItems(c.node)) {
          if (item.type !== 'call') continue;
          const q = this.callee(item) ?? '';
          if (NO_GRAD.has(q)) c.noGrad = true;
          // set_grad_enabled(False) or a runtime flag (`set_grad_enabled(is_train)`): gradients may be off.
          else if (SET_GRAD_ENABLED.has(q) && positionalArgs(item)[0]?.type !== 'true' && keywordArg(item, 'mode')?.type !== 'true') c.noGrad = true;
        }
      }
    }
    const marks = this.callMarks;
    for (let k = 0; k < marks.length; k++) {
      // Both facts are of the innermost loop around the call within its function: a call outside
      // loops (most) needs neither asked.
      // (Only a call of a bare name or of a call can run compiled code, only one of the training
      // methods can train: `compiledCallKind`, `trainingCallFramework`.)
      if (!(marks[k] & (CALL_MAY_COMPILE | CALL_MAY_TRAIN))) continue;
      const call = this.calls[k];
      const loop = this.loopAround(call);
      if (!loop) continue;
      const compiled = this.compiledCallKind(call);
      if (compiled) (loop.callsCompiled ??= new Set()).add(compiled);
      const fw = trainingCallFramework(call, this);
      if (!fw) continue;
      // The innermost loop (within the same function) around the call is a training loop.
      loop.training = true;
      (loop.trainingFramework ??= new Set()).add(fw);
    }
  }

  /** Functions nested in traced functions, or called by name from them, run at trace time too. */
  private propagateTraced(): void {
    const inheritFromOuter = () => {
      for (const c of this.containers) {
        if ((c.kind === 'function' || c.kind === 'lambda') && !c.traced && !c.eager) {
          // The scope around the def: from the container that holds it (its `parent`, as
          // `containerIndex` of its node gives, without a look-up by node number).
          const outer = this.tracedScopeFrom(c.parent);
          if (outer) c.traced = outer.traced;
        }
      }
    };
    inheritFromOuter();
    // The calls that can spread a trace: of a bare name that some def in the file has (found once,
    // not in every round).
    const byName: Array<{ call: Node; name: string }> = [];
    const marks = this.callMarks;
    const names = this.callNames;
    for (let k = 0; k < marks.length; k++) {
      if (!(marks[k] & CALL_BY_NAME)) continue;
      const name = names[k]!;
      if (this.functionsByName.has(name)) byName.push({ call: this.calls[k], name });
    }
    let changed = true;
    for (let round = 0; changed && round < 10; round++) {
      changed = false;
      for (const { call, name } of byName) {
        const scope = this.tracedScope(call);
        if (!scope) continue;
        // Only the def the name means at the call: a test file's many `def f` in other tests are not called here.
        for (const d of this.visibleDefs(name, call, true)) {
          if (!d.traced && !d.eager) { d.traced = scope.traced; changed = true; }
        }
      }
      if (changed) inheritFromOuter();
    }
  }
}

/** A map by name whose reads are noted in `Facts.reads` while that is set. */
class NameMap<V> extends Map<string, V> {
  constructor(private readonly facts: { reads: Set<string> | undefined }, private readonly key: (name: string) => string) { super(); }
  override get(name: string): V | undefined {
    this.facts.reads?.add(this.key(name));
    return super.get(name);
  }
  override has(name: string): boolean {
    this.facts.reads?.add(this.key(name));
    return super.has(name);
  }
  /** `get` without a note: for the facts' own methods, which note what their question needs. */
  peek(name: string): V | undefined {
    return super.get(name);
  }
  // Reading every name: the statement depends on all of them (`ALL_NAMES`).
  override forEach(fn: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    this.facts.reads?.add(ALL_NAMES);
    super.forEach(fn, thisArg);
  }
  override entries(): MapIterator<[string, V]> {
    this.facts.reads?.add(ALL_NAMES);
    return super.entries();
  }
  override keys(): MapIterator<string> {
    this.facts.reads?.add(ALL_NAMES);
    return super.keys();
  }
  override values(): MapIterator<V> {
    this.facts.reads?.add(ALL_NAMES);
    return super.values();
  }
  override [Symbol.iterator](): MapIterator<[string, V]> {
    this.facts.reads?.add(ALL_NAMES);
    return super[Symbol.iterator]();
  }
}

function isWordChar(c: number): boolean {
  return c === 95 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** How `Facts.reads` notes that an answer depends on where `word` is written (`Facts.noteWord`). */
export function wordKey(word: string): string {
  return `w:${word}`;
}

/** In `Facts.reads`: the rule read the facts of every name (it iterated a map by name). */
export const ALL_NAMES = '*';
/** How `Facts.reads` notes a question about the defs of `name` only. */
export function defsKey(name: string): string {
  return `d:${name}`;
}
/** How `Facts.reads` notes a question about the names bound to a call of `callee` (`assignedFrom`). */
export function assignedKey(name: string, callee: string): string {
  return `${callee}=${name}`;
}
/** How `Facts.reads` notes a question about the module-level writes of `name` only. */
export function moduleKey(name: string): string {
  return `m:${name}`;
}
/** In `Facts.reads`: a finding's message gives the line of a node, which an edit above it moves. */
export const LINES = '#lines';

/** An assignment whose callee is resolved when first asked (imports may come later in the file). */
class Binding implements Assignment {
  constructor(private readonly facts: Facts, readonly name: string, readonly offset: number, readonly value: Node,
    readonly scope: number, readonly via?: Assignment['via']) {}

  get callee(): string | undefined {
    if (this.via === 'for' || this.value.type !== 'call') return undefined;
    return this.facts.qualifiedName(this.value.childForFieldName('function'));
  }
}

/** The containers a def belongs to (its owner for `visibleDefs`): a def inside a loop or a `with` belongs to the function around it. */
const OWNER_KINDS = new Set<Container['kind']>(['function', 'lambda', 'class']);

const PATTERNS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list']);

/** Longest qualified name resolved (characters); real API names are far shorter. */
const MAX_QUALIFIED_LENGTH = 512;

/** Codes of `Facts.qualifiedCodes` / `calleeCodes` (a zeroed typed array reads "not asked"). */
const UNASKED = 0;
const NO_NAME = 1;
const FIRST_NAME = 2;

/** Identifiers bound by an assignment / `for` target (`a`, `a, b`, `(a, [b, *c])`); not attributes or subscripts. */
export function patternNames(target: Node): Node[] {
  // Iterative (targets nest without bound: `((((a))))`), depth-first in source order.
  const out: Node[] = [];
  const stack: Node[] = [target];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier') out.push(n);
    else if (n.type === 'list_splat_pattern' || n.type === 'parenthesized_expression' || PATTERNS.has(n.type)) {
      const kids = n.namedChildren;
      for (let i = kids.length - 1; i >= 0; i--) if (kids[i]) stack.push(kids[i]!);
    }
  }
  return out;
}

/** Arguments bound by `functools.partial(f, …)` (directly, or inside one wrapper such as `jax.vmap(partial(f, …))`). */
function partialBound(arg: Node, facts: Facts): { positional: number; keywords: string[] } {
  let node: Node | undefined = arg;
  const q = node.type === 'call' ? facts.callee(node) ?? '' : '';
  const wrapper = node.type === 'call' ? TRACE_WRAPPERS.get(q) : undefined;
  if (wrapper) node = positionalArgs(node)[wrapper.args[0]];
  if (node?.type !== 'call' || !PARTIALS.has(facts.callee(node) ?? '')) return { positional: 0, keywords: [] };
  const keywords = (node.childForFieldName('arguments')?.namedChildren ?? [])
    .filter((a) => a?.type === 'keyword_argument').map((a) => a!.childForFieldName('name')?.text ?? '');
  return { positional: Math.max(0, positionalArgs(node).length - 1), keywords };
}

function containerKind(type: string): Container['kind'] | undefined {
  switch (type) {
    case 'function_definition': return 'function';
    case 'class_definition': return 'class';
    case 'for_statement':
    case 'while_statement': return 'loop';
    case 'with_statement': return 'with';
    case 'lambda': return 'lambda';
    default: return undefined;
  }
}

export function paramNames(params: Node | null): string[] {
  if (!params) return [];
  // From the columns (asked of every def and lambda on every analysis): no node objects or arrays.
  const t = params.tree;
  const names: string[] = [];
  for (let p = params.id + 1, end = t.afterOf(params.id); p < end; p = t.afterOf(p)) {
    if (!t.isNamed(p)) continue;
    if (t.typeOf(p) === 'identifier') { names.push(t.textOf(p)); continue; }
    let n = t.fieldChild(p, 'name');
    if (n < 0) for (let c = p + 1, e = t.afterOf(p); c < e && n < 0; c = t.afterOf(c)) if (t.isNamed(c) && t.typeOf(c) === 'identifier') n = c;
    if (n >= 0 && t.typeOf(n) === 'identifier') names.push(t.textOf(n));
  }
  return names;
}

export function positionalArgs(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list') return [];
  return args.namedChildren.filter((a): a is Node => !!a && a.type !== 'keyword_argument' && a.type !== 'comment' &&
    a.type !== 'list_splat' && a.type !== 'dictionary_splat');
}

export function keywordArg(call: Node, name: string): Node | undefined {
  const args = call.childForFieldName('arguments');
  if (!args) return undefined;
  for (const a of args.namedChildren) {
    if (a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return a.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

function literalInts(node: Node | undefined): number[] {
  if (!node) return [];
  if (node.type === 'integer') return [Number(node.text)];
  if (node.type === 'tuple' || node.type === 'list') return node.namedChildren.filter((n) => n?.type === 'integer').map((n) => Number(n!.text));
  return [];
}

function literalStrings(node: Node | undefined): string[] {
  if (!node) return [];
  const strs = node.type === 'string' ? [node] : (node.type === 'tuple' || node.type === 'list') ? node.namedChildren.filter((n) => n?.type === 'string') : [];
  return strs.map((s) => s!.text.replace(/^[rRbBuU]*['"]+|['"]+$/g, ''));
}

/** The parameters an `in_axes` tuple or list literal leaves unmapped (its `None` entries), by position. */
function unmappedParams(inAxes: Node | undefined, params: string[]): Set<string> {
  const out = new Set<string>();
  if (!inAxes || (inAxes.type !== 'tuple' && inAxes.type !== 'list')) return out;
  const entries = inAxes.namedChildren.filter((n) => n.type !== 'comment');
  if (entries.some((e) => e.type === 'list_splat' || e.type === 'dictionary_splat')) return out;
  entries.forEach((e, i) => { if (e.type === 'none' && params[i]) out.add(params[i]); });
  return out;
}

function staticParams(call: Node, params: string[]): Set<string> {
  const out = new Set<string>();
  for (const i of literalInts(keywordArg(call, 'static_argnums'))) if (params[i]) out.add(params[i]);
  for (const n of literalStrings(keywordArg(call, 'static_argnames'))) out.add(n);
  return out;
}

function withItems(withNode: Node): Node[] {
  const out: Node[] = [];
  const clause = withNode.namedChildren.find((n) => n?.type === 'with_clause');
  for (const item of clause?.namedChildren ?? []) {
    if (item?.type !== 'with_item') continue;
    let v = item.childForFieldName('value');
    if (v?.type === 'as_pattern') v = v.namedChildren[0] ?? null;
    if (v) out.push(v);
  }
  return out;
}

const OPTIMIZER_NAME = /(^|_)(opt|optim|optimizer|optimiser|tx)(_|$|\d)|optimizer|optimiser/i;

/**
 * The framework of a training call: `.backward()` / an optimizer's `.step()` (torch),
 * `.apply_gradients(...)` (tensorflow), optax `update` / `apply_updates` (jax); undefined otherwise.
 */
export function trainingCallFramework(call: Node, facts: Facts): TraceKind | undefined {
  // From the columns up to the method name: facts and two rules ask this of every call, and most
  // calls are not training calls.
  const t = call.tree;
  const fn = t.fieldChild(call.id, 'function');
  if (fn < 0 || t.typeOf(fn) !== 'attribute') return undefined;
  const attr = t.fieldChild(fn, 'attribute');
  const method = attr < 0 ? undefined : t.textOf(attr);
  if (method === 'backward') return 'torch';
  if (method === 'apply_gradients') return 'tensorflow';
  // A qualified name ends with the attribute it was made from, so only `….apply_updates` can be optax's.
  if (method === 'apply_updates' && facts.qualifiedName(t.node(fn)) === 'optax.apply_updates') return 'jax';
  const recvId = t.fieldChild(fn, 'object');
  if (recvId < 0 || (method !== 'step' && method !== 'update')) return undefined;
  const recv = t.node(recvId);
  const recvQ = recv.type === 'identifier' ? facts.assignmentBefore(recv.text, call)?.callee : undefined;
  const recvName = recv.type === 'identifier' ? recv.text : recv.type === 'attribute' ? recv.childForFieldName('attribute')?.text ?? '' : '';
  if (method === 'step' && positionalArgs(call).length === 0) {
    if (recvQ?.startsWith('torch.optim.lr_scheduler')) return undefined;
    if (recvQ?.startsWith('torch.optim.')) return 'torch';
    return OPTIMIZER_NAME.test(recvName) && !/sched/i.test(recvName) ? 'torch' : undefined;
  }
  if (method === 'update') {
    if (recvQ?.startsWith('optax.')) return 'jax';
    return OPTIMIZER_NAME.test(recvName) && positionalArgs(call).length >= 2 ? 'jax' : undefined;
  }
  return undefined;
}
