/** The rule model: one rule per file, pure functions of (tree, facts, settings) → findings. */
import type { SyntaxNode as Node } from '../parse/mirror';
import type { Facts } from '../resolve/facts';
import type { Range } from '../parse/document';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type Framework = 'jax' | 'tensorflow' | 'torch' | 'portability';
export type Category = 'correctness' | 'performance' | 'portability' | 'deprecation';

export interface RuleMeta {
  code: string;
  name: string;
  framework: Framework;
  category: Category;
  defaultSeverity: Severity;
  /** Off unless selected (PORT002). */
  enabledByDefault?: boolean;
  /** Whether some findings carry an automatic fix. */
  fixable: boolean;
  /** One line, shown in `framewise rules`. */
  summary: string;
}

export interface TextEdit { range: Range; newText: string }
export interface Fix {
  title: string;
  edits: TextEdit[];
  /**
   * The fix changes behaviour in some programs (its doc's "Fix safety" says when): it is offered on
   * its own diagnostic but never applied by "fix all" or `source.fixAll`.
   */
  suggestion?: boolean;
}

export interface Finding {
  code: string;
  message: string;
  range: Range;
  severity: Severity;
  fix?: Fix;
}

export interface RuleContext {
  readonly facts: Facts;
  readonly source: string;
  report(node: Node | Range, message: string, fix?: Fix): void;
  /** Range of a node in LSP coordinates. */
  range(node: Node): Range;
  /**
   * How to name `qualified` here (e.g. `jax.debug.print` → `jax.debug.print` if `import jax`), plus the
   * import edit to add when nothing binds it yet.
   */
  nameFor(qualified: string, preferredImport?: { module: string; alias?: string }): { text: string; edits: TextEdit[] };
}

/** Node type → handler; `exit` runs after every node was visited. */
export type Visitor = { [nodeType: string]: ((node: Node) => void) | undefined } & { exit?: () => void };

/**
 * The calls a rule's `call` visitor can report on, so that the engine shows it only those: by qualified
 * callee (exact or by prefix), by method name (`x.item()`), or by bare name (`print(…)`). A call that
 * matches none is never shown to the visitor, so a filter must be implied by the visitor's own first
 * test (the rule fixtures hold the two together).
 */
export interface CallFilter {
  callees?: Iterable<string>;
  calleePrefixes?: string[];
  methods?: Iterable<string>;
  names?: Iterable<string>;
}

export interface Rule {
  meta: RuleMeta;
  /** Without it, the `call` visitor sees every call. */
  calls?: CallFilter;
  /**
   * The last names (`x.<name>`, the `attribute` field) of the attribute nodes the rule's `attribute`
   * visitor can report on; without it, the visitor sees every attribute. Like `calls`, it must be
   * implied by the visitor's own first test.
   */
  attributes?: Iterable<string>;
  /**
   * Statement-local: what the rule reports while visiting a node depends only on the text of the
   * top-level statement holding the node, the facts of the containers inside it, the import table,
   * and facts keyed by names written in that statement (their defs, classes, assignments, params);
   * it reports only inside that statement (from `exit` too, where it reports by what it saw in the
   * statements it visited). The incremental analysis
   * (incremental.ts) then re-runs it only on the statements an edit can have changed and keeps its
   * findings elsewhere. Without it, the rule sees the whole file on every analysis.
   */
  local?: boolean;
  /**
   * Top-level packages (`torch`, `tensorflow`) of which the file must import at least one (anywhere,
   * `from … import *` included) for the rule to report anything: in any other file it is skipped.
   * Only for a rule whose every report already depends on such an import (tests/rules/requires.test.ts
   * checks it on the rule's fixtures with those imports taken out).
   */
  requires?: readonly string[];
  create(ctx: RuleContext): Visitor;
}
