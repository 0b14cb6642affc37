import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule } from '../types';
import { TORCH } from '../packages';

const TORCHSCRIPT = new Set(['torch.jit.script', 'torch.jit.trace', 'torch.jit.trace_module', 'torch.jit.script_if_tracing']);

export const PT301: Rule = {
  meta: {
    code: 'PT301',
    name: 'torchscript',
    framework: 'torch',
    category: 'deprecation',
    defaultSeverity: 'warning',
    fixable: false,
    summary: 'torch.jit.script / torch.jit.trace: TorchScript is deprecated; use torch.compile (speed) or torch.export (deployment).',
  },
  calls: { callees: TORCHSCRIPT },
  local: true,
  requires: TORCH,
  create(ctx) {
    const { facts } = ctx;
    const report = (target: Node, q: string) => {
      ctx.report(target, `${q} uses TorchScript, which is deprecated (PyTorch: "TorchScript is deprecated, please use torch.export instead") and gets no new features. Use torch.compile(model) to speed up Python execution, or torch.export.export(model, example_args) to produce a deployable graph.`);
    };
    return {
      call(node) {
        const q = facts.callee(node);
        if (q && TORCHSCRIPT.has(q)) report(node.childForFieldName('function')!, q);
      },
      decorator(node) {
        // `@torch.jit.script` without a call; `@torch.jit.script(...)` is seen as a call.
        const expr = node.namedChildren[0];
        if (!expr || expr.type === 'call') return;
        const q = facts.qualifiedName(expr);
        if (q && TORCHSCRIPT.has(q)) report(expr, q);
      },
    };
  },
};
