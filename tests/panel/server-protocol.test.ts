/**
 * The panel against the real server side of `framewise/equivalents` (server/src/lsp/equivalents.ts):
 * every answer the server gives for a catalog id or an API name, and its concept list, passes the
 * client's validation (client/src/panel/protocol.ts) and renders. Keeps the two protocol files in step.
 */
import { describe, expect, it } from 'vitest';
import type { ConceptEntry, EquivalentsParams as ServerParams } from '../../server/src/lsp/protocol';
import { EQUIVALENTS_REQUEST, SHOW_EQUIVALENTS_COMMAND, TRANSLATE_KIND_PREFIX } from '../../server/src/lsp/protocol';
import { equivalents } from '../../server/src/lsp/equivalents';
import type { FramewiseServer } from '../../server/src/lsp/server';
import { asConcept, asConceptList, EQUIVALENTS_METHOD, translationKind, type Concept, type EquivalentsParams } from '../../client/src/panel/protocol';
import { createNonce, renderPanelHtml } from '../../client/src/panel/render';
import { catalogConcepts, RENDER_BASE } from './fixtures';

// Compile-time conformance (checked when the tests are type-checked): the server's entry is a
// client Concept, and every client request shape is a valid server request.
export const entryIsConcept: (e: ConceptEntry) => Concept = (e) => e;
export const paramsAreServerParams: (p: EquivalentsParams) => ServerParams = (p) => p;

const server = { docs: new Map() } as unknown as FramewiseServer;

describe('client ↔ server protocol', () => {
  it('names the same request, command and translation kinds', () => {
    expect(EQUIVALENTS_METHOD).toBe(EQUIVALENTS_REQUEST);
    expect(SHOW_EQUIVALENTS_COMMAND).toBe('framewise.showEquivalents');
    for (const fw of ['torch', 'jax', 'tensorflow'] as const) expect(translationKind(fw)).toBe(`${TRANSLATE_KIND_PREFIX}.to-${fw}`);
  });

  it('every concept the server returns for an id is accepted and renders', () => {
    for (const c of catalogConcepts()) {
      const answer = JSON.parse(JSON.stringify(equivalents(server, { query: c.id } satisfies EquivalentsParams)));
      const concept = asConcept(answer);
      expect(concept?.id, c.id).toBe(c.id);
      expect(concept!.frameworks).toEqual(c.frameworks);
      const html = renderPanelHtml({ concept, pinned: false, nonce: createNonce(), ...RENDER_BASE });
      expect(html).toContain(`data-concept-id="${c.id}"`);
    }
  }, 120_000);

  it('an API name finds its concept; an unknown query is "nothing", not an error', () => {
    expect(asConcept(equivalents(server, { query: 'torch.nn.Linear' }))?.id).toBe('layer.linear');
    expect(asConcept(equivalents(server, { query: 'no.such.api' }))).toBeUndefined();
  });

  it('the list for the picker has every concept', () => {
    const list = asConceptList(JSON.parse(JSON.stringify(equivalents(server, { list: true } satisfies EquivalentsParams))));
    expect(list.map((c) => c.id).sort()).toEqual(catalogConcepts().map((c) => c.id).sort());
    expect(list.every((c) => c.title.length > 0)).toBe(true);
  });
});
