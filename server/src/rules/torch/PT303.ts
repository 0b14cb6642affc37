import type { Rule, TextEdit } from '../types';
import { argumentNodes } from '../util';
import { TORCH } from '../packages';

/** Old name → [new qualified name, the old positional parameters]. */
const OLD: Record<string, { replacement: string; positional?: string[] }> = {
  // torch.cuda.amp.autocast(enabled=True, dtype=torch.float16, cache_enabled=True) vs
  // torch.amp.autocast(device_type, dtype=None, enabled=True, cache_enabled=None): positions differ.
  'torch.cuda.amp.autocast': { replacement: 'torch.amp.autocast', positional: ['enabled', 'dtype', 'cache_enabled'] },
  'torch.cuda.amp.autocast_mode.autocast': { replacement: 'torch.amp.autocast', positional: ['enabled', 'dtype', 'cache_enabled'] },
  // torch.cuda.amp.GradScaler(init_scale, growth_factor, backoff_factor, growth_interval, enabled) vs
  // torch.amp.GradScaler(device="cuda", init_scale, …): the same order after the device.
  'torch.cuda.amp.GradScaler': { replacement: 'torch.amp.GradScaler' },
  'torch.cuda.amp.grad_scaler.GradScaler': { replacement: 'torch.amp.GradScaler' },
};

export const PT303: Rule = {
  meta: {
    code: 'PT303',
    name: 'cuda-amp-namespace',
    framework: 'torch',
    category: 'deprecation',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'torch.cuda.amp.autocast / GradScaler are deprecated: use torch.amp.autocast("cuda", ...) / torch.amp.GradScaler("cuda", ...).',
  },
  calls: { callees: Object.keys(OLD) },
  local: true,
  requires: TORCH,
  create(ctx) {
    const { facts } = ctx;
    return {
      call(node) {
        const q = facts.callee(node);
        const old = q ? OLD[q] : undefined;
        if (!old) return;
        const fn = node.childForFieldName('function')!;
        const short = old.replacement.split('.').pop()!;
        const fix = (() => {
          const list = node.childForFieldName('arguments');
          if (!list || list.type !== 'argument_list') return undefined;
          const args = argumentNodes(node);
          const edits: TextEdit[] = [];
          const name = ctx.nameFor(old.replacement, { module: 'torch' });
          edits.push({ range: ctx.range(fn), newText: name.text }, ...name.edits);
          let deviceDone = false;
          if (old.positional) {
            // Positional arguments of the old autocast become keywords: the new one takes device_type first.
            let i = 0;
            for (const a of args) {
              if (a.type === 'list_splat' || a.type === 'dictionary_splat') return undefined;
              if (a.type === 'keyword_argument') continue;
              const pname = old.positional[i++];
              if (!pname) return undefined;
              // The device goes in front of the first argument, in the same edit (no insert/replace at one position).
              const first = a.id === args[0].id;
              edits.push({ range: ctx.range(a), newText: `${first ? '"cuda", ' : ''}${pname}=${a.text}` });
              deviceDone ||= first;
            }
          }
          if (!deviceDone) {
            const open = { line: list.startPosition.row, character: list.startPosition.column + 1 };
            edits.push({ range: { start: open, end: open }, newText: args.length ? '"cuda", ' : '"cuda"' });
          }
          return { title: `Use ${old.replacement}("cuda", ...)`, edits };
        })();
        ctx.report(fn, `${q}(...) is deprecated (it emits a FutureWarning) and only forwards to ${old.replacement} with the device fixed to CUDA. Use ${old.replacement}("cuda", ...)${short === 'autocast' ? ', or pass device.type to make the code device-agnostic' : ''}.`, fix);
      },
    };
  },
};
