import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule } from '../types';
import type { Facts } from '../../resolve/facts';
import { argumentNodes, importsModule, isBuiltinCall, methodCall } from '../util';
import { TORCH } from '../packages';

const SYNC_METHODS = new Set(['item', 'cpu', 'numpy', 'tolist']);
const HOST_VALUE_METHODS = new Set(['item', 'tolist', 'numpy', 'cpu']);

/** Is this receiver plausibly a NumPy / Python value rather than a torch tensor? */
function knownNonTorch(recv: Node, facts: Facts): boolean {
  if (recv.type !== 'identifier') return false;
  const callee = facts.assignmentBefore(recv.text, recv)?.callee;
  return !!callee && (callee.startsWith('numpy.') || callee.startsWith('jax.') || callee.startsWith('tensorflow.'));
}

/** A name that holds a tensor: bound from a torch.* call, a loss/criterion/model call, or named like a loss. */
function isTensorName(node: Node, facts: Facts): boolean {
  if (node.type !== 'identifier') return false;
  const a = facts.assignmentBefore(node.text, node);
  if (a) {
    if (a.value.type === 'call') {
      const m = methodCall(a.value);
      if (m && HOST_VALUE_METHODS.has(m.method)) return false;
      const f = a.value.childForFieldName('function');
      if (f?.type === 'identifier' && ['float', 'int', 'str', 'len', 'round', 'bool'].includes(f.text)) return false;
      const callee = a.callee;
      if (callee?.startsWith('torch.')) return true;
      if (f?.type === 'identifier' && /(loss|criterion|model|net)$/i.test(f.text)) return true;
      if (m && /^(model|net|criterion|loss_fn)$/i.test(m.receiver.text)) return false;
    }
    if (a.value.type === 'binary_operator' || a.value.type === 'call') return /loss/i.test(node.text);
    return false;
  }
  return false;
}

/** Inside `if step % N == 0:` within the loop: periodic logging, the documented remedy. */
function periodic(node: Node, loop: Node): boolean {
  for (let p = node.parent; p && p.id !== loop.id; p = p.parent) {
    if ((p.type === 'if_statement' || p.type === 'elif_clause') && /%/.test(p.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

export const PT101: Rule = {
  meta: {
    code: 'PT101',
    name: 'host-sync-in-loop',
    framework: 'torch',
    category: 'performance',
    defaultSeverity: 'warning',
    fixable: false,
    summary: '.item() / .cpu() / .numpy() / .tolist() / print(tensor) in a PyTorch training loop forces a device→host sync every step.',
  },
  calls: { methods: SYNC_METHODS, names: ['print'] },
  local: true,
  requires: TORCH,
  create(ctx) {
    const { facts } = ctx;
    let torchFile: boolean | undefined;
    const isTorchLoop = (node: Node) => {
      const loop = facts.trainingLoop(node);
      if (!loop || !loop.trainingFramework?.has('torch') || periodic(node, loop.node)) return false;
      torchFile ??= importsModule(facts, 'torch');
      return torchFile;
    };
    return {
      call(node) {
        const m = methodCall(node);
        if (m && SYNC_METHODS.has(m.method) && argumentNodes(node).length === 0) {
          if (!isTorchLoop(node) || knownNonTorch(m.receiver, facts)) return;
          // `x.cpu().numpy()`: one sync, reported on the inner call.
          const inner = m.receiver.type === 'call' ? methodCall(m.receiver) : undefined;
          if (inner && SYNC_METHODS.has(inner.method) && argumentNodes(m.receiver).length === 0) return;
          ctx.report(node.childForFieldName('function')!.childForFieldName('attribute')!, `\`.${m.method}()\` inside the training loop copies the tensor to the host and waits for the GPU every iteration. Accumulate on the device (e.g. \`running_loss += loss.detach()\`) and sync once per epoch or every N steps.`);
          return;
        }
        if (isBuiltinCall(node, 'print', facts) && isTorchLoop(node)) {
          const tensorArg = argumentNodes(node).flatMap((a) => (a.type === 'string' ? a.descendantsOfType('identifier').filter((x): x is Node => !!x && x.parent?.type === 'interpolation') : [a]))
            .find((a) => isTensorName(a, facts));
          if (tensorArg) ctx.report(node.childForFieldName('function')!, `print(${tensorArg.text}) inside the training loop formats a tensor, which copies it to the host and waits for the GPU every iteration. Log every N steps instead.`);
        }
      },
    };
  },
};
