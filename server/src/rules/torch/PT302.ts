import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule } from '../types';
import { argumentNodes, isLocalTo } from '../util';
import { TORCH } from '../packages';

const VARIABLE = new Set(['torch.autograd.Variable', 'torch.autograd.variable.Variable']);
/** Expressions that can replace a call without parentheses in any context. */
const PRIMARY = new Set(['identifier', 'call', 'attribute', 'subscript', 'parenthesized_expression', 'list', 'tuple', 'dictionary', 'set', 'integer', 'float', 'string', 'true', 'false', 'none']);
/** Contexts where any expression may stand unparenthesized. */
const OPEN_CONTEXTS = new Set(['argument_list', 'keyword_argument', 'return_statement', 'expression_statement', 'parenthesized_expression']);

function replacementText(call: Node, arg: Node): string {
  if (PRIMARY.has(arg.type)) return arg.text;
  const parent = call.parent;
  const open = parent && (OPEN_CONTEXTS.has(parent.type) || (parent.type === 'assignment' && parent.childForFieldName('right')?.id === call.id));
  return open && arg.type !== 'lambda' && arg.type !== 'conditional_expression' ? arg.text : `(${arg.text})`;
}

export const PT302: Rule = {
  meta: {
    code: 'PT302',
    name: 'autograd-variable',
    framework: 'torch',
    category: 'deprecation',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'torch.autograd.Variable(...) is deprecated: autograd works on tensors directly.',
  },
  calls: { callees: VARIABLE },
  local: true,
  requires: TORCH,
  create(ctx) {
    const { facts } = ctx;
    return {
      call(node) {
        if (!VARIABLE.has(facts.callee(node) ?? '')) return;
        const fn = node.childForFieldName('function')!;
        // A parameter or local named `Variable` shadows the import.
        const scope = facts.enclosingFunction(node);
        if (fn.type === 'identifier' && scope && isLocalTo(fn.text, scope.index, facts)) return;
        const args = argumentNodes(node);
        const volatile = args.some((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'volatile');
        if (volatile) {
          ctx.report(fn, 'Variable(..., volatile=True) is a pre-0.4 API: Variable is deprecated and volatile has no effect any more. Use the tensor directly and run the code under `with torch.no_grad():` (or torch.inference_mode()).');
          return;
        }
        const only = args.length === 1 && args[0].type !== 'keyword_argument' && args[0].type !== 'list_splat' && args[0].type !== 'dictionary_splat' ? args[0] : undefined;
        const fix = only ? { title: 'Replace Variable(x) with x', suggestion: !isTorchFactoryCall(only), edits: [{ range: ctx.range(node), newText: replacementText(node, only) }] } : undefined;
        ctx.report(fn, 'torch.autograd.Variable is deprecated: since PyTorch 0.4 Variable(tensor) just returns a tensor, and autograd works on any tensor with requires_grad=True. Use the tensor itself; for requires_grad=True, pass it to the factory (torch.ones(3, requires_grad=True)) or call tensor.requires_grad_().', fix);
      },
    };
  },
};

/** `Variable(torch.zeros(3))`: the argument is certainly a tensor, so dropping the wrapper is exact. */
function isTorchFactoryCall(node: Node): boolean {
  if (node.type !== 'call') return false;
  const fn = node.childForFieldName('function')?.text ?? '';
  return /^(torch|th)\.[a-z_]+$/.test(fn);
}
