import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Rule, RuleContext } from '../types';
import { isBuiltinCall } from '../util';
import type { Container } from '../../resolve/facts';
import { ABSTRACT_WRAPPERS, tracedSource } from './values';
import { JAX } from '../packages';

/** The sub-expressions whose truth value Python asks for when `expr` is itself truth-tested. */
function truthTested(expr: Node): Node[] {
  switch (expr.type) {
    case 'parenthesized_expression':
      return expr.namedChildren[0] ? truthTested(expr.namedChildren[0]) : [];
    case 'not_operator': {
      const arg = expr.childForFieldName('argument');
      return arg ? truthTested(arg) : [];
    }
    case 'boolean_operator':
      return [expr.childForFieldName('left'), expr.childForFieldName('right')].flatMap((n) => (n ? truthTested(n) : []));
    default:
      return [expr];
  }
}

/** Is `node` in a position whose truth value another visitor already checks? */
function inTestedContext(node: Node): boolean {
  const p = node.parent;
  if (!p) return false;
  switch (p.type) {
    case 'parenthesized_expression':
      return inTestedContext(p);
    case 'not_operator':
      return true;
    case 'boolean_operator':
      // The left operand is always tested (by the parent's check); the right one only when the parent is.
      return p.childForFieldName('left')?.id === node.id || inTestedContext(p);
    case 'if_statement':
    case 'elif_clause':
    case 'while_statement':
      return p.childForFieldName('condition')?.id === node.id;
    case 'conditional_expression':
      return p.namedChildren[1]?.id === node.id;
    case 'argument_list':
      return p.parent?.type === 'call' && p.parent.childForFieldName('function')?.type === 'identifier' && p.parent.childForFieldName('function')!.text === 'bool';
    default:
      return false;
  }
}

/** `jax.jit` / `jax.vmap` / …: how the function was traced, for the message. */
function wrapperLabel(fn: Container): string {
  const ws = [...(fn.tracedBy ?? [])].filter((w) => ABSTRACT_WRAPPERS.has(w));
  return ws.length ? ws.join(', ') : 'a JAX transformation';
}

function check(ctx: RuleContext, tested: Node[], what: string): void {
  for (const leaf of tested) {
    const src = tracedSource(leaf, ctx.facts, { abstractOnly: true });
    if (!src) continue;
    const subject = leaf.text === src.name ? `\`${src.name}\` is` : `\`${leaf.text}\` depends on \`${src.name}\`,`;
    const fnName = src.fn.name ? `\`${src.fn.name}\`` : 'a lambda';
    const jitted = [...(src.fn.tracedBy ?? [])].some((w) => w === 'jax.jit' || w === 'jax.pmap');
    ctx.report(leaf, `${what} needs a concrete True/False, but ${subject} a traced argument of ${fnName} (under ${wrapperLabel(src.fn)}), so tracing fails with TracerBoolConversionError. ` +
      `Use \`jnp.where\` or \`jax.lax.cond\` to choose on the device${jitted ? `, or make \`${src.name}\` static (\`static_argnames\`) if it is a configuration value` : ''}.`);
  }
}

export const JAX004: Rule = {
  meta: {
    code: 'JAX004',
    name: 'python-branch-on-traced-value',
    framework: 'jax',
    category: 'correctness',
    defaultSeverity: 'warning',
    fixable: false,
    summary: 'Python if/while/and/or/bool() on a non-static argument of a jitted function fails with TracerBoolConversionError.',
  },
  calls: { names: ['bool'] },
  local: true,
  requires: JAX,
  create(ctx) {
    const condition = (what: string) => (node: Node) => {
      const cond = node.type === 'conditional_expression' ? node.namedChildren[1] : node.childForFieldName('condition');
      if (cond) check(ctx, truthTested(cond), what);
    };
    return {
      if_statement: condition('`if`'),
      elif_clause: condition('`elif`'),
      while_statement: condition('`while`'),
      conditional_expression: condition('A conditional expression'),
      boolean_operator(node) {
        if (inTestedContext(node)) return;
        // `a and b` / `a or b` always tests `a`; `b` only when the result is tested, which it is not here.
        const left = node.childForFieldName('left');
        if (left) check(ctx, truthTested(left), `\`${node.children.find((c) => c && !c.isNamed)?.text ?? 'and'}\``);
      },
      not_operator(node) {
        if (inTestedContext(node)) return;
        check(ctx, truthTested(node), '`not`');
      },
      call(node) {
        if (!isBuiltinCall(node, 'bool', ctx.facts) || inTestedContext(node)) return;
        const args = node.childForFieldName('arguments')?.namedChildren.filter((a) => a && a.type !== 'comment') ?? [];
        if (args.length === 1 && args[0]!.type !== 'keyword_argument') check(ctx, truthTested(args[0]!), '`bool()`');
      },
    };
  },
};
