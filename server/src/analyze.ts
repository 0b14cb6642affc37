/**
 * The analysis core: tree + text + settings → findings. The tree is read out of WASM once, in one walk
 * (parse/mirror.ts); the nodes of every type the facts and the enabled rules need are taken from it in
 * document order, facts are built once, then each node is dispatched to the rules that visit its type.
 * Nothing here knows about LSP.
 */
import type { Tree } from 'web-tree-sitter';
import { positionAt, type Range, type SkipReason } from './parse/document';
import { SyntaxTree, firstAtOrAfter, type SyntaxNode as Node } from './parse/mirror';
import { ERROR_TYPE_ID } from './parse/syntax';
import { Facts, FACT_NODE_TYPES, type FactsSeed, type SpareColumns } from './resolve/facts';
import { ALL_RULES } from './rules/index';
import type { Finding, Fix, Rule, RuleContext, TextEdit, Visitor } from './rules/types';
import { isRuleEnabled, severityFor, type Settings } from './config/settings';
import { suppressedCodes } from './suppress';
import { FilterIndex } from './filters';

export interface AnalysisResult {
  findings: Finding[];
  facts: Facts;
  /** Set when analysis gave up (time budget exceeded on a pathological tree). */
  skipped?: SkipReason;
}

/** Longest the rules may run over one document (ms) before analysis gives up with a notice. */
export const RULES_BUDGET_MS = 5000;

/** CPU time used by this process (ms). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * When the rules must stop: once they have run `RULES_BUDGET_MS` of wall-clock time and as much CPU
 * time. The CPU clock (a system call, as costly as the whole analysis of a ten-line file) is first
 * read only when the rules are still running after a second; that second counts as CPU time.
 */
class RulesBudget {
  private readonly wallStart = Date.now();
  private cpuStart: number | undefined;
  private cpuFrom = 0;

  over(): boolean {
    const wall = Date.now() - this.wallStart;
    if (wall < RULES_BUDGET_START_CPU_MS) return false;
    if (this.cpuStart === undefined) {
      this.cpuStart = cpuMs();
      this.cpuFrom = wall;
    }
    return wall > RULES_BUDGET_MS && this.cpuFrom + cpuMs() - this.cpuStart > RULES_BUDGET_MS;
  }
}
const RULES_BUDGET_START_CPU_MS = 1000;

export function enabledRules(settings: Settings, rules: Rule[] = ALL_RULES): Rule[] {
  return rules.filter((r) => isRuleEnabled(r.meta.code, r.meta.enabledByDefault !== false, settings));
}

export function analyzeTree(tree: Tree, source: string, settings: Settings = {}, rules: Rule[] = ALL_RULES): AnalysisResult {
  return analyzeSyntax(new SyntaxTree(tree, source), source, settings, rules);
}

/** The analysis of a tree already mirrored (see parse/mirror.ts). */
export function analyzeSyntax(syntax: SyntaxTree, source: string, settings: Settings = {}, rules: Rule[] = ALL_RULES, spare?: SpareColumns): AnalysisResult {
  const r = analyzeCore(syntax, source, settings, rules, undefined, undefined, spare);
  return r.skipped ? r : { findings: finishFindings(r.findings, source, syntax.lineStarts()), facts: r.facts };
}

/**
 * Which top-level statements the statement-local rules (`Rule.local`) visit on this run, and where
 * their findings go; made by the incremental analysis (incremental.ts) once the facts are built.
 * Rules that are not statement-local visit every node, as in a whole-file analysis.
 */
export interface StatementPlan {
  /** 1 at each top-level statement (a child of the module, by its place) whose nodes the statement-local rules visit */
  visit: Uint8Array;
  /** filled in: the statement-local rules' findings, by statement (visited statements only) */
  buckets: Finding[][];
  /** filled in: the names whose facts the statement-local rules looked up, by statement (`Facts.reads`) */
  reads: Array<Set<string>>;
}

