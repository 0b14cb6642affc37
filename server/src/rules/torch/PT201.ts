import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule } from '../types';
import { countBefore } from '../../search';
import { argumentNodes, importsModule, methodCall, stringValue } from '../util';
import { TORCH } from '../packages';

const CUDA_LITERAL = /^cuda(:\d+)?$/;

/**
 * A deliberate device choice, not a hard-coded one: inside `if torch.cuda.is_available():` or another
 * CUDA/GPU condition (`if use_cuda:`, `if device.type == "cuda":`), or one branch of a conditional
 * expression (`x.cuda() if use_gpu else x`).
 */
function guardedByAvailability(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'conditional_expression') return true;
    if (p.type === 'if_statement' || p.type === 'elif_clause') {
      if (/is_available\s*\(|cuda|gpu/i.test(p.childForFieldName('condition')?.text ?? '')) return true;
    }
    if (p.type === 'decorated_definition' && skippedWithoutCuda(p)) return true;
  }
  return false;
}

/**
 * A test that only runs where CUDA is: `@pytest.mark.skipif(not torch.cuda.is_available(), …)`,
 * `@unittest.skipIf(not torch.cuda.is_available(), …)`, `@unittest.skipUnless(torch.cuda.is_available(), …)`.
 */
function skippedWithoutCuda(def: Node): boolean {
  for (const d of def.namedChildren) {
    if (d.type !== 'decorator') continue;
    const call = d.namedChildren[0];
    if (call?.type !== 'call') continue;
    const name = call.childForFieldName('function')?.text ?? '';
    const condition = call.childForFieldName('arguments')?.namedChildren[0]?.text ?? '';
    if (!/is_available\s*\(|device_count\s*\(/.test(condition)) continue;
    if (/(^|\.)skipif$/i.test(name) && /^not\b/.test(condition)) return true;
    if (/(^|\.)skipUnless$/.test(name) && !/^not\b/.test(condition)) return true;
  }
  return false;
}

export const PT201: Rule = {
  meta: {
    code: 'PT201',
    name: 'hard-coded-cuda',
    framework: 'torch',
    category: 'portability',
    defaultSeverity: 'information',
    fixable: false,
    summary: 'Hard-coded CUDA device (.cuda(), device="cuda", torch.device("cuda")) breaks on CPU, Apple MPS and other accelerators.',
  },
  // The call visitor looks at `.cuda()`, `.to(…)` and calls into torch only.
  calls: { methods: ['cuda', 'to'], calleePrefixes: ['torch.'] },
  local: true,
  requires: TORCH,
  create(ctx) {
    const { facts } = ctx;
    let torchFile: boolean | undefined;
    const advice = 'Pick the device once (e.g. `device = torch.device("cuda" if torch.cuda.is_available() else "cpu")`, or `torch.accelerator.current_accelerator()`) and pass it around.';
    // Where `cuda` occurs in the source: every report is of a call whose text holds it (the `.cuda`
    // method, a 'cuda…' literal), so most calls are passed over with a binary search, no node read.
    let cudaAt: number[] | undefined;
    const mentionsCuda = (node: Node): boolean => {
      if (!cudaAt) {
        cudaAt = [];
        for (let i = ctx.source.indexOf('cuda'); i >= 0; i = ctx.source.indexOf('cuda', i + 1)) cudaAt.push(i);
      }
      const first = countBefore(cudaAt, (at) => at < node.startIndex);
      return first < cudaAt.length && cudaAt[first] + 4 <= node.endIndex;
    };
    return {
      call(node) {
        torchFile ??= importsModule(facts, 'torch');
        if (!torchFile || !mentionsCuda(node)) return;
        const m = methodCall(node);
        if (m && m.method === 'cuda' && !guardedByAvailability(node)) {
          const attr = node.childForFieldName('function')!.childForFieldName('attribute')!;
          // `torch.cuda` module calls (torch.cuda.synchronize) are not the tensor method.
          if (facts.qualifiedName(node.childForFieldName('function')) === 'torch.cuda') return;
          ctx.report(attr, `\`.cuda()\` hard-codes the CUDA device. ${advice}`);
          return;
        }
        const callee = facts.callee(node);
        const isTorchCall = callee?.startsWith('torch.') || (m && m.method === 'to');
        if (!isTorchCall) return;
        const args = argumentNodes(node);
        if (callee === 'torch.device' || (m && m.method === 'to')) {
          const first = args[0];
          if (first && first.type === 'string' && CUDA_LITERAL.test(stringValue(first) ?? '') && !guardedByAvailability(node)) {
            ctx.report(first, `${callee === 'torch.device' ? 'torch.device' : '.to'}(${first.text}) hard-codes the CUDA device. ${advice}`);
          }
        }
        for (const a of args) {
          if (a.type !== 'keyword_argument' || a.childForFieldName('name')?.text !== 'device') continue;
          const v = a.childForFieldName('value');
          if (v?.type === 'string' && CUDA_LITERAL.test(stringValue(v) ?? '') && !guardedByAvailability(node)) {
            ctx.report(v, `device=${v.text} hard-codes the CUDA device. ${advice}`);
          }
        }
      },
    };
  },
};
