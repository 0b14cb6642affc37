import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Fix, Rule, TextEdit } from '../types';
import { argumentNodes, methodCall, stringValue } from '../util';
import { appendArgument, hasSplat, keywordNode } from './args';
import { TORCH } from '../packages';

const FACTORIES = new Set([
  'tensor', 'zeros', 'ones', 'empty', 'full', 'rand', 'randn', 'randint', 'randperm', 'arange', 'eye', 'linspace', 'logspace',
].map((n) => `torch.${n}`));
const DEVICE_STRING = /^(cpu|cuda|mps|xpu|meta|hpu|xla|npu)(:\d+)?$/;
const DEVICE_NAME = /device|^dev$|_dev$/i;

/** An expression that clearly denotes a device (not a dtype or another tensor). */
function isDevice(node: Node, calleeOf: (n: Node) => string | undefined): boolean {
  switch (node.type) {
    case 'string': return DEVICE_STRING.test(stringValue(node) ?? '');
    case 'identifier': return DEVICE_NAME.test(node.text);
    case 'attribute': return DEVICE_NAME.test(node.childForFieldName('attribute')?.text ?? '');
    case 'call': {
      const q = calleeOf(node);
      return q === 'torch.device' || q === 'torch.accelerator.current_accelerator';
    }
    default: return false;
  }
}

export const PT102: Rule = {
  meta: {
    code: 'PT102',
    name: 'create-then-move',
    framework: 'torch',
    category: 'performance',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'torch.zeros/ones/randn/tensor(...) immediately followed by .to(device)/.cuda(): allocates on the CPU and copies; pass device= instead.',
  },
  calls: { methods: ['to', 'cuda'] },
  local: true,
  requires: TORCH,
  create(ctx) {
    const { facts } = ctx;
    const calleeOf = (n: Node) => facts.callee(n);
    return {
      call(node) {
        const m = methodCall(node);
        if (!m || (m.method !== 'to' && m.method !== 'cuda')) return;
        const factory = m.receiver;
        if (factory.type !== 'call') return;
        const q = facts.callee(factory);
        if (!q || !FACTORIES.has(q) || hasSplat(factory)) return; // **kwargs may already hold device=
        const args = argumentNodes(node);
        // Which device does the move name? undefined: not (only) a device move.
        let device: string | undefined;
        let onlyDevice = false;
        if (m.method === 'cuda') {
          if (args.length === 0) { device = '"cuda"'; onlyDevice = true; }
          else if (args.length === 1 && args[0].type === 'integer') { device = `"cuda:${args[0].text}"`; onlyDevice = true; }
          else device = '';
        } else {
          const kw = keywordNode(node, 'device')?.childForFieldName('value');
          const first = args[0]?.type !== 'keyword_argument' ? args[0] : undefined;
          const dev = kw ?? (first && isDevice(first, calleeOf) ? first : undefined);
          if (!dev) return; // .to(dtype) / .to(other_tensor): not a device move
          device = dev.text;
          onlyDevice = args.length === 1;
        }
        const attr = node.childForFieldName('function')!.childForFieldName('attribute')!;
        let fix: Fix | undefined;
        if (onlyDevice && device && !keywordNode(factory, 'device')) {
          const add = appendArgument(ctx, factory, `device=${device}`);
          if (add) {
            const move = { start: ctx.range(factory).end, end: ctx.range(node).end };
            // Random factories draw from the device's generator instead of the CPU one: different numbers.
            fix = { title: `Create the tensor on the device (device=${device})`, edits: [add, { range: move, newText: '' }], suggestion: /rand|normal|bernoulli|multinomial|poisson/.test(q) };
          }
        }
        const where = m.method === 'cuda' ? `.cuda(${args.map((a) => a.text).join(', ')})` : `.to(${device})`;
        const already = keywordNode(factory, 'device') ? ' (replacing its device= argument)' : '';
        ctx.report(attr, `${q}(...)${where} creates the tensor in CPU memory and then copies it to the device. Create it there directly: pass ${device ? `device=${device}` : 'the device as device='} to ${q}(...)${already}.`, fix);
      },
    };
  },
};
