/**
 * Builds the catalog part of the case table: for every concept whose snippet calls its own source
 * form, one small file per direction — the snippet's imports plus that call — and the translation.
 * `FRAMEWISE_UPDATE_CASES=1 npx vitest run tests/translate/cases.test.ts` rewrites cases.json with
 * it (review the diff: every expected output is a claim about the frameworks).
 */
import { createParser } from '../../server/src/parse/parser';
import { getCatalog, FRAMEWORKS, type FrameworkKey } from '../../server/src/catalog/index';
import { Translator } from '../../server/src/translate/translator';
import { translateSourceSync } from '../../server/src/translate/document';

export interface Case {
  name: string;
  /** Set for the cases generated from the catalog: the concept and direction they cover. */
  concept?: string;
  from?: FrameworkKey;
  to: FrameworkKey;
  source: string;
  expected: string;
  /** Translate only the constructs on this line (1-based), like `framewise translate --line`. */
  line?: number;
}

/** The snippet's imports plus one statement with the first call of the concept's own form. */
export function sampleSource(conceptId: string, from: FrameworkKey): string | undefined {
  const concept = getCatalog().get(conceptId);
  const form = concept?.frameworks[from];
  if (!form?.exists || !form.call) return undefined;
  const parser = createParser();
  const tree = parser.parse(form.snippet)!;
  try {
    const t = Translator.forTree(tree, form.snippet);
    const call = t.facts.calls.find((n) => {
      const m = t.match(n);
      return m?.form.concept.id === conceptId && m.form.framework === from;
    });
    if (!call) return undefined;
    const imports = tree.rootNode.namedChildren
      .filter((n) => n && (n.type === 'import_statement' || n.type === 'import_from_statement'))
      .map((n) => n!.text);
    const stmt = call.parent?.type === 'expression_statement' || call.parent?.type === 'decorator' ? call.text : `y = ${call.text}`;
    return `${imports.join('\n')}\n\n${stmt}\n`;
  } finally {
    tree.delete();
    parser.delete();
  }
}

/** The generated cases for every concept/direction the catalog can express as one call. */
export function catalogCases(): Case[] {
  const out: Case[] = [];
  for (const c of getCatalog().concepts) {
    for (const from of FRAMEWORKS) {
      const source = sampleSource(c.id, from);
      if (!source) continue;
      for (const to of FRAMEWORKS) {
        if (to === from) continue;
        const r = translateSourceSync(source, to);
        out.push({ name: `${c.id}: ${from} -> ${to}`, concept: c.id, from, to, source, expected: r.text });
      }
    }
  }
  return out;
}
