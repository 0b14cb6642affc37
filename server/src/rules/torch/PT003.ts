import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Container, Facts } from '../../resolve/facts';
import { callsKey, trainingCallFramework, TRAINING_METHODS } from '../../resolve/facts';
import type { Fix, Rule, RuleContext } from '../types';
import { argumentNodes, importsModule, methodCall, quietly, remembered } from '../util';
import { TORCH } from '../packages';

/** Code in the loop that needs gradients: backward, autograd.grad, requires_grad, reading .grad. */
const NEEDS_GRAD = /\.backward\s*\(|autograd\.grad\s*\(|requires_grad|\.grad\b/;
const SET_GRAD_OFF = new Set(['torch.set_grad_enabled', 'torch.autograd.set_grad_enabled']);
const NO_SWITCHES: { evals: EvalCall[]; trains: EvalCall[] } = { evals: [], trains: [] };

interface EvalCall { node: Node; receiver: string; scope: number }

function scopeOf(facts: Facts, node: Node): Container {
  // Up the parent indices (no array of ancestors: asked of every call).
  for (let i = facts.containerIndex(node); i >= 0; i = facts.containers[i].parent) {
    const c = facts.containers[i];
    if (c.kind === 'function' || c.kind === 'module') return c;
  }
  return facts.containers[0];
}

/** The outermost loop of `call`'s own scope that starts after `after` and contains the call. */
function evalLoop(facts: Facts, call: Node, after: number): Container | undefined {
  let found: Container | undefined;
  for (const c of facts.ancestors(call)) {
    if (c.kind === 'function' || c.kind === 'lambda' || c.kind === 'class') break;
    if (c.kind === 'loop' && c.start > after) found = c;
  }
  return found;
}

/**
 * Wrap the loop in `with torch.inference_mode():` when that is trivially safe: the file never trains
 * (no backward / optimizer step / model.train()), so no inference tensor can reach autograd later.
 */
function wrapFix(ctx: RuleContext, loop: Container, fileTrains: () => boolean): Fix | undefined {
  const { source } = ctx;
  if (fileTrains()) return undefined;
  const text = loop.node.text;
  if (/\byield\b|\bawait\b|"""|'''/.test(text)) return undefined;
  const lineStart = source.lastIndexOf('\n', loop.start - 1) + 1;
  const indent = source.slice(lineStart, loop.start);
  if (!/^[ \t]*$/.test(indent)) return undefined;
  const body = loop.node.childForFieldName('body');
  const first = body?.namedChildren[0];
  if (!first || first.startPosition.row === loop.node.startPosition.row) return undefined;
  const firstLine = source.slice(source.lastIndexOf('\n', first.startIndex - 1) + 1, first.startIndex);
  if (!firstLine.startsWith(indent) || firstLine.length === indent.length) return undefined;
  const unit = firstLine.slice(indent.length);
  const name = ctx.nameFor('torch.inference_mode', { module: 'torch' });
  const lines = source.slice(lineStart, loop.end).split('\n').map((l) => (l.trim() === '' ? l : unit + l));
  const start = { line: loop.node.startPosition.row, character: 0 };
  return {
    title: 'Wrap the loop in torch.inference_mode()',
    edits: [{ range: { start, end: ctx.range(loop.node).end }, newText: `${indent}with ${name.text}():\n${lines.join('\n')}` }, ...name.edits],
  };
}

/** `x.eval()` / `x.train(…)` on a name or attribute: what the walk collects instead of a model call. */
function isModeSwitch(call: Node): boolean {
  const m = methodCall(call);
  return !!m && (m.method === 'eval' || m.method === 'train') && (m.receiver.type === 'identifier' || m.receiver.type === 'attribute');
}

export const PT003: Rule = {
  meta: {
    code: 'PT003',
    name: 'eval-without-no-grad',
    framework: 'torch',
    category: 'correctness',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'A loop calls a model after model.eval() without torch.no_grad()/torch.inference_mode(): autograd still records every forward pass.',
  },
  // Every call is looked at (a model call is `model(x)` or `self.net(x)`, any name), in the statements
  // the analysis visits; the `.eval()` / `.train()` calls before it, wherever they are, are found by
  // name through the facts (`callsNamed`), so that the incremental analysis knows what a statement's
  // findings depend on.
  local: true,
  requires: TORCH,
  create(ctx) {
    const { facts } = ctx;
    // File-wide answers made once per analysis from calls found by name (`remembered`).
    const remember = remembered<string, unknown>(facts);
    // The receivers of every `.eval()` / `.train()` call (`model`, `self.net`), found once and quietly
    // (the incremental analysis need not know this lookup: each call notes its receiver's calls): a
    // call of anything else (most calls, and every call of a file with no switch) has none to look up.
    let switched: Set<string> | undefined;
    const receivers = () => (switched ??= quietly(facts, () => {
      const out = new Set<string>();
      for (const c of [...facts.callsNamed('eval'), ...facts.callsNamed('train')]) {
        const m = methodCall(c);
        if (m) out.add(m.receiver.text);
      }
      return out;
    }));
    // Made once per receiver (a model is called many times).
    const modeSwitchesOf = (receiver: string) => {
      // No `.eval()` or `.train()` on this receiver: nothing to look up. What the answer depends on is
      // still this receiver's calls (noted by `methodCallsOn` otherwise).
      if (!receivers().has(receiver)) {
        facts.reads?.add(callsKey(`${receiver}.eval`)).add(callsKey(`${receiver}.train`));
        return NO_SWITCHES;
      }
      return remember(`switches ${receiver}`, () => switchesOn(receiver)) as { evals: EvalCall[]; trains: EvalCall[] };
    };
    const switchesOn = (receiver: string) => {
      const evals: EvalCall[] = [];
      const trains: EvalCall[] = [];
      const ev = facts.methodCallsOn(receiver, 'eval');
      const tr = facts.methodCallsOn(receiver, 'train');
      if (ev.length === 0 && tr.length === 0) return NO_SWITCHES;
      const calls = [...ev, ...tr].sort((a, b) => a.startIndex - b.startIndex);
      for (const node of calls) {
        if (!isModeSwitch(node)) continue;
        const m = methodCall(node)!;
        const args = argumentNodes(node);
        const trainOff = m.method === 'train' && args.length === 1 && args[0].type === 'false';
        if (m.method === 'eval' && args.length === 0 || trainOff) evals.push({ node, receiver, scope: scopeOf(facts, node).index });
        else if (m.method === 'train') trains.push({ node, receiver, scope: scopeOf(facts, node).index });
      }
      return { evals, trains };
    };
    // A statement `torch.set_grad_enabled(…)` anywhere turns gradients off for the program: no report.
    // Called as `….set_grad_enabled(…)` or by a name an import binds to it (`from torch import
    // set_grad_enabled as sge`); the import table is the same for every statement.
    const gradOffGlobally = () => remember('grad off', () => {
      const names = new Set(['set_grad_enabled']);
      for (const b of facts.imports.bindings.values()) if (SET_GRAD_OFF.has(b.qualified)) names.add(b.local);
      return [...names].some((n) => facts.callsNamed(n).some((c) => SET_GRAD_OFF.has(facts.callee(c) ?? '') && c.parent?.type === 'expression_statement'));
    }) as boolean;
    // The file trains: a backward / optimizer step / optax update, or a `.train()` call.
    const fileTrains = () => remember('trains', () => TRAINING_METHODS.some((m) => facts.callsNamed(m).some((c) => !!trainingCallFramework(c, facts))) ||
      facts.callsNamed('train').some((c) => methodCall(c)?.method === 'train')) as boolean;
    // A function that is itself called under no_grad / inference_mode somewhere.
    const calledUnderNoGrad = (name: string) => facts.callsNamed(name).some((c) => facts.inNoGrad(c));
    // Every report needs a torch import: without one, nothing is worth looking at.
    let torchFile: boolean | undefined;
    const reported = new Set<number>();
    return {
      call(call) {
        torchFile ??= importsModule(facts, 'torch');
        if (!torchFile) return;
        // From the columns: every call is looked at, few are calls of a receiver.
        const t = call.tree;
        const fn = t.fieldChild(call.id, 'function');
        if (fn < 0) return;
        const type = t.typeOf(fn);
        if (type !== 'identifier' && type !== 'attribute') return;
        // Only a call whose callee is spelled as some eval()'s receiver can follow it (and not the
        // `.eval()` / `.train()` calls themselves). With no statement's reads to note (a whole-file
        // analysis), any other call ends here, before its scope is looked up; otherwise
        // `modeSwitchesOf` notes what the answer depends on.
        const noting = facts.reads !== undefined;
        if (!noting && receivers().size === 0) return;
        const callee = t.textOf(fn);
        if (!noting && !receivers().has(callee)) return;
        // Only the switches in the call's own scope count: inside a function, those are in the same
        // function, and so in the statement being looked at (nothing to note for the incremental
        // analysis); at module level, any statement's.
        const scope = scopeOf(facts, call);
        const { evals: candidates, trains } = scope.kind === 'function' ? quietly(facts, () => modeSwitchesOf(callee)) : modeSwitchesOf(callee);
        if (candidates.length === 0 || isModeSwitch(call) || gradOffGlobally()) return;
        const ev = candidates.filter((e) => e.scope === scope.index && e.node.startIndex < call.startIndex).pop();
        if (!ev) return;
        // model.train() in between switches back to training.
        if (trains.some((t) => t.receiver === callee && t.scope === scope.index && t.node.startIndex > ev.node.startIndex && t.node.startIndex < call.startIndex)) return;
        const loop = evalLoop(facts, call, ev.node.endIndex);
        if (!loop || reported.has(loop.index) || facts.inNoGrad(call) || facts.trainingLoop(call)) return;
        if (NEEDS_GRAD.test(loop.node.text)) return;
        // A function that is itself called under no_grad / inference_mode.
        if (scope.kind === 'function' && scope.name && calledUnderNoGrad(scope.name)) return;
        reported.add(loop.index);
        const fix = wrapFix(ctx, loop, fileTrains);
        ctx.report(call, `\`${callee}\` is called in a loop after \`${callee}.eval()\` without torch.no_grad() or torch.inference_mode(): eval() only switches layers such as dropout and batch norm to inference behaviour, it does not stop autograd, so every forward pass still records the graph and keeps activations alive. Wrap the loop in \`with torch.inference_mode():\` (or torch.no_grad() if the outputs feed back into training).`, fix);
      },
    };
  },
};
