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
 * characters into WASM memory on every read, and a re-parse after an edit reads at every place it
 * cannot reuse the old tree: 5k-line file, one keystroke, its re-parse 1.29 → 0.89–0.94 ms with
 * 1,024 (a full parse the same).
 */
const PARSE_CHUNK = 1024;

/**
 * Where the piece read from `index` ends: `PARSE_CHUNK` characters on, or one more so as not to end
 * between the two halves of a character outside the BMP. tree-sitter's lexer takes a lone high
 * surrogate at the end of a piece for a character of its own, an ERROR in the tree (web-tree-sitter's
 * own reads of a string split such characters at 5,119-character boundaries).
 */
function pieceEnd(text: string, index: number): number {
  const end = index + PARSE_CHUNK;
  const last = text.charCodeAt(end - 1);
  return last >= 0xd800 && last <= 0xdbff ? end + 1 : end;
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
    const tree = parser.parse((index: number) => input.slice(index, pieceEnd(input, index)), oldTree ?? null, {
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
