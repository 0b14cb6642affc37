/**
 * What the mirror walk (syntax.ts) may know of a node from its type alone, so that it need not ask the
 * runtime. Each question to the runtime is a call into WASM; on a typical file the walk makes six per
 * node, and a third of the nodes are punctuation, operators and keywords.
 *
 * - An anonymous node is a token spelled as its type (`(`, `+=`, `def`), always a leaf, in a tree
 *   with no syntax error: its end is its start plus that spelling's length, and it has no children.
 *   Two anonymous types are not leaves: `is not` and `not in` are aliases of two tokens each, with
 *   any whitespace between. With a syntax error, a MISSING token is empty: the walk asks then.
 * - A child has a field only when its parent's type has fields, and an anonymous child only when one
 *   of those fields can hold an anonymous node (`binary_operator`'s `operator`, `for_in_clause`'s
 *   `right` with its commas).
 *
 * Both come from the grammar's own `node-types.json` (the package whose WASM is in grammars/, the
 * same version: tests/parse/grammar.test.ts). A language of any other version gets a shape that
 * assumes nothing, and the walk asks the runtime for everything, as before.
 */
import type { Language } from 'web-tree-sitter';
import nodeTypes from 'tree-sitter-python/src/node-types.json';
import grammarPackage from 'tree-sitter-python/package.json';

/** tree-sitter's type id of ERROR nodes (syntax.ts passes it on to the rest of the analysis). */
export const ERROR_TYPE_ID = 0xffff;

/** Per type id (ERROR's 0xffff included). */
export interface Shape {
  /** 1 for a named type */
  named: Uint8Array;
  /** the length of an anonymous type's tokens when they are leaves spelled as the type (0: ask) */
  leafLength: Uint8Array;
  /**
   * The fields a node of this type gives its children: 0 none, 1 only to named children, 2 to
   * anonymous ones too (ask the runtime for the field of each child).
   */
  fieldKinds: Uint8Array;
}

/** How node-types.json describes a type. */
interface NodeType {
  type: string;
  named: boolean;
  fields?: Record<string, { types: Array<{ type: string; named: boolean }> }>;
  children?: unknown;
  subtypes?: unknown;
}

/** `Shape.fieldKinds`: no child of this type's nodes has a field, only named ones can, any can. */
export const FIELDS_NONE = 0;
export const FIELDS_NAMED = 1;
export const FIELDS_ANY = 2;

const shapes = new WeakMap<Language, Shape>();

/** Whether `node-types.json` describes this language: the grammar's version is the package's. */
export function describes(language: Language, version: string = grammarPackage.version): boolean {
  const m = language.metadata;
  return language.name === 'python' && !!m && `${m.major_version}.${m.minor_version}.${m.patch_version}` === version;
}

/** The shape of a language's types (made once per language). */
export function shapeOf(language: Language): Shape {
  let shape = shapes.get(language);
  if (!shape) {
    shape = makeShape(language, describes(language) ? (nodeTypes as NodeType[]) : undefined);
    shapes.set(language, shape);
  }
  return shape;
}

/** The shape from `types` (node-types.json); without them, one that assumes nothing. */
export function makeShape(language: Language, types: NodeType[] | undefined): Shape {
  const named = new Uint8Array(0x10000);
  const leafLength = new Uint8Array(0x10000);
  const fieldKinds = new Uint8Array(0x10000).fill(FIELDS_ANY);
  named[ERROR_TYPE_ID] = 1;
  // Anonymous types without children, and the fields of named types (supertypes such as `expression`
  // never appear in a tree: left out). A type node-types.json does not list gets no assumption.
  const leaves = new Set((types ?? []).filter((t) => !t.named && !t.fields && !t.children && !t.subtypes).map((t) => t.type));
  const kinds = new Map((types ?? []).filter((t) => t.named && !t.subtypes).map((t) => [t.type, fieldKind(t)]));
  for (let id = 0; id < language.types.length; id++) {
    const name = language.types[id];
    const isNamed = language.nodeTypeIsNamed(id);
    named[id] = isNamed ? 1 : 0;
    if (!types || !name) continue;
    // A printable ASCII spelling: its length in UTF-16 code units is its length in characters.
    if (!isNamed && leaves.has(name) && name.length < 256 && /^[\x21-\x7e]+$/.test(name)) leafLength[id] = name.length;
    const kind = isNamed ? kinds.get(name) : undefined;
    if (kind !== undefined) fieldKinds[id] = kind;
  }
  return { named, leafLength, fieldKinds };
}

function fieldKind(t: NodeType): number {
  const fields = Object.values(t.fields ?? {});
  if (fields.length === 0) return FIELDS_NONE;
  return fields.some((f) => f.types.some((v) => !v.named)) ? FIELDS_ANY : FIELDS_NAMED;
}
