/**
 * Hover on a framework API (`torch.sum`, `x.sum` on a tensor, `nn.Dense`, `tf.reduce_sum`): its
 * equivalents in the other two frameworks — API names, snippets, the argument mapping table and the
 * semantic differences — as Markdown.
 */
import { MarkupKind, type Connection, type Hover, type HoverParams } from 'vscode-languageserver/node';
import { conceptMarkdown } from '../catalog/format';
import { idiomAtPosition } from './equivalents';
import { apiAt } from '../translate/lookup';
import { offsetAt } from '../parse/document';
import type { FramewiseServer } from './server';
import { translatorFor } from './equivalents';

export function hover(server: FramewiseServer, params: HoverParams): Hover | null {
  const state = server.docs.get(params.textDocument.uri);
  if (!state) return null;
  const translator = translatorFor(state);
  if (!translator) return null;
  // Only a name under the cursor, not anywhere inside a call's arguments.
  const idiom = apiAt(translator, offsetAt(state.doc.lineStarts, state.doc.text, params.position));
  if (!idiom) return null;
  const value = conceptMarkdown(idiom.concept, { from: idiom.framework, api: idiom.api, also: idiom.others.map((c) => c.id) });
  const n = idiom.node;
  return {
    contents: { kind: MarkupKind.Markdown, value },
    range: { start: { line: n.startPosition.row, character: n.startPosition.column }, end: { line: n.endPosition.row, character: n.endPosition.column } },
  };
}

export function registerHover(server: FramewiseServer, connection: Connection): void {
  connection.onHover((params) => server.guard(() => hover(server, params)) ?? null);
}

export { idiomAtPosition };
