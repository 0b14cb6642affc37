/** Catalog entries as Markdown (hover) and as a plain-text side-by-side table (CLI). */
import { FRAMEWORKS, FRAMEWORK_LABEL, type DefaultValue, type FrameworkKey, type LoadedConcept } from './types';

function primaryApi(c: LoadedConcept, fw: FrameworkKey): string | undefined {
  const form = c.frameworks[fw];
  return form.call?.fn ?? form.apis[0];
}

function py(v: DefaultValue | undefined): string {
  if (v === undefined) return '';
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
/** A fence that the snippet cannot close early. */
function fence(code: string, lang = 'python'): string {
  let ticks = '```';
  while (code.includes(ticks)) ticks += '`';
  return `${ticks}${lang}\n${code.replace(/\n+$/, '')}\n${ticks}`;
}

export interface MarkdownOptions {
  /** The framework the user is looking at: its form is not repeated, only the other two. */
  from?: FrameworkKey;
  /** The API under the cursor. */
  api?: string;
  /** Ids of other concepts the API belongs to. */
  also?: string[];
  /** Leave out snippets (shorter hovers). */
  snippets?: boolean;
}

export function conceptMarkdown(c: LoadedConcept, o: MarkdownOptions = {}): string {
  const out: string[] = [];
  out.push(`**${c.title}** — \`${c.id}\``, '', c.summary, '');
  const shown = FRAMEWORKS.filter((fw) => fw !== o.from);
  for (const fw of shown) {
    const form = c.frameworks[fw];
    const api = primaryApi(c, fw);
    const apis = form.apis.length ? form.apis.filter((a) => a === api || !/^(torch|jax|tensorflow|keras)\.(randn|ones|zeros|array|constant)$/.test(a)) : [];
    const head = `**${FRAMEWORK_LABEL[fw]}**${form.exists ? (api ? ` \`${api}\`` : '') : ' — no direct equivalent'} · [docs](${form.docs})`;
    out.push(head);
    if (!form.exists && form.nearest) out.push('', `Nearest: ${form.nearest}`);
    const rest = apis.filter((a) => a !== api).slice(0, 6);
    if (rest.length) out.push('', `Also uses: ${rest.map((a) => `\`${a}\``).join(', ')}`);
    if (o.snippets !== false) out.push('', fence(form.snippet));
    for (const n of form.notes ?? []) out.push(`- ${n}`);
    out.push('');
  }
  const args = c.args ?? [];
  if (args.length) {
    out.push('| argument | PyTorch | JAX | TensorFlow | notes |', '|---|---|---|---|---|');
    for (const a of args) {
      const cell = (fw: FrameworkKey) => {
        const name = a[fw];
        const d = a.defaults?.[fw];
        if (name === null) return a.kind === 'drop' ? '— (not needed)' : '—';
        return `\`${name}\`${d !== undefined ? ` = ${mdCell(py(d))}` : ''}`;
      };
      out.push(`| ${mdCell(a.name)} | ${cell('torch')} | ${cell('jax')} | ${cell('tensorflow')} | ${mdCell(a.note ?? '')} |`);
    }
    out.push('');
  }
  if (c.differences.length) {
    out.push('**Differences**', '', ...c.differences.map((d) => `- ${d}`), '');
  }
  if (o.also?.length) out.push(`Also: ${o.also.map((id) => `\`${id}\``).join(', ')}`, '');
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim() + '\n';
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines;
}

/**
 * The entry as plain text: a table with the three frameworks side by side (API, then one row per
 * argument), the differences, then each framework's snippet and docs.
 */
export function conceptText(c: LoadedConcept, width = 100): string {
  const out: string[] = [];
  out.push(`${c.id} — ${c.title}`, ...wrap(c.summary, width), '');
  const rows: string[][] = [['', ...FRAMEWORKS.map((fw) => FRAMEWORK_LABEL[fw])]];
  rows.push(['API', ...FRAMEWORKS.map((fw) => (c.frameworks[fw].exists ? primaryApi(c, fw) ?? '' : `(none) ${primaryApi(c, fw) ?? ''}`.trim()))]);
  for (const a of c.args ?? []) {
    rows.push([a.name, ...FRAMEWORKS.map((fw) => (a[fw] === null ? (a.kind === 'drop' ? '- (not needed)' : '-') : `${a[fw]}${a.defaults?.[fw] !== undefined ? `=${py(a.defaults[fw])}` : ''}`))]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [i, r] of rows.entries()) {
    out.push(r.map((v, j) => v.padEnd(widths[j])).join('  ').trimEnd());
    if (i === 1 && rows.length > 2) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  out.push('');
  if (c.differences.length) {
    out.push('Differences:');
    for (const d of c.differences) out.push(...wrap(d, width - 4).map((l, i) => (i ? '    ' : '  - ') + l));
    out.push('');
  }
  for (const fw of FRAMEWORKS) {
    const form = c.frameworks[fw];
    out.push(`${FRAMEWORK_LABEL[fw]}${form.exists ? '' : ' — no direct equivalent'}  (${form.docs})`);
    if (!form.exists && form.nearest) out.push(...wrap(`nearest: ${form.nearest}`, width - 2).map((l) => '  ' + l));
    for (const n of form.notes ?? []) out.push(...wrap(`note: ${n}`, width - 2).map((l) => '  ' + l));
    out.push(...form.snippet.replace(/\n+$/, '').split('\n').map((l) => ('    ' + l).trimEnd()), '');
  }
  return out.join('\n');
}
