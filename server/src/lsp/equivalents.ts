/**
 * The `framewise/equivalents` request (lsp/protocol.ts): a position or a query → the catalog entry,
 * plus the concept list for a picker. Also the shared helpers hover and code actions use to find the
 * idiom at a position in an open document.
 */
import type { Connection } from 'vscode-languageserver/node';
import { getCatalog, FRAMEWORKS, type LoadedConcept } from '../catalog/index';
import { offsetAt } from '../parse/document';
import { Translator } from '../translate/translator';
import { idiomAt, type IdiomAt } from '../translate/lookup';
import {
  EQUIVALENTS_REQUEST, type ConceptEntry, type EquivalentsParams, type EquivalentsResult,
} from './protocol';
import type { DocState, FramewiseServer } from './server';

export function toEntry(c: LoadedConcept): ConceptEntry {
  const frameworks = {} as ConceptEntry['frameworks'];
  for (const fw of FRAMEWORKS) {
    const f = c.frameworks[fw];
    frameworks[fw] = {
      exists: f.exists,
      ...(f.nearest ? { nearest: f.nearest } : {}),
      apis: [...f.apis],
      snippet: f.snippet,
      docs: f.docs,
      ...(f.notes ? { notes: [...f.notes] } : {}),
      ...(f.call ? { call: { ...f.call, params: [...f.call.params] } } : {}),
    };
  }
  return {
    id: c.id,
    title: c.title,
    summary: c.summary,
    group: c.group,
    frameworks,
    args: (c.args ?? []).map((a) => ({ ...a })),
    differences: [...c.differences],
  };
}

/** A translator for the document's current version (cached per version). */
const translators = new WeakMap<DocState, { version: number; translator: Translator }>();
export function translatorFor(state: DocState): Translator | undefined {
  const tree = state.doc.tree;
  if (!tree) return undefined;
  const hit = translators.get(state);
  if (hit && hit.version === state.doc.version) return hit.translator;
  const translator = Translator.forTree(tree, state.doc.text);
  translators.set(state, { version: state.doc.version, translator });
  return translator;
}

export function idiomAtPosition(state: DocState, position: { line: number; character: number }): { idiom: IdiomAt; translator: Translator } | undefined {
  const translator = translatorFor(state);
  if (!translator) return undefined;
  const offset = offsetAt(state.doc.lineStarts, state.doc.text, position);
  const idiom = idiomAt(translator, offset);
  return idiom ? { idiom, translator } : undefined;
}

export function equivalents(server: FramewiseServer, params: EquivalentsParams): EquivalentsResult {
  const catalog = getCatalog();
  const result: EquivalentsResult = { concept: null };
  if (params.textDocument && params.position) {
    const state = server.docs.get(params.textDocument.uri);
    const found = state ? idiomAtPosition(state, params.position) : undefined;
    if (found) {
      result.concept = toEntry(found.idiom.concept);
      result.from = { framework: found.idiom.framework, api: found.idiom.api };
      if (found.idiom.others.length) result.also = found.idiom.others.map((c) => c.id);
    }
  } else if (params.query) {
    const c = catalog.lookup(params.query);
    if (c) {
      result.concept = toEntry(c);
      const hits = catalog.apiHits(params.query);
      if (hits.length) {
        result.from = { framework: hits[0].framework, api: params.query };
        const also = [...new Set(hits.map((h) => h.concept.id))].filter((id) => id !== c.id);
        if (also.length) result.also = also;
      }
    }
  }
  if (params.list) result.concepts = catalog.search(result.concept ? '' : params.query ?? '');
  return result;
}

export function registerEquivalentsRequest(server: FramewiseServer, connection: Connection): void {
  connection.onRequest(EQUIVALENTS_REQUEST, (params: EquivalentsParams) => server.guard(() => equivalents(server, params ?? {})) ?? { concept: null });
}
