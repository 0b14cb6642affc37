import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule, RuleContext, Fix } from '../types';
import { SIDE_EFFECT_CALLS, sideEffectVisitor, printArgs } from '../shared/sideEffects';
import { JAX } from '../packages';

/** Turn print(...) arguments into a `jax.debug.print` format string and its arguments. */
export function debugPrintCall(ctx: RuleContext, call: Node): { format: string; args: string[] } | undefined {
  const args = printArgs(call);
  if (!args) return undefined;
  const parts: string[] = [];
  const values: string[] = [];
  for (const a of args) {
    if (a.type === 'string') {
      const start = a.namedChildren.find((c) => c?.type === 'string_start')?.text ?? '';
      if (/[bB]/.test(start) || a.parent?.type === 'concatenated_string') return undefined;
      const isF = /[fF]/.test(start);
      const isRaw = /[rR]/.test(start);
      let piece = '';
      for (const c of a.namedChildren) {
        if (!c || c.type === 'string_start' || c.type === 'string_end') continue;
        if (c.type === 'string_content') {
          // In an f-string, literal braces are already doubled; elsewhere they must be escaped.
          piece += isF ? c.text : c.text.replace(/\{/g, '{{').replace(/\}/g, '}}');
        } else if (c.type === 'escape_sequence') {
          piece += c.text;
        } else if (c.type === 'interpolation') {
          const expr = c.childForFieldName('expression');
          if (!expr) return undefined;
          const conv = c.namedChildren.find((x) => x?.type === 'type_conversion')?.text ?? '';
          const spec = c.namedChildren.find((x) => x?.type === 'format_specifier');
          if (spec && spec.namedChildren.some((x) => x?.type === 'interpolation')) return undefined;
          if (c.text.includes('=}') || /=\s*[!:}]/.test(c.text.slice(expr.endIndex - c.startIndex))) return undefined;
          values.push(expr.type === 'expression_list' ? `(${expr.text})` : expr.text);
          piece += `{${conv}${spec ? spec.text.startsWith(':') ? spec.text : ':' + spec.text : ''}}`;
        } else {
          return undefined;
        }
      }
      if (isRaw && piece.includes('\\')) return undefined;
      parts.push(piece);
    } else {
      parts.push('{}');
      values.push(a.text);
    }
  }
  return { format: parts.join(' '), args: values };
}

/** Quote source-level string content (escapes kept as written) as a Python "..." literal. */
export function pyDoubleQuoted(content: string): string {
  let out = '"';
  for (let i = 0; i < content.length; i++) {
    const ch = content[i];
    if (ch === '\\') { out += ch + (content[i + 1] ?? ''); i++; }
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else out += ch;
  }
  return out + '"';
}

export const JAX001: Rule = {
  meta: {
    code: 'JAX001',
    name: 'side-effect-in-traced-function',
    framework: 'jax',
    category: 'correctness',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'Python side effects (print, I/O, outer mutation, global writes) inside a traced JAX function run only once, at trace time.',
  },
  calls: SIDE_EFFECT_CALLS,
  local: true,
  requires: JAX,
  create(ctx) {
    return sideEffectVisitor(ctx, {
      kind: 'jax',
      label: 'traced JAX function',
      printAdvice: 'Use jax.debug.print to print runtime values.',
      printFix(ctx, call): Fix | undefined {
        const built = debugPrintCall(ctx, call);
        if (!built) return undefined;
        const name = ctx.nameFor('jax.debug.print', { module: 'jax' });
        const quoted = pyDoubleQuoted(built.format);
        const text = `${name.text}(${[quoted, ...built.args].join(', ')})`;
        return { title: 'Replace print with jax.debug.print', edits: [{ range: ctx.range(call), newText: text }, ...name.edits] };
      },
    });
  },
};
