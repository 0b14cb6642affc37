/** Edits on call arguments shared by the PyTorch rules' fixes. */
import type { SyntaxNode as Node } from '../../parse/mirror';
import type { RuleContext, TextEdit } from '../types';
import { argumentNodes } from '../util';

/** Appends `text` (e.g. `weights_only=True`) as the last argument of `call`; undefined for `f(x for x in y)`. */
export function appendArgument(ctx: RuleContext, call: Node, text: string): TextEdit | undefined {
  const list = call.childForFieldName('arguments');
  if (!list || list.type !== 'argument_list') return undefined;
  const args = argumentNodes(call);
  const last = args[args.length - 1];
  if (!last) {
    const open = { line: list.startPosition.row, character: list.startPosition.column + 1 };
    return { range: { start: open, end: open }, newText: text };
  }
  const end = ctx.range(last).end;
  // One argument per line: continue that layout.
  if (last.startPosition.row > list.startPosition.row) {
    const lineStart = ctx.source.lastIndexOf('\n', last.startIndex - 1) + 1;
    const indent = ctx.source.slice(lineStart, last.startIndex);
    if (/^[ \t]+$/.test(indent)) return { range: { start: end, end }, newText: `,\n${indent}${text}` };
  }
  return { range: { start: end, end }, newText: `, ${text}` };
}

/** The keyword argument `name=` of a call (the whole `name=value` node). */
export function keywordNode(call: Node, name: string): Node | undefined {
  return argumentNodes(call).find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name);
}

/** `*args` / `**kwargs` in the call: an argument we cannot see may be there. */
export function hasSplat(call: Node): boolean {
  return argumentNodes(call).some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat');
}
