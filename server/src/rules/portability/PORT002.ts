import type { Rule } from '../types';
import { catalogApis } from '../../catalog/apis';

const LABEL: Record<string, string> = { torch: 'PyTorch', jax: 'JAX', tensorflow: 'TensorFlow' };

export const PORT002: Rule = {
  meta: {
    code: 'PORT002',
    name: 'translatable-idiom',
    framework: 'portability',
    category: 'portability',
    defaultSeverity: 'hint',
    enabledByDefault: false,
    // Its fixes are the translation code actions offered on the marked call, not a Finding.fix.
    fixable: true,
    summary: 'Marks calls that match an idiom of the equivalence catalog, so its translations and equivalents are discoverable.',
  },
  // The call visitor reports callees the catalog names only (read when the rule is first enabled).
  get calls() { return { callees: catalogApiNames() }; },
  local: true,
  create(ctx) {
    const { facts } = ctx;
    return {
      call(node) {
        const q = facts.callee(node);
        const message = q ? messageFor(q) : null;
        if (message) ctx.report(node.childForFieldName('function')!, message);
      },
    };
  },
};

let apiNames: string[] | undefined;
function catalogApiNames(): string[] {
  return (apiNames ??= [...catalogApis().keys()]);
}

/**
 * The message for a call of `q`, or null when the catalog has no idiom with equivalents for it:
 * worked out once per name and process (the catalog is read once), since a file of framework code
 * asks it for most of its calls.
 */
const messages = new Map<string, string | null>();
function messageFor(q: string): string | null {
  let m = messages.get(q);
  if (m !== undefined) return m;
  m = null;
  const concepts = catalogApis().get(q);
  if (concepts && concepts.length > 0) {
    // The concepts where this API is the idiom itself rather than a helper of its snippet.
    const shown = concepts.filter((c) => c.equivalents.length > 0)
      .sort((a, b) => a.rank - b.rank || a.size - b.size).slice(0, 1);
    const targets = [...new Set(shown.flatMap((c) => c.equivalents))].map((k) => LABEL[k] ?? k);
    if (targets.length > 0) {
      const ids = shown.map((c) => c.id).join(', ');
      m = `${q} is a catalogued idiom (${ids}${concepts.length > 1 ? ', …' : ''}) with equivalents in ${targets.join(' and ')}: use the code actions to see them or translate the call.`;
    }
  }
  messages.set(q, m);
  return m;
}
