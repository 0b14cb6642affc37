import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Container } from '../../resolve/facts';
import { positionalArgs, trainingCallFramework } from '../../resolve/facts';
import type { Rule } from '../types';
import { importsModule, methodCall } from '../util';
import { TORCH } from '../packages';

const SCALER = /scaler/i;
/** Other ways to reset gradients: `p.grad = None`, `p.grad.zero_()`, `p.grad.data.zero_()`. */
const MANUAL_RESET = /\.grad\s*=\s*None|\.grad(\.data)?\.zero_\s*\(/;

interface Step { call: Node; optimizer: string }

/** `optimizer.step()` (an optimizer per facts) or `scaler.step(optimizer)`: the stepped optimizer's expression. */
function stepOf(call: Node, facts: Parameters<typeof trainingCallFramework>[1]): Step | undefined {
  const m = methodCall(call);
  if (!m || m.method !== 'step') return undefined;
  if (trainingCallFramework(call, facts) === 'torch') return { call, optimizer: m.receiver.text };
  const args = positionalArgs(call);
  const recvQ = m.receiver.type === 'identifier' ? facts.assignmentBefore(m.receiver.text, call)?.callee ?? '' : '';
  if (args.length === 1 && (SCALER.test(m.receiver.text) || /GradScaler$/.test(recvQ))) return { call, optimizer: args[0].text };
  return undefined;
}

/** The statement directly in the loop's body that contains `node`. */
function bodyStatement(node: Node, loop: Node): Node | undefined {
  const body = loop.childForFieldName('body');
  for (let n: Node | null = node; n; n = n.parent) if (n.parent?.id === body?.id) return n;
  return undefined;
}

function insideIf(node: Node, loop: Node): boolean {
  for (let p = node.parent; p && p.id !== loop.id; p = p.parent) if (p.type === 'if_statement' || p.type === 'conditional_expression') return true;
  return false;
}

export const PT001: Rule = {
  meta: {
    code: 'PT001',
    name: 'step-without-zero-grad',
    framework: 'torch',
    category: 'correctness',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'A PyTorch training loop calls backward() and optimizer.step() but never resets gradients with zero_grad().',
  },
  // The call visitor collects `.step()` calls only (stepOf).
  calls: { methods: ['step'] },
  local: true,
  requires: TORCH,
  create(ctx) {
    const { facts, source } = ctx;
    const steps = new Map<number, Step[]>();
    return {
      call(node) {
        const step = stepOf(node, facts);
        if (!step) return;
        let loop: Container | undefined;
        for (const c of facts.ancestors(node)) {
          if (c.kind === 'function' || c.kind === 'lambda' || c.kind === 'class') break;
          if (c.kind === 'loop') { loop = c; break; }
        }
        if (!loop) return;
        const list = steps.get(loop.index) ?? [];
        list.push(step);
        steps.set(loop.index, list);
      },
      exit() {
        if (steps.size === 0 || !importsModule(facts, 'torch')) return;
        for (const [index, list] of steps) {
          const loop = facts.containers[index];
          const calls = facts.callsIn(loop.start, loop.end);
          const backward = calls.find((c) => methodCall(c)?.method === 'backward');
          if (!backward) continue;
          const optimizers = [...new Set(list.map((s) => s.optimizer))];
          const text = source.slice(loop.start, loop.end);
          if (MANUAL_RESET.test(text)) continue;
          // Any zero_grad on a model or helper, or on every stepped optimizer, resets the gradients.
          const zeroed = calls.filter((c) => methodCall(c)?.method === 'zero_grad').map((c) => methodCall(c)!.receiver.text);
          if (zeroed.some((r) => !optimizers.includes(r))) continue;
          const missing = optimizers.filter((o) => !zeroed.includes(o));
          if (missing.length === 0) continue;
          // A helper defined in this file and called in the loop may reset them.
          const helperResets = calls.some((c) => {
            const f = c.childForFieldName('function');
            const defs = f?.type === 'identifier' ? facts.functionsByName.get(f.text) : undefined;
            return defs?.some((d) => /zero_grad|\.grad\s*=\s*None/.test(d.node.text));
          });
          if (helperResets) continue;
          const first = list.find((s) => missing.includes(s.optimizer))!;
          const name = missing[0];
          let fix;
          if (missing.length === 1 && optimizers.length === 1 && !list.some((s) => insideIf(s.call, loop.node))) {
            const stmt = bodyStatement(backward, loop.node);
            const lineStart = stmt ? source.lastIndexOf('\n', stmt.startIndex - 1) + 1 : -1;
            const indent = stmt ? source.slice(lineStart, stmt.startIndex) : '';
            if (stmt && /^[ \t]*$/.test(indent)) {
              const at = { line: stmt.startPosition.row, character: 0 };
              fix = { title: `Insert ${name}.zero_grad() before backward()`, edits: [{ range: { start: at, end: at }, newText: `${indent}${name}.zero_grad()\n` }] };
            }
          }
          const which = missing.map((o) => `\`${o}.step()\``).join(' and ');
          ctx.report(first.call, `This training loop calls backward() and ${which} but never resets the gradients: backward() adds to .grad, so each step uses the sum of all previous gradients. Call ${missing.map((o) => `${o}.zero_grad()`).join(' / ')} in every iteration (before backward(), or right after step(); with gradient accumulation, after every k-th step).`, fix);
        }
      },
    };
  },
};