/**
 * The analysis without suppression or sorting: the findings as the rules reported them. With a
 * `planner`, it is called once the facts are built, with the node number where each top-level
 * statement starts (then the node count), and its plan says which statements the statement-local
 * rules visit; their findings go to the plan's buckets instead of `findings`. `spare`: the column
 * buffers of retired facts, which the new facts take (see `Facts.retire`).
 */
export function analyzeCore(syntax: SyntaxTree, source: string, settings: Settings, rules: Rule[],
  planner?: (facts: Facts, starts: Int32Array) => StatementPlan, seed?: FactsSeed, spare?: SpareColumns): AnalysisResult {
  const enabled = enabledRules(settings, rules);
  const starts = syntax.lineStarts();
  const facts = new Facts(syntax.rootNode, source, seed, spare);
  const findings: Finding[] = [];
  const toRange = (node: Node): Range => {
    const start = node.startPosition;
    const end = node.endPosition;
    return { start: { line: start.row, character: start.column }, end: { line: end.row, character: end.column } };
  };
  // Where the statement-local rules' findings go while the dispatch is in a statement (with a plan);
  // from `exit`, to the statement where the finding starts (`bucketAt`).
  let bucket: Finding[] = findings;
  let exiting = false;
  const bucketAt = (range: Range): Finding[] => {
    if (!tops || !plan) return findings;
    const k = statementAt(syntax, tops, starts[Math.min(range.start.line, starts.length - 1)] + range.start.character);
    // A statement-local rule reports only in statements it visited; anything else goes with the
    // whole-file findings (the incremental tests would show the difference).
    return plan.visit[k] ? (plan.buckets[k] ??= []) : findings;
  };

  const created: Array<{ rule: Rule; visitor: Visitor; local: boolean }> = [];
  for (const rule of enabled) {
    const severity = severityFor(rule.meta.code, rule.meta.defaultSeverity, settings);
    const local = !!planner && rule.local === true;
    const ctx: RuleContext = {
      facts,
      source,
      range: toRange,
      report: local ? (target, message, fix?: Fix) => {
        const range = 'startIndex' in target ? toRange(target) : target;
        (exiting ? bucketAt(range) : bucket).push({ code: rule.meta.code, message, range, severity, fix });
      } : (target, message, fix?: Fix) => {
        const range = 'startIndex' in target ? toRange(target) : target;
        findings.push({ code: rule.meta.code, message, range, severity, fix });
      },
      nameFor: (qualified, preferred) => nameFor(facts, starts, qualified, preferred),
    };
    created.push({ rule, visitor: rule.create(ctx), local });
  }

  const types = new Set(FACT_NODE_TYPES);
  for (const { visitor } of created) for (const k of Object.keys(visitor)) if (k !== 'exit') types.add(k);
  // The numbers of every named node of those types, in document order; facts first, then each node
  // to the rules that visit its type. A node object is made only for a node some handler sees (see
  // `SyntaxTree.node`: made afresh, most die young).
  const numbers = syntax.numbersOfTypes(types, true);
  facts.build(numbers);
  // A rule that needs a package the file never imports (`Rule.requires`) has nothing to report: it
  // visits nothing.
  const visitors = created.filter(({ rule }) => !rule.requires || rule.requires.some((p) => facts.imports.packages.has(p)));
  const active = visitors.length === created.length ? enabled : visitors.map(({ rule }) => rule);

  // With a plan: the top-level statements, and which of them the statement-local rules visit.
  let tops: Int32Array | undefined;
  let plan: StatementPlan | undefined;
  if (planner) {
    tops = syntax.topLevel();
    plan = planner(facts, tops);
  }

  // Handlers by type id (a type name can have several ids), in rule order; ERROR's id (0xffff) apart,
  // so that the array stays small and dense. Those of statement-local rules (with a plan) apart too:
  // they see only the nodes of the statements the plan visits.
  const byTypeId: Array<Array<(n: Node) => void> | undefined> = [];
  const errorHandlers: Array<(n: Node) => void> = [];
  const localByTypeId: Array<Array<(n: Node) => void> | undefined> = [];
  const localErrorHandlers: Array<(n: Node) => void> = [];
  // `call` visitors of rules that declare which calls they want (`Rule.calls`) are reached through an
  // index instead: most calls interest a handful of the two dozen rules that visit calls. The same
  // for `attribute` visitors that declare the last names they want (`Rule.attributes`). The index is
  // made once per set of rules (filters.ts); here each filtered rule's slot gets its visitor.
  const index = FilterIndex.of(FilterIndex.filteredOf(active));
  const callBySlot: Array<Handler | undefined> = [];
  const attributeBySlot: Array<Handler | undefined> = [];
  const localSlot = new Uint8Array(index.rules.length);
  // Outside the statements the plan visits only the whole-file rules run: their own index (the same
  // as `index` without a plan), so that a call there is not matched against the statement-local rules.
  const wholeFile = planner ? FilterIndex.of(FilterIndex.filteredOf(active.filter((r) => r.local !== true))) : index;
  const wholeCallBySlot: Array<Handler | undefined> = [];
  const wholeAttributeBySlot: Array<Handler | undefined> = [];
  let slot = 0;
  let wholeSlot = 0;
  for (const { rule, visitor, local } of visitors) {
    const filtered = rule === index.rules[slot];
    const wholeFiltered = !local && rule === wholeFile.rules[wholeSlot];
    if (filtered && local) localSlot[slot] = 1;
    for (const [k, fn] of Object.entries(visitor)) {
      if (k === 'exit' || !fn) continue;
      if (filtered && k === 'call' && rule.calls) {
        callBySlot[slot] = fn;
        if (wholeFiltered) wholeCallBySlot[wholeSlot] = fn;
        continue;
      }
      if (filtered && k === 'attribute' && rule.attributes) {
        attributeBySlot[slot] = fn;
        if (wholeFiltered) wholeAttributeBySlot[wholeSlot] = fn;
        continue;
      }
      for (const id of syntax.typeIdsFor(k)) {
        if (local) (id === ERROR_TYPE_ID ? localErrorHandlers : (localByTypeId[id] ??= [])).push(fn);
        else (id === ERROR_TYPE_ID ? errorHandlers : (byTypeId[id] ??= [])).push(fn);
      }
    }
    if (filtered) slot++;
    if (wholeFiltered) wholeSlot++;
  }
  // Type ids some whole-file rule wants (by a handler or through its index): the only nodes looked at
  // in a statement the plan does not visit.
  const wholeWanted = new Uint8Array(syntax.typeCount);
  for (let id = 0; id < byTypeId.length; id++) if (byTypeId[id]?.length) wholeWanted[id] = 1;
  if (wholeFile.hasCalls) for (const id of syntax.typeIdsFor('call')) wholeWanted[id] = 1;
  if (wholeFile.hasAttributes) for (const id of syntax.typeIdsFor('attribute')) wholeWanted[id] = 1;
  // Every type id some handler or index wants gets an entry (possibly empty) in `byTypeId`.
  for (let id = 0; id < localByTypeId.length; id++) if (localByTypeId[id]) byTypeId[id] ??= [];
  // Type ids whose nodes also go through the index: 1 for calls, 2 for attributes.
  const indexed = new Uint8Array(syntax.typeCount);
  if (index.hasCalls) for (const id of syntax.typeIdsFor('call')) { byTypeId[id] ??= []; indexed[id] = 1; }
  if (index.hasAttributes) for (const id of syntax.typeIdsFor('attribute')) { byTypeId[id] ??= []; indexed[id] = 2; }
  const attributeField = syntax.fieldId('attribute');
  // The statement the dispatch is in (with a plan): its place, where the next one starts, and
  // whether the statement-local rules visit it.
  let top = -1;
  let nextTop = 0;
  let visiting = true;
  let reads: Set<string> | undefined;
  let span: { start: number; end: number } | undefined;
  // The rules get a time budget too: on pathological input (50,000-long attribute chains) a rule
  // that is fine on real code can go quadratic, and the single-threaded server must not stall.
  // Counted in CPU time (checked every 64 visited nodes, once the wall clock says it may be over), so
  // that a busy machine does not turn a file that is merely large into a skipped one.
  const budget = new RulesBudget();
  let untilCheck = 1;
  // With a plan and no whole-file rule wanting anything, the statements the plan does not visit are
  // skipped outright: the dispatch goes from one visited statement to the next.
  const skipUnvisited = !!plan && errorHandlers.length === 0 && !wholeWanted.includes(1);
  for (let k = 0; k < numbers.length; k++) {
    const i = numbers[k];
    const id = syntax.typeIdOf(i);
    const handlers = id === ERROR_TYPE_ID ? errorHandlers : byTypeId[id];
    if (!handlers) continue;
    if (tops && i >= nextTop) {
      while (i >= tops[top + 1]) top++;
      if (skipUnvisited && plan!.visit[top] !== 1) {
        let next = top + 1;
        while (next < plan!.visit.length && plan!.visit[next] !== 1) next++;
        if (next >= plan!.visit.length) break;
        // The first number at or after the start of the next visited statement (numbers are in order).
        k = firstAtOrAfter(numbers, tops[next], k) - 1;
        continue;
      }
      nextTop = tops[top + 1];
      visiting = plan!.visit[top] === 1;
      if (visiting) {
        bucket = plan!.buckets[top] ??= [];
        reads = plan!.reads[top] ??= new Set();
        span = { start: syntax.startOf(tops[top]), end: syntax.endOf(tops[top]) };
      }
    }
    // Outside the visited statements, only what a whole-file rule wants (errors: handlers alone).
    if (!visiting && (id === ERROR_TYPE_ID ? errorHandlers.length === 0 : !wholeWanted[id])) continue;
    let node: Node | undefined;
    if (handlers.length > 0) {
      node = syntax.node(i);
      for (const h of handlers) {
        try { h(node); } catch (e) { /* a rule bug must never stop analysis */ reportInternal(e); }
      }
    }
    if (visiting) {
      const local = id === ERROR_TYPE_ID ? localErrorHandlers : localByTypeId[id];
      if (local && local.length > 0) {
        node ??= syntax.node(i);
        facts.reads = reads;
        facts.readsSpan = span;
        for (const h of local) {
          try { h(node); } catch (e) { reportInternal(e); }
        }
        facts.reads = undefined;
        facts.readsSpan = undefined;
      }
    }
    const via = id === ERROR_TYPE_ID ? 0 : indexed[id];
    // Calls and attributes through an index: outside the visited statements the whole-file rules' own
    // (none of its slots is statement-local).
    const idx = visiting ? index : wholeFile;
    let slots: readonly number[] | undefined;
    let bySlot = callBySlot;
    if (via === 1 && idx.hasCalls) {
      node ??= syntax.node(i);
      slots = idx.forCall(node, facts);
      bySlot = visiting ? callBySlot : wholeCallBySlot;
    } else if (via === 2 && idx.hasAttributes) {
      // The last name's length first: most attributes are ruled out without a string (or a node).
      const c = attributeField === undefined ? -1 : syntax.childInField(i, attributeField);
      slots = c >= 0 && idx.wantsAttributeOfLength(syntax.endOf(c) - syntax.startOf(c)) ? idx.forAttribute(syntax.textOf(c)) : undefined;
      bySlot = visiting ? attributeBySlot : wholeAttributeBySlot;
    }
    if (slots) {
      node ??= syntax.node(i);
      for (const s of slots) {
        const h = bySlot[s];
        if (!h) continue;
        if (visiting && localSlot[s]) {
          facts.reads = reads;
          facts.readsSpan = span;
        }
        try { h(node); } catch (e) { reportInternal(e); }
        facts.reads = undefined;
        facts.readsSpan = undefined;
      }
    }
    if (--untilCheck > 0) continue;
    untilCheck = 64;
    if (budget.over()) {
      return { findings: [], facts, skipped: { kind: 'parse-failed', message: `Framewise skipped this file: analysing it took longer than ${RULES_BUDGET_MS / 1000} s (extremely long expressions or deeply nested code?).` } };
    }
  }
  // What a statement-local rule reports from `exit` goes to the statement where it starts; what it
  // looks up there counts for every statement it visited.
  exiting = true;
  const exitReads = new Set<string>();
  for (const { visitor, local } of visitors) {
    facts.reads = local ? exitReads : undefined;
    try { visitor.exit?.(); } catch (e) { reportInternal(e); }
  }
  facts.reads = undefined;
  if (plan && exitReads.size > 0) {
    for (let k = 0; k < plan.visit.length; k++) if (plan.visit[k]) for (const name of exitReads) (plan.reads[k] ??= new Set()).add(name);
  }
  return { findings, facts };
}

