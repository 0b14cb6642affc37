/**
 * Python syntax highlighting for the equivalence panel with Shiki, run on the extension side.
 *
 * Only what is needed is loaded: `shiki/core`, the Python grammar, four themes, and the JavaScript
 * regex engine (no WASM). Shiki is imported lazily, so activation does not pay for it.
 *
 * Theme following: every snippet is tokenized once against all four themes (VS Code's own Light+ and
 * Dark+, and GitHub's high-contrast light and dark). Tokens get a class per distinct colour
 * combination, and a stylesheet selects the colour by the class VS Code puts on the webview's
 * <body> (`vscode-light`, `vscode-dark`, `vscode-high-contrast`, `vscode-high-contrast-light`), so a
 * theme switch recolours the open panel without re-rendering. Tokens in a theme's default
 * foreground get no colour at all and inherit `--vscode-editor-foreground`.
 *
 * The output is a class-based HTML fragment plus CSS text — no inline style attributes, which the
 * panel's Content-Security-Policy would block — and token text is escaped with `escapeHtml`.
 * Pure apart from the dynamic imports: no 'vscode' import.
 */
import type { HighlighterCore, ThemedTokenWithVariants } from 'shiki/core';
import { escapeHtml } from './escape';

/** Theme key → the Shiki theme name, and the <body> selector VS Code enables it with. */
export const THEME_SLOTS = [
  { key: 'light', theme: 'light-plus', selector: 'body.vscode-light' },
  { key: 'dark', theme: 'dark-plus', selector: 'body.vscode-dark' },
  { key: 'hcDark', theme: 'github-dark-high-contrast', selector: 'body.vscode-high-contrast:not(.vscode-high-contrast-light)' },
  { key: 'hcLight', theme: 'github-light-high-contrast', selector: 'body.vscode-high-contrast-light' },
] as const;

export interface HighlightResult {
  /** Per input snippet: the inner HTML for its <code> element (token spans and escaped text). */
  blocks: string[];
  /** The stylesheet for the token classes used by `blocks`. */
  css: string;
}

export interface PythonHighlighter {
  /** Highlights the snippets together (they share one class table and stylesheet). Never throws. */
  highlight(snippets: readonly string[]): HighlightResult;
}

/** Snippets longer than this are shown escaped but not highlighted. */
export const MAX_HIGHLIGHT_LENGTH = 50_000;

const COLOR_RE = /^#[0-9a-fA-F]{3,8}$/;
const FONT_ITALIC = 1;
const FONT_BOLD = 2;
const FONT_UNDERLINE = 4;
const FONT_STRIKE = 8;

/** A snippet as plain escaped text: the fallback when highlighting is unavailable. */
export function plainCodeHtml(snippet: string): string {
  return escapeHtml(stripFinalNewline(snippet));
}

function stripFinalNewline(s: string): string {
  return s.endsWith('\n') ? s.slice(0, -1) : s;
}

interface Style {
  color: string | undefined;
  fontStyle: number;
}

/** Builds HTML and CSS from tokens; exported for tests that feed hand-made tokens. */
export class TokenRenderer {
  private readonly classes = new Map<string, string>();
  private readonly rules: string[] = [];

  /** `defaults[i]` is the default foreground of THEME_SLOTS[i] (tokens in it are left uncoloured). */
  constructor(private readonly defaults: readonly (string | undefined)[]) {}

  renderLines(lines: readonly ThemedTokenWithVariants[][]): string {
    return lines.map((line) => line.map((t) => this.renderToken(t)).join('')).join('\n');
  }

  css(): string {
    return this.rules.join('\n');
  }

  private renderToken(token: ThemedTokenWithVariants): string {
    const text = escapeHtml(token.content);
    const styles: Style[] = THEME_SLOTS.map((slot, i) => {
      const v = token.variants[slot.key];
      const color = v?.color && COLOR_RE.test(v.color) && v.color.toLowerCase() !== this.defaults[i]?.toLowerCase() ? v.color.toLowerCase() : undefined;
      const fontStyle = typeof v?.fontStyle === 'number' && v.fontStyle > 0 ? v.fontStyle & 15 : 0;
      return { color, fontStyle };
    });
    if (styles.every((s) => s.color === undefined && s.fontStyle === 0)) return text;
    const key = styles.map((s) => `${s.color ?? ''}/${s.fontStyle}`).join(';');
    let cls = this.classes.get(key);
    if (!cls) {
      cls = `tk${this.classes.size}`;
      this.classes.set(key, cls);
      styles.forEach((s, i) => {
        const decl = declarations(s);
        if (decl) this.rules.push(`${THEME_SLOTS[i]!.selector} .${cls}{${decl}}`);
      });
    }
    return `<span class="${cls}">${text}</span>`;
  }
}

function declarations(s: Style): string {
  const out: string[] = [];
  if (s.color) out.push(`color:${s.color}`);
  if (s.fontStyle & FONT_ITALIC) out.push('font-style:italic');
  if (s.fontStyle & FONT_BOLD) out.push('font-weight:bold');
  const lines = [s.fontStyle & FONT_UNDERLINE ? 'underline' : '', s.fontStyle & FONT_STRIKE ? 'line-through' : ''].filter(Boolean);
  if (lines.length) out.push(`text-decoration:${lines.join(' ')}`);
  return out.join(';');
}

let shared: Promise<PythonHighlighter> | undefined;

/** The process-wide highlighter (created, and its regexes compiled, on first use). */
export function getPythonHighlighter(): Promise<PythonHighlighter> {
  shared ??= createPythonHighlighter().catch((err: unknown) => {
    shared = undefined;
    throw err;
  });
  return shared;
}

export async function createPythonHighlighter(): Promise<PythonHighlighter> {
  const [{ createHighlighterCore }, { createJavaScriptRegexEngine }, python, lightPlus, darkPlus, hcDark, hcLight] = await Promise.all([
    import('shiki/core'),
    import('shiki/engine/javascript'),
    import('shiki/langs/python.mjs'),
    import('shiki/themes/light-plus.mjs'),
    import('shiki/themes/dark-plus.mjs'),
    import('shiki/themes/github-dark-high-contrast.mjs'),
    import('shiki/themes/github-light-high-contrast.mjs'),
  ]);
  const core: HighlighterCore = await createHighlighterCore({
    themes: [lightPlus.default, darkPlus.default, hcDark.default, hcLight.default],
    langs: [python.default],
    engine: createJavaScriptRegexEngine(),
  });
  const defaults = THEME_SLOTS.map((slot) => core.getTheme(slot.theme).fg);
  const themes = Object.fromEntries(THEME_SLOTS.map((slot) => [slot.key, slot.theme]));
  // Compile the grammar's regexes now (the first tokenization is the slow one), not on first render.
  core.codeToTokensWithThemes('import torch\nx = torch.ones(2)  # warm up\n', { lang: 'python', themes });

  return {
    highlight(snippets) {
      const renderer = new TokenRenderer(defaults);
      const blocks = snippets.map((snippet) => {
        if (snippet.length > MAX_HIGHLIGHT_LENGTH) return plainCodeHtml(snippet);
        try {
          return renderer.renderLines(core.codeToTokensWithThemes(stripFinalNewline(snippet), { lang: 'python', themes }));
        } catch {
          return plainCodeHtml(snippet);
        }
      });
      return { blocks, css: renderer.css() };
    },
  };
}
