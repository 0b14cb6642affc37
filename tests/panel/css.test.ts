/** The panel stylesheet takes every colour from the VS Code theme (readable in light, dark and high contrast). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './fixtures';

const css = fs.readFileSync(path.join(REPO, 'media', 'panel', 'panel.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
const COLOUR_PROPS = /^(color|background(-color)?|border(-(top|right|bottom|left))?(-color)?|outline(-color)?|fill|stroke|box-shadow|text-decoration-color)$/;
const declarations = [...css.matchAll(/([a-z-]+)\s*:\s*([^;{}]+);/g)].map((m) => ({ prop: m[1]!, value: m[2]!.trim() }));

describe('panel.css', () => {
  it('has no hard-coded colours: only --vscode-* variables (and transparent / system colours in forced-colors mode)', () => {
    expect(css).not.toMatch(/#[0-9a-fA-F]{3,8}\b/);
    expect(css).not.toMatch(/\b(rgba?|hsla?|hwb|lab|lch|oklch|color)\(/);
    const colourDecls = declarations.filter((d) => COLOUR_PROPS.test(d.prop));
    expect(colourDecls.length).toBeGreaterThan(20);
    for (const { prop, value } of colourDecls) {
      const rest = value
        .replace(/var\(--vscode-[A-Za-z0-9-]+(,\s*var\(--vscode-[A-Za-z0-9-]+(,\s*(transparent|var\(--vscode-[A-Za-z0-9-]+\)))?\))?(,\s*transparent)?\)/g, '')
        .replace(/\b(transparent|inherit|none|CanvasText|solid|\d+(\.\d+)?(px|em)?)\b/g, '')
        .trim();
      expect(rest, `${prop}: ${value}`).toBe('');
    }
  });

  it('shows keyboard focus with the theme focus border', () => {
    expect(css).toMatch(/:focus-visible\s*\{[^}]*outline:\s*1px solid var\(--vscode-focusBorder\)/);
  });
});
