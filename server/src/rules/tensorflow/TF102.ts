import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Container, Facts } from '../../resolve/facts';
import { positionalArgs } from '../../resolve/facts';
import type { Fix, Rule, RuleContext } from '../types';
import { TENSORFLOW } from '../packages';

/** The innermost `for`/`while` loop around a node within its own function (or module code). */
function loopAround(facts: Facts, node: Node): Container | undefined {
  for (const c of facts.ancestors(node)) {
    if (c.kind === 'function' || c.kind === 'lambda' || c.kind === 'class') return undefined;
    if (c.kind === 'loop') return c;
  }
  return undefined;
}

/** Names bound by a `for` loop target. */
function targetNames(loop: Node): string[] {
  if (loop.type !== 'for_statement') return [];
  const left = loop.childForFieldName('left');
  return left ? (left.type === 'identifier' ? [left] : left.descendantsOfType('identifier')).filter((n): n is Node => !!n).map((n) => n.text) : [];
}

/** Base names an expression reads (not attribute names or keyword names). */
function readNames(node: Node): string[] {
  const ids = node.type === 'identifier' ? [node] : node.descendantsOfType('identifier').filter((n): n is Node => !!n);
  return ids.filter((id) => {
    const p = id.parent;
    if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === id.id) return false;
    if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === id.id) return false;
    return true;
  }).map((id) => id.text);
}

/** Move `name = tf.function(...)` in front of the loop when nothing it uses changes in the loop. */
function hoistFix(ctx: RuleContext, call: Node, loop: Container): Fix | undefined {
  const { facts, source } = ctx;
  const assign = call.parent;
  const stmt = assign?.parent;
  if (assign?.type !== 'assignment' || assign.childForFieldName('right')?.id !== call.id || stmt?.type !== 'expression_statement') return undefined;
  const left = assign.childForFieldName('left');
  if (left?.type !== 'identifier' || stmt.parent?.id !== loop.node.childForFieldName('body')?.id) return undefined;
  const inLoop = (offset: number) => offset >= loop.start && offset < loop.end;
  const loopVars = new Set(targetNames(loop.node));
  const args = call.childForFieldName('arguments');
  for (const name of args ? readNames(args) : []) {
    if (loopVars.has(name) || facts.functionsByName.get(name)?.some((d) => inLoop(d.start))) return undefined;
    if (facts.assignmentsBetween(name, loop.start, loop.end).length > 0) return undefined;
  }
  if (facts.assignmentsBetween(left.text, loop.start, loop.end).some((a) => a.offset !== assign.startIndex)) return undefined;
  const lineStart = source.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  const lineEnd = source.indexOf('\n', stmt.endIndex);
  if (!/^[ \t]*$/.test(source.slice(lineStart, stmt.startIndex)) || (lineEnd >= 0 && source.slice(stmt.endIndex, lineEnd).trim() !== '')) return undefined;
  const loopLineStart = source.lastIndexOf('\n', loop.start - 1) + 1;
  const loopIndent = source.slice(loopLineStart, loop.start);
  if (!/^[ \t]*$/.test(loopIndent)) return undefined;
  const stmtLine = stmt.startPosition.row;
  const loopLine = loop.node.startPosition.row;
  return {
    title: `Create ${left.text} once, before the loop`,
    edits: [
      { range: { start: { line: loopLine, character: 0 }, end: { line: loopLine, character: 0 } }, newText: `${loopIndent}${stmt.text}\n` },
      { range: { start: { line: stmtLine, character: 0 }, end: { line: stmtLine + 1, character: 0 } }, newText: '' },
    ],
  };
}

/** Does the wrapped callable change from one iteration to the next (a loop variable, or something defined in the loop)? */
function variesPerIteration(facts: Facts, node: Node, loop: Container): boolean {
  const inLoop = (offset: number) => offset >= loop.start && offset < loop.end;
  const loopVars = new Set(targetNames(loop.node));
  return readNames(node).some((name) => loopVars.has(name) || facts.assignmentsBetween(name, loop.start, loop.end).length > 0 ||
    !!facts.functionsByName.get(name)?.some((d) => inLoop(d.start)));
}

/** Is `name` called in a loop nested inside `loop` (many calls per created Function)? */
function calledInNestedLoop(facts: Facts, name: string, loop: Container): boolean {
  return facts.callsIn(loop.start, loop.end).some((c) => {
    const f = c.childForFieldName('function');
    if (f?.type !== 'identifier' || f.text !== name) return false;
    const inner = loopAround(facts, c);
    return !!inner && inner.index !== loop.index;
  });
}

/** The name the created Function is bound to: `name = tf.function(...)`, or the decorated def. */
function boundName(node: Node): string | undefined {
  const p = node.parent;
  if (p?.type === 'assignment' && p.childForFieldName('right')?.id === node.id) {
    const left = p.childForFieldName('left');
    return left?.type === 'identifier' ? left.text : undefined;
  }
  const dd = p?.type === 'decorator' ? p.parent : undefined;
  return dd?.type === 'decorated_definition' ? dd.childForFieldName('definition')?.childForFieldName('name')?.text : undefined;
}

export const TF102: Rule = {
  meta: {
    code: 'TF102',
    name: 'tf-function-inside-loop',
    framework: 'tensorflow',
    category: 'performance',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'tf.function(...) created inside a loop: every new Function traces its graph again.',
  },
  // The call visitor's first test: a call of tf.function.
  calls: { callees: ['tensorflow.function'] },
  local: true,
  requires: TENSORFLOW,
  create(ctx) {
    const { facts } = ctx;
    const message = 'tf.function is created inside a loop: each new Function object traces and optimizes its graph again (separate Functions never share traces), so every iteration pays the tracing cost. Create the Function once, before the loop, and call it inside.';
    const isTfFunction = (n: Node | null) => facts.qualifiedName(n) === 'tensorflow.function';
    return {
      call(node) {
        if (!isTfFunction(node.childForFieldName('function'))) return;
        const loop = loopAround(facts, node);
        if (!loop) return;
        // A different function per iteration (`for f in fns: compiled[f] = tf.function(f)`, a sweep that builds
        // `make_step(lr)` and then runs it over a dataset) is traced once per function, by design.
        const wrapped = positionalArgs(node)[0];
        if (wrapped?.type === 'identifier' && targetNames(loop.node).includes(wrapped.text)) return;
        const decorated = node.parent?.type === 'decorator' ? node.parent.parent?.childForFieldName('definition') : undefined;
        const varies = decorated ? true : !!wrapped && variesPerIteration(facts, wrapped, loop);
        const name = boundName(node);
        if (varies && name && calledInNestedLoop(facts, name, loop)) return;
        ctx.report(node.childForFieldName('function')!, message, decorated ? undefined : hoistFix(ctx, node, loop));
      },
      decorator(node) {
        const expr = node.namedChildren[0];
        if (!expr || expr.type === 'call' || !isTfFunction(expr)) return;
        const loop = loopAround(facts, node);
        if (!loop) return;
        const name = node.parent?.type === 'decorated_definition' ? node.parent.childForFieldName('definition')?.childForFieldName('name')?.text : undefined;
        if (name && calledInNestedLoop(facts, name, loop)) return;
        ctx.report(expr, message);
      },
    };
  },
};
