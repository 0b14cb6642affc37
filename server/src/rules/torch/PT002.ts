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
  local: true,
  create(ctx) {
    const { facts } = ctx;
    let torchFile: boolean | undefined;
    const attributes: Array<{ name: Node; receiver: string; write: boolean }> = [];
    /** Every `receiver.<name>` of the file, written or read (found by the name: noted as a word). */
    const uses = (name: string) => {
      const t = facts.root.tree;
      const out: Array<{ receiver: string; write: boolean }> = [];
      for (const id of facts.identifiersNamed(name)) {
        const attribute = t.parentOf(id);
        if (attribute < 0 || t.typeOf(attribute) !== 'attribute' || t.fieldChild(attribute, 'attribute') !== id) continue;
        const object = t.fieldChild(attribute, 'object');
        if (object < 0) continue;
        const parent = t.parentOf(attribute);
        out.push({ receiver: t.textOf(object), write: parent >= 0 && t.typeOf(parent) === 'assignment' && t.fieldChild(parent, 'left') === attribute });
      }
      return out;
    };
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
        // The same attribute of the same receiver anywhere in the file (not only in the statements seen).
        const byName = new Map<string, Array<{ receiver: string; write: boolean }>>();
        for (const a of attributes) {
          // `self.require_grad` is a field of a user-defined class; a name both written and read is one too.
          if (a.receiver === 'self') continue;
          let all = byName.get(a.name.text);
          if (!all) byName.set(a.name.text, (all = uses(a.name.text)));
          const same = all.filter((b) => b.receiver === a.receiver);
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