/**
 * The place of the top-level statement holding `offset` (the last one starting at or before it; the
 * first when none does): `tops` as `analyzeCore` gives it, node numbers then the node count.
 */
export function statementAt(syntax: SyntaxTree, tops: Int32Array, offset: number): number {
  let lo = 0;
  let hi = tops.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (syntax.startOf(tops[mid]) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Drop what `# framewise: ignore` suppresses, and sort by position, then code. */
export function finishFindings(findings: Finding[], source: string, starts: number[], maySuppress = true): Finding[] {
  // `maySuppress` false: the caller knows the text has no "framewise" (so no suppression comment).
  const suppressed = maySuppress ? suppressedCodes(source, starts) : NO_SUPPRESSIONS;
  const kept = suppressed.size === 0 ? findings : findings.filter((f) => {
    const codes = suppressed.get(f.range.start.line);
    return !codes || !(codes.has('*') || codes.has(f.code));
  });
  // Codes are ASCII: compared by code unit (localeCompare cost more than the rest of the sort).
  kept.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return kept;
}

const NO_SUPPRESSIONS: Map<number, Set<string>> = new Map();

type Handler = (n: Node) => void;

let internalErrors = 0;
function reportInternal(e: unknown): void {
  internalErrors++;
  if (process.env.FRAMEWISE_DEBUG) console.error('Framewise rule error:', e);
}
export function internalErrorCount(): number { return internalErrors; }

/** A name for `qualified` in this file, with the import to add when none binds it. */
function nameFor(facts: Facts, starts: number[], qualified: string, preferred?: { module: string; alias?: string }): { text: string; edits: TextEdit[] } {
  const existing = facts.imports.localNameFor(qualified);
  if (existing) return { text: existing, edits: [] };
  const module = preferred?.module ?? qualified.split('.')[0];
  let alias = preferred?.alias ?? module.split('.').pop()!;
  // Never clash with an existing binding of another meaning.
  while (facts.imports.isBound(alias) || facts.functionsByName.has(alias)) alias = `${alias}_`;
  // `import torch as torch_` when a def already took the name `torch`: the text below uses the alias.
  const importText = alias === module ? `import ${module}\n` : `import ${module} as ${alias}\n`;
  const text = alias + qualified.slice(module.length);
  const line = facts.imports.insertLine > 0 ? facts.imports.insertLine : firstCodeLine(facts, starts);
  const pos = { line, character: 0 };
  return { text, edits: [{ range: { start: pos, end: pos }, newText: importText }] };
}

/** After a module docstring and `from __future__` imports. */
function firstCodeLine(facts: Facts, _starts: number[]): number {
  let line = 0;
  for (const child of facts.root.namedChildren) {
    if (!child) continue;
    const isDocstring = child.type === 'expression_statement' && child.namedChildren[0]?.type === 'string';
    if (child.type === 'comment' || isDocstring || child.type === 'future_import_statement') line = child.endPosition.row + 1;
    else break;
  }
  return line;
}

export { positionAt };
