/**
 * Loads the tree-sitter runtime and the Python grammar (WASM) once per process and hands out parsers.
 * Parsing never throws to callers: see `safeParse`.
 */
import * as path from 'node:path';
import { findResourceDir, resourceCandidates } from '../resources';
import { Language, Parser, type Tree } from 'web-tree-sitter';

let language: Language | undefined;
let initPromise: Promise<Language> | undefined;
let runtime: Record<string, unknown> | undefined;

/** The WASM runtime object (functions and heap views), once `initParser()` has run; see syntax.ts. */
export function wasmRuntime(): Record<string, unknown> | undefined {
  return runtime;
}

export function locateGrammarDir(): string {
  const dir = findResourceDir('grammars', 'tree-sitter-python.wasm', 'FRAMEWISE_GRAMMARS');
  if (dir) return dir;
  throw new Error(`Framewise: tree-sitter-python.wasm not found (looked in ${resourceCandidates('grammars', 'FRAMEWISE_GRAMMARS').join(', ')})`);
}

/** Initialise the runtime and load the grammar; safe to call many times. */
export function initParser(): Promise<Language> {
  if (!initPromise) {
    initPromise = (async () => {
      const dir = locateGrammarDir();
      // Emscripten makes the options object the module itself: kept so that syntax.ts can walk a
      // whole tree with the runtime's own cursor functions (see `flatten`).
      const options: Record<string, unknown> = { locateFile: (name: string) => path.join(dir, name) };
      await Parser.init(options);
      runtime = options;
      language = await Language.load(path.join(dir, 'tree-sitter-python.wasm'));
      return language;
    })();
  }
  return initPromise;
}

/** Whether `initParser()` has completed (parsers can be made). */
export function parserReady(): boolean {
  return language !== undefined;
}

export function getLanguage(): Language {
  if (!language) throw new Error('Framewise: initParser() must complete before parsing');
  return language;
}

export function createParser(): Parser {
  const parser = new Parser();
  parser.setLanguage(getLanguage());
  return parser;
}

/**
 * The text as the parser is given it: lone CRs (a line break in Python and in LSP) become '\n', which
 * tree-sitter-python otherwise takes for plain whitespace, and tree-sitter for no line break at all.
 * Same length, same offsets, so positions and indices carry over; only node `text` shows '\n' there.
 */
export function parserText(text: string): string {
  return text.indexOf('\r') === -1 ? text : text.replace(/\r(?!\n)/g, '\n');
}

/**
 * Characters handed to the parser per read. Given a string, web-tree-sitter copies up to 5,119
 * characters into WASM memory on every read. A re-parse after an edit reads a little at every
 * top-level statement it reuses (a 5,000-line file: 159 reads for one keystroke) and needs a few
 * characters there, while a full parse reads the text straight through. So a read that does not
 * continue the last one gets `FIRST_PIECE` characters, and each read that does gets four times as
 * many as the last, up to `MAX_PIECE`: the keystroke's re-parse 0.56 → 0.50 ms at the median (the
 * same edits, alternated with fixed pieces of 1,024), a full parse as fast as with those.
 */
const FIRST_PIECE = 64;
const MAX_PIECE = 4096;

/**
 * Where the piece of `size` characters read from `index` ends, or one character later, so as not
 * to end between the two halves of a character outside the BMP. tree-sitter's lexer takes a lone
 * high surrogate at the end of a piece for a character of its own, an ERROR in the tree
 * (web-tree-sitter's own reads of a string split such characters at 5,119-character boundaries).
 */
function pieceEnd(text: string, index: number, size: number): number {
  const end = index + size;
  const last = text.charCodeAt(end - 1);
  return last >= 0xd800 && last <= 0xdbff ? end + 1 : end;
}

/** The parser's reads of `input`: pieces that grow while the reads go straight through the text. */
function reader(input: string): (index: number) => string {
  let next = -1;
  let size = FIRST_PIECE;
  return (index: number) => {
    size = index === next ? Math.min(size * 4, MAX_PIECE) : FIRST_PIECE;
    next = pieceEnd(input, index, size);
    return input.slice(index, next);
  };
}

/** Longest a single parse may run before it is abandoned (ms). */
export const PARSE_BUDGET_MS = 10_000;

/**
 * Parse with a time budget. Returns undefined if the parser gave up (time budget) or failed;
 * never throws.
 */
export function safeParse(parser: Parser, text: string, oldTree?: Tree | null, budgetMs = PARSE_BUDGET_MS): Tree | undefined {
  const start = Date.now();
  try {
    const input = parserText(text);
    const tree = parser.parse(reader(input), oldTree ?? null, {
      progressCallback: () => Date.now() - start > budgetMs,
    });
    // A parse given up on stays in the parser, and its next parse would resume it, over whatever text
    // that one is given (a tree of the old text's tokens): start the next one afresh.
    if (!tree) parser.reset();
    return tree ?? undefined;
  } catch {
    // A parser that threw may hold a half-built parse: drop it. If even that fails, the runtime is
    // unusable; callers see "parse failed" either way and keep serving other requests.
    try { parser.reset(); } catch { /* nothing more to do */ }
    return undefined;
  }
}
