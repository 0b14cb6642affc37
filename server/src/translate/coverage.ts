/**
 * How much of the catalog translates, per direction: for every concept whose source form is a call,
 * the calls of its own snippet are translated to the other two frameworks. A concept counts as
 * translated when the call is rewritten (with or without notes), clean when no note was needed,
 * refused when it is left as it is with a note.
 */
import { createParser } from '../parse/parser';
import { FRAMEWORKS, getCatalog, type Catalog, type FrameworkKey } from '../catalog/index';
import { Translator } from './translator';

export type Direction = `${FrameworkKey}->${FrameworkKey}`;

export interface DirectionCoverage {
  from: FrameworkKey;
  to: FrameworkKey;
  /** Rewritten (possibly with notes). */
  translated: string[];
  /** Rewritten without any note. */
  clean: string[];
  /** Left as they are, with a note saying why. */
  refused: string[];
  /** Source form is a call but its snippet never calls it (nothing to measure). */
  noSample: string[];
}

export const DIRECTIONS: Array<[FrameworkKey, FrameworkKey]> = FRAMEWORKS.flatMap((f) => FRAMEWORKS.filter((t) => t !== f).map((t) => [f, t] as [FrameworkKey, FrameworkKey]));

/** Requires initParser() to have completed. */
export function translationCoverage(catalog: Catalog = getCatalog()): Record<Direction, DirectionCoverage> {
  const out = {} as Record<Direction, DirectionCoverage>;
  for (const [from, to] of DIRECTIONS) out[`${from}->${to}`] = { from, to, translated: [], clean: [], refused: [], noSample: [] };
  const parser = createParser();
  try {
    for (const c of catalog.concepts) {
      for (const from of FRAMEWORKS) {
        const form = c.frameworks[from];
        if (!form.exists || !form.call) continue;
        const tree = parser.parse(form.snippet);
        if (!tree) continue;
        try {
          const probe = Translator.forTree(tree, form.snippet, catalog);
          const calls = probe.facts.calls.filter((n) => {
            const m = probe.match(n);
            return m?.form.concept.id === c.id && m.form.framework === from;
          });
          for (const to of FRAMEWORKS) {
            if (to === from) continue;
            const cov = out[`${from}->${to}`];
            if (!calls.length) { cov.noSample.push(c.id); continue; }
            const translator = Translator.forTree(tree, form.snippet, catalog);
            const results = calls.map((n) => translator.translate(n, to)).filter((r) => !!r);
            const ok = results.filter((r) => r.text !== undefined);
            if (ok.length) {
              cov.translated.push(c.id);
              if (ok.some((r) => r.notes.length === 0)) cov.clean.push(c.id);
            } else cov.refused.push(c.id);
          }
        } finally {
          tree.delete();
        }
      }
    }
  } finally {
    parser.delete();
  }
  return out;
}
