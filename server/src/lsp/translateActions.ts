/**
 * Code actions on a catalog idiom under the cursor: "Translate to JAX / TensorFlow / PyTorch"
 * (`refactor.rewrite.framewise.to-<framework>`, a versioned workspace edit: the call rewritten,
 * imports added, `# framewise:` notes above the statement) and "Show equivalents" (the client
 * command `framewise.showEquivalents` with the concept id). A translation that would add syntax
 * errors, or that cannot be written even as the nearest idiom, is not offered.
 *
 * `registerTranslation` wires this file, the hover and the `framewise/equivalents` request into the
 * server.
 */
import type { CodeAction, CodeActionParams } from 'vscode-languageserver/node';
import { FRAMEWORKS, FRAMEWORK_LABEL, type FrameworkKey } from '../catalog/index';
import { offsetAt } from '../parse/document';
import { createParser, safeParse } from '../parse/parser';
import { Translator, identifiersOf } from '../translate/translator';
import { idiomAt, idiomCallAt } from '../translate/lookup';
import { moduleClassAt, translateModule } from '../translate/module';
import { lineEdits } from '../translate/diff';
import { planCalls, applyOffsetEdits, toLineEdits, syntaxErrors } from '../translate/document';
import { SHOW_EQUIVALENTS_COMMAND, SHOW_EQUIVALENTS_KIND, TRANSLATE_KIND_PREFIX } from './protocol';
import { registerEquivalentsRequest, translatorFor } from './equivalents';
import { registerHover } from './hover';
import type { DocState, FramewiseServer } from './server';

const MODULE_LABEL: Record<FrameworkKey, string> = { torch: 'a PyTorch nn.Module', jax: 'a Flax module (@nn.compact)', tensorflow: 'a Keras Layer' };
const KIND_SUFFIX: Record<FrameworkKey, string> = { torch: 'to-torch', jax: 'to-jax', tensorflow: 'to-tensorflow' };
export const translateKind = (fw: FrameworkKey) => `${TRANSLATE_KIND_PREFIX}.${KIND_SUFFIX[fw]}`;

export function registerTranslation(server: FramewiseServer): void {
  server.codeActionProviders.push((state, params) => translateActions(state, params));
  registerHover(server, server.connection);
  registerEquivalentsRequest(server, server.connection);
}

const cache = new WeakMap<DocState, { key: string; actions: CodeAction[] }>();

export function translateActions(state: DocState, params: CodeActionParams): CodeAction[] {
  const { doc } = state;
  const tree = doc.tree;
  if (!tree) return [];
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const wantsSome = FRAMEWORKS.some((fw) => wants(translateKind(fw))) || wants(SHOW_EQUIVALENTS_KIND);
  if (!wantsSome) return [];
  const start = offsetAt(doc.lineStarts, doc.text, params.range.start);
  const end = offsetAt(doc.lineStarts, doc.text, params.range.end);
  const key = `${doc.version}:${start}:${end}:${only?.join(',') ?? ''}`;
  const hit = cache.get(state);
  if (hit?.key === key) return hit.actions;

  const actions: CodeAction[] = [];
  const base = translatorFor(state);
  if (base) {
    // On a module class's header: the whole class, restructured for the other framework.
    const mod = moduleClassAt(base.facts, start);
    if (mod) {
      for (const to of FRAMEWORKS) {
        if (to === mod.framework || (mod.framework !== 'torch' && to !== 'torch') || !wants(translateKind(to))) continue;
        const r = translateModule(doc.text, mod.node.startIndex, to, { tree });
        if (!r.ok) continue;
        actions.push({
          title: `Translate class ${mod.name} to ${MODULE_LABEL[to]}${r.notes.length ? ' (with notes)' : ''}`,
          kind: translateKind(to),
          edit: { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: toLineEdits(doc.text, lineEdits(doc.text, r.text)) }] },
        });
      }
    }
    const callIdiom = idiomCallAt(base, start, Math.max(start, end));
    const idiom = callIdiom ?? idiomAt(base, start);
    if (callIdiom?.call) {
      for (const to of FRAMEWORKS) {
        if (to === callIdiom.framework || !wants(translateKind(to))) continue;
        // A fresh translator per target: each plans its own imports.
        const translator = new Translator(base.facts, doc.text, identifiersOnce(base));
        const plan = planCalls(translator, [callIdiom.call], to);
        if (!plan.edits.length || plan.items.every((i) => i.text === i.call.text)) continue;
        const after = applyOffsetEdits(doc.text, plan.edits);
        if (errorCount(after) > syntaxErrors(tree)) continue;
        const notes = plan.items.flatMap((i) => i.notes);
        actions.push({
          title: `Translate to ${FRAMEWORK_LABEL[to]}${notes.length ? ' (with notes)' : ''}`,
          kind: translateKind(to),
          edit: { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: toLineEdits(doc.text, plan.edits) }] },
        });
      }
    }
    if (idiom && wants(SHOW_EQUIVALENTS_KIND)) {
      actions.push({
        title: `Show equivalents: ${idiom.concept.title}`,
        kind: SHOW_EQUIVALENTS_KIND,
        command: { title: 'Show equivalents', command: SHOW_EQUIVALENTS_COMMAND, arguments: [idiom.concept.id] },
      });
    }
  }
  cache.set(state, { key, actions });
  return actions;
}

const identifierCache = new WeakMap<Translator, Set<string>>();
function identifiersOnce(base: Translator): Set<string> {
  let ids = identifierCache.get(base);
  if (!ids) {
    ids = identifiersOf(base.facts.root.tree);
    identifierCache.set(base, ids);
  }
  return ids;
}

let parser: ReturnType<typeof createParser> | undefined;
function errorCount(text: string): number {
  parser ??= createParser();
  const tree = safeParse(parser, text);
  if (!tree) return Number.POSITIVE_INFINITY;
  try { return syntaxErrors(tree); } finally { tree.delete(); }
}
