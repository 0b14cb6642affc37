import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule } from '../types';
import { importsModule } from '../util';

const TYPOS = new Set(['require_grad', 'requires_grads', 'require_grads']);
const TENSOR_FACTORY_METHODS = new Set(['new_zeros', 'new_ones', 'new_empty', 'new_full', 'new_tensor']);

export const PT002: Rule = {
  meta: {
    code: 'PT002',
    name: 'requires-grad-typo',
    framework: 'torch',
    category: 'correctness',
    defaultSeverity: 'error',
    fixable: true,
    summary: 'require_grad / requires_grads is a typo of requires_grad: a TypeError as a keyword, a silently ignored attribute on a tensor.',
  },
  // The attribute visitor's first test: only the typos themselves.
  attributes: TYPOS,
  create(ctx) {
    const { facts } = ctx;
    let torchFile: boolean | undefined;
    const attributes: Array<{ name: Node; receiver: string; write: boolean }> = [];
    const fix = (name: Node) => ({ title: 'Rename to requires_grad', edits: [{ range: ctx.range(name), newText: 'requires_grad' }] });
    return {
      keyword_argument(node) {
        // Every typo starts with `require`, and a keyword argument with its name: read from the source first.
        if (!ctx.source.startsWith('require', node.startIndex)) return;
        const name = node.childForFieldName('name');
        if (!name || !TYPOS.has(name.text)) return;
        const call = node.parent?.parent;
        if (call?.type !== 'call') return;
        const fn = call.childForFieldName('function');
        const q = facts.qualifiedName(fn);
        const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text ?? '' : '';
        if (!q?.startsWith('torch.') && !TENSOR_FACTORY_METHODS.has(method)) return;
        ctx.report(name, `\`${name.text}=\` is a typo of \`requires_grad=\`: the call raises TypeError (unexpected keyword argument). Rename it to requires_grad.`, fix(name));
      },
      attribute(node) {
        const name = node.childForFieldName('attribute');
        const recv = node.childForFieldName('object');
        if (!name || !recv || !TYPOS.has(name.text)) return;
        const parent = node.parent;
        const write = parent?.type === 'assignment' && parent.childForFieldName('left')?.id === node.id;
        attributes.push({ name, receiver: recv.text, write });
      },
      exit() {
        if (attributes.length === 0) return;
        torchFile ??= importsModule(facts, 'torch');
        if (!torchFile) return;
        for (const a of attributes) {
          // `self.require_grad` is a field of a user-defined class; a name both written and read is one too.
          if (a.receiver === 'self') continue;
          const same = attributes.filter((b) => b.receiver === a.receiver && b.name.text === a.name.text);
          if (same.some((b) => b.write) && same.some((b) => !b.write)) continue;
          const message = a.write
            ? `\`${a.receiver}.${a.name.text} = …\` sets a new, unused Python attribute: tensors accept arbitrary attributes, so \`requires_grad\` stays unchanged and autograd silently ignores the intent. Rename it to requires_grad.`
            : `\`${a.receiver}.${a.name.text}\` is a typo of \`requires_grad\`: tensors have no such attribute, so this raises AttributeError. Rename it to requires_grad.`;
          ctx.report(a.name, message, fix(a.name));
        }
      },
    };
  },
};
