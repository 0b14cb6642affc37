import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Container, Facts } from '../../resolve/facts';
import { trainingCallFramework } from '../../resolve/facts';
import type { Fix, Rule, RuleContext } from '../types';
import { argumentNodes, calledName, importsModule, methodCall } from '../util';

/** Code in the loop that needs gradients: backward, autograd.grad, requires_grad, reading .grad. */
const NEEDS_GRAD = /\.backward\s*\(|autograd\.grad\s*\(|requires_grad|\.grad\b/;
const SET_GRAD_OFF = new Set(['torch.set_grad_enabled', 'torch.autograd.set_grad_enabled']);

interface EvalCall { node: Node; receiver: string; scope: number }

function scopeOf(facts: Facts, node: Node): Container {
  for (const c of facts.ancestors(node)) if (c.kind === 'function' || c.kind === 'module') return c;
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
  // The walk collects `.eval()` / `.train()` calls and a module-level `set_grad_enabled(False)`; the
  // calls of models are taken from the facts' list of calls at the end.
  calls: { methods: ['eval', 'train'], callees: SET_GRAD_OFF },
  create(ctx) {
    const { facts } = ctx;
    const evals: EvalCall[] = [];
    const trains: EvalCall[] = [];
    let gradOffGlobally = false;
    let trains_: boolean | undefined;
    const fileTrains = () => (trains_ ??= facts.calls.some((c) => !!trainingCallFramework(c, facts) || methodCall(c)?.method === 'train'));
    // Simple callee name → calls made under no_grad / inference_mode.
    let noGradCallees: Set<string> | undefined;
    const calledUnderNoGrad = (name: string) => {
      if (!noGradCallees) {
        noGradCallees = new Set();
        for (const c of facts.calls) {
          const n = calledName(c);
          if (n && facts.inNoGrad(c)) noGradCallees.add(n);
        }
      }
      return noGradCallees.has(name);
    };
    // Every report needs a torch import (see exit): without one, nothing is worth collecting.
    let torchFile: boolean | undefined;
    return {
      call(node) {
        torchFile ??= importsModule(facts, 'torch');
        if (!torchFile) return;
        if (isModeSwitch(node)) {
          const m = methodCall(node)!;
          const args = argumentNodes(node);
          const trainOff = m.method === 'train' && args.length === 1 && args[0].type === 'false';
          if (m.method === 'eval' && args.length === 0 || trainOff) evals.push({ node, receiver: m.receiver.text, scope: scopeOf(facts, node).index });
          else if (m.method === 'train') trains.push({ node, receiver: m.receiver.text, scope: scopeOf(facts, node).index });
          return;
        }
        if (SET_GRAD_OFF.has(facts.callee(node) ?? '') && node.parent?.type === 'expression_statement') gradOffGlobally = true;
      },
      exit() {
        if (evals.length === 0 || gradOffGlobally || !importsModule(facts, 'torch')) return;
        const reported = new Set<number>();
        // Only a call whose callee is spelled as some eval()'s receiver can follow it: compare lengths
        // before reading the callee's text.
        const receivers = new Map<string, EvalCall[]>();
        for (const e of evals) {
          const list = receivers.get(e.receiver);
          if (list) list.push(e);
          else receivers.set(e.receiver, [e]);
        }
        const lengths = new Set([...receivers.keys()].map((r) => r.length));
        // Calls of a name or an attribute (`model(x)`, `self.net(x)`), other than the `.eval()` /
        // `.train()` calls themselves.
        for (const call of facts.calls) {
          // From the columns: every call of the file is looked at, few are calls of a receiver.
          const t = call.tree;
          const fn = t.fieldChild(call.id, 'function');
          if (fn < 0) continue;
          const type = t.typeOf(fn);
          if (type !== 'identifier' && type !== 'attribute') continue;
          if (!lengths.has(t.endOf(fn) - t.startOf(fn)) || isModeSwitch(call)) continue;
          const callee = t.textOf(fn);
          const candidates = receivers.get(callee);
          if (!candidates) continue;
          const scope = scopeOf(facts, call);
          const ev = candidates.filter((e) => e.scope === scope.index && e.node.startIndex < call.startIndex).pop();
          if (!ev) continue;
          // model.train() in between switches back to training.
          if (trains.some((t) => t.receiver === callee && t.scope === scope.index && t.node.startIndex > ev.node.startIndex && t.node.startIndex < call.startIndex)) continue;
          const loop = evalLoop(facts, call, ev.node.endIndex);
          if (!loop || reported.has(loop.index) || facts.inNoGrad(call) || facts.trainingLoop(call)) continue;
          if (NEEDS_GRAD.test(loop.node.text)) continue;
          // A function that is itself called under no_grad / inference_mode.
          if (scope.kind === 'function' && scope.name && calledUnderNoGrad(scope.name)) continue;
          reported.add(loop.index);
          const fix = wrapFix(ctx, loop, fileTrains);
          ctx.report(call, `\`${callee}\` is called in a loop after \`${callee}.eval()\` without torch.no_grad() or torch.inference_mode(): eval() only switches layers such as dropout and batch norm to inference behaviour, it does not stop autograd, so every forward pass still records the graph and keeps activations alive. Wrap the loop in \`with torch.inference_mode():\` (or torch.no_grad() if the outputs feed back into training).`, fix);
        }
      },
    };
  },
};
