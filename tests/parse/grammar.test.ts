/** The grammar/runtime pair loads and parses modern Python without error nodes. */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser, createParser, getLanguage, safeParse } from '../../server/src/parse/parser';

const PY312 = `
from __future__ import annotations
import asyncio
from dataclasses import dataclass

type Vector = list[float]

@dataclass(frozen=True)
class Point[T]:
    x: T
    y: T

def first[T](xs: list[T]) -> T | None:
    return xs[0] if xs else None

async def fetch(n: int) -> list[int]:
    async with asyncio.timeout(1):
        results = [i async for i in agen(n)]
        await asyncio.sleep(0)
    return results

async def agen(n):
    for i in range(n):
        yield i

def describe(cmd):
    match cmd:
        case {"op": "add", "args": [a, b, *rest]}:
            return a + b
        case Point(x=0, y=y) if y > 0:
            return f"on the y axis at {y!r:>8}"
        case [int(i), *_] | (str() as i):
            return i
        case _:
            return None

if (n := len("walrus")) > 3:
    print(f"{n=} {'nested' + f'{n:{n}d}'}")

def pos_only(a, /, b, *, c=1, **kw) -> None: ...
lam = lambda *a, **k: (a, k)
x = [*range(3), *[4]]
d = {**{"a": 1}, "b": 2}
try:
    pass
except* ValueError as eg:
    raise
`;

describe('grammar', () => {
  beforeAll(async () => { await initParser(); });

  it('parses Python 3.12 syntax with no error node', () => {
    const parser = createParser();
    const tree = parser.parse(PY312)!;
    const errors = tree.rootNode.descendantsOfType(['ERROR']);
    expect(errors.map((e) => e?.text)).toEqual([]);
    expect(tree.rootNode.hasError).toBe(false);
    for (const t of ['match_statement', 'decorated_definition', 'named_expression', 'type_alias_statement', 'interpolation', 'await', 'except_clause', 'type_parameter', 'keyword_separator', 'positional_separator']) {
      expect(tree.rootNode.descendantsOfType(t).length, t).toBeGreaterThan(0);
    }
  });

  it('records an ABI-compatible pair and ships the same bytes as the npm packages', () => {
    expect(getLanguage().abiVersion).toBeGreaterThanOrEqual(14);
    const root = path.resolve(__dirname, '..', '..');
    for (const [pkg, file] of [['tree-sitter-python', 'tree-sitter-python.wasm'], ['web-tree-sitter', 'web-tree-sitter.wasm']]) {
      const shipped = fs.readFileSync(path.join(root, 'grammars', file));
      const fromNpm = fs.readFileSync(path.join(root, 'node_modules', pkg, file));
      expect(shipped.equals(fromNpm), file).toBe(true);
      const version = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
      expect(fs.readFileSync(path.join(root, 'grammars', 'VERSIONS.md'), 'utf8')).toContain(`| \`${file}\` | \`${pkg}\` | ${version} |`);
    }
  });
});

describe('safeParse', () => {
  beforeAll(async () => { await initParser(); });

  it('starts afresh after a parse it gave up on (the parser would otherwise resume it on the next text)', () => {
    const parser = createParser();
    try {
      const big = `x = [${'1, '.repeat(50_000)}]\n`;
      // A budget already spent: the parse is given up at the first check.
      expect(safeParse(parser, big, null, -1)).toBeUndefined();
      const small = 'def f(a):\n    return a + 1\n';
      const tree = safeParse(parser, small)!;
      const fresh = createParser();
      const expected = fresh.parse(small)!;
      try {
        expect(tree.rootNode.toString()).toBe(expected.rootNode.toString());
        expect(tree.rootNode.hasError).toBe(false);
      } finally {
        tree.delete();
        expected.delete();
        fresh.delete();
      }
    } finally {
      parser.delete();
    }
  });

  it('reads the text in pieces and gives the tree of the whole string, whatever falls on a piece boundary', () => {
    const parser = createParser();
    const whole = createParser();
    try {
      // A character outside the BMP (two UTF-16 units) across every offset near the boundaries of the
      // pieces a parse straight through the text reads (64, 256, 1,024, then 4,096 characters), in a
      // name, a string and a comment; then the same file re-parsed after an edit.
      const pads: number[] = [];
      for (const boundary of [64, 320, 1344, 5440, 9536]) for (let pad = boundary - 8; pad < boundary + 3; pad++) pads.push(pad);
      for (const pad of pads) {
        const text = `${'#'.repeat(pad)}\n𝒳𝒴 = "😀𝒵" + 𝒳𝒴  # 😀\n${'y = 1\n'.repeat(300)}é = "ü😀"\n`;
        const tree = safeParse(parser, text)!;
        const expected = whole.parse(text)!;
        try {
          expect(tree.rootNode.toString(), `pad ${pad}`).toBe(expected.rootNode.toString());
          expect(tree.rootNode.hasError).toBe(false);
          expect(tree.rootNode.endIndex).toBe(text.length);
          const edited = text.replace('y = 1\n', 'y = 2\n');
          tree.edit({ startIndex: pad + 1 + text.slice(pad + 1).indexOf('y = 1') + 4, oldEndIndex: pad + 1 + text.slice(pad + 1).indexOf('y = 1') + 5,
            newEndIndex: pad + 1 + text.slice(pad + 1).indexOf('y = 1') + 5, startPosition: { row: 2, column: 4 }, oldEndPosition: { row: 2, column: 5 }, newEndPosition: { row: 2, column: 5 } });
          const again = safeParse(parser, edited, tree)!;
          const fresh = whole.parse(edited)!;
          expect(again.rootNode.toString()).toBe(fresh.rootNode.toString());
          expect(again.rootNode.descendantForIndex(pad + 1).text).toBe('𝒳𝒴');
          again.delete();
          fresh.delete();
        } finally {
          tree.delete();
          expected.delete();
        }
      }
    } finally {
      parser.delete();
      whole.delete();
    }
  });
});
