import { beforeAll, describe, expect, it } from 'vitest';
import { createPythonHighlighter, MAX_HIGHLIGHT_LENGTH, plainCodeHtml, THEME_SLOTS, TokenRenderer, type PythonHighlighter } from '../../client/src/panel/highlight';
import { catalogConcepts, PAYLOAD } from './fixtures';

/** Drop the markup of a highlighted block and decode the entities escapeHtml produces. */
function textOf(html: string): string {
  return html
    .replace(/<span class="tk\d+">/g, '')
    .replace(/<\/span>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('Shiki Python highlighting', () => {
  let hl: PythonHighlighter;
  beforeAll(async () => {
    hl = await createPythonHighlighter();
  }, 60_000);

  it('colours keywords, strings, numbers and comments with per-theme class rules', () => {
    const { blocks, css } = hl.highlight(['import torch\nx = torch.ones(2, 3)  # comment\ns = "text"\n']);
    const html = blocks[0]!;
    expect(html).toMatch(/<span class="tk\d+">import<\/span>/);
    expect(html).toMatch(/<span class="tk\d+"># comment<\/span>/);
    expect(html).toMatch(/<span class="tk\d+">2<\/span>/);
    for (const slot of THEME_SLOTS) expect(css).toContain(`${slot.selector} .tk`);
    // Light+ colours comments #008000 and Dark+ #6a9955: the class of the comment carries both.
    const cls = /<span class="(tk\d+)"># comment<\/span>/.exec(html)![1];
    expect(css).toContain(`body.vscode-light .${cls}{color:#008000}`);
    expect(css).toContain(`body.vscode-dark .${cls}{color:#6a9955}`);
  });

  it('writes no style attributes (the CSP forbids them) and only hex colours in CSS', () => {
    const { blocks, css } = hl.highlight(catalogConcepts().slice(0, 20).map((c) => c.frameworks.torch.snippet));
    for (const b of blocks) expect(b).not.toMatch(/style=/);
    for (const rule of css.split('\n')) expect(rule).toMatch(/^body\.[a-z-]+(:not\(\.vscode-high-contrast-light\))? \.tk\d+\{(color:#[0-9a-f]{3,8}|font-style:italic|font-weight:bold|text-decoration:[a-z -]+)(;[^{}<>]+)*\}$/);
  });

  it('keeps the text exactly (minus one final newline) and escapes it', () => {
    const code = `x = a < b and c > d & e  # ${PAYLOAD}\ns = "${PAYLOAD}"\n`;
    const [html] = hl.highlight([code]).blocks;
    expect(html).not.toContain('<img');
    expect(html).not.toContain('</script>');
    expect(textOf(html!)).toBe(code.slice(0, -1));
  });

  it('round-trips every catalog snippet', () => {
    const snippets = catalogConcepts().flatMap((c) => (['torch', 'jax', 'tensorflow'] as const).map((fw) => c.frameworks[fw].snippet));
    const { blocks } = hl.highlight(snippets);
    blocks.forEach((b, i) => expect(textOf(b)).toBe(snippets[i]!.replace(/\n$/, '')));
  }, 120_000);

  it('shares one class table across the snippets of a render', () => {
    const { blocks, css } = hl.highlight(['import torch\n', 'import jax\n']);
    const a = /class="(tk\d+)">import/.exec(blocks[0]!)![1];
    const b = /class="(tk\d+)">import/.exec(blocks[1]!)![1];
    expect(a).toBe(b);
    expect(css.split('\n').filter((r) => r.includes(`.${a}{`))).toHaveLength(THEME_SLOTS.length);
  });

  it('falls back to escaped plain text for huge snippets', () => {
    const big = `# <b>\n${'x = 1\n'.repeat(MAX_HIGHLIGHT_LENGTH / 6 + 1)}`;
    expect(hl.highlight([big]).blocks[0]).toBe(plainCodeHtml(big));
  });
});

describe('TokenRenderer', () => {
  const token = (content: string, variants: Record<string, { color?: string; fontStyle?: number }>) => ({ content, offset: 0, variants });

  it('leaves tokens in each theme default colour unstyled and drops non-hex colours', () => {
    const r = new TokenRenderer(['#000000', '#D4D4D4', '#ffffff', '#0e1116']);
    const html = r.renderLines([
      [
        token('plain', { light: { color: '#000000' }, dark: { color: '#d4d4d4' }, hcDark: { color: '#FFFFFF' }, hcLight: { color: '#0e1116' } }),
        token('evil', { light: { color: 'red;}</style><script>alert(1)</script>' }, dark: { color: 'url(x)' } }),
        token('kw', { light: { color: '#0000ff', fontStyle: 1 | 2 }, dark: { color: '#569cd6', fontStyle: 4 | 8 } }),
      ],
    ]);
    expect(html).toBe('plainevil<span class="tk0">kw</span>');
    expect(r.css()).toBe(
      ['body.vscode-light .tk0{color:#0000ff;font-style:italic;font-weight:bold}', 'body.vscode-dark .tk0{color:#569cd6;text-decoration:underline line-through}'].join('\n'),
    );
  });
});
