/**
 * Incremental analysis of one document across its versions. The mirror keeps the columns of the
 * top-level statements an edit did not touch (parse/mirror.ts); this keeps, per top-level statement,
 * what the statement-local rules (`Rule.local`) found in it, and after an edit re-runs those rules
 * only on the statements whose findings the edit can have changed:
 *
 * - the statements the edit touched (the splice walked them afresh);
 * - a kept statement holding a container (function, lambda, loop, `with`, class) whose facts changed
 *   (traced, static parameters, training loop, no-grad…: code elsewhere can set them);
 * - a kept statement whose rules looked up a name (`Facts.reads`) whose facts the edit changed: the
 *   defs, classes, parameters and assignments of that name in the touched statements, compared before
 *   and after (`namesOf`);
 * - a statement with a finding or a fix that reaches outside it, or that now starts at another column.
 *
 * Everything else — the facts and the rules that are not statement-local — is computed over the whole
 * file as before, and an edit that touches an import re-runs every rule everywhere. The findings are
 * the same as a whole-file analysis gives (tests/incremental/ compares the two after random edits).
 */
import type { Tree } from 'web-tree-sitter';
import { analyzeCore, finishFindings, statementAt, type AnalysisResult, type StatementPlan } from './analyze';
import { MirrorCache, type SyntaxTree } from './parse/mirror';
import { ALL_NAMES, LINES, assignedKey, callsKey, defsKey, moduleKey, patternNames, wordKey, type Facts, type FactsSeed, type SpareColumns, type Container } from './resolve/facts';
import { calledNameNode } from './rules/util';
import { ALL_RULES } from './rules/index';
import type { Finding, Rule } from './rules/types';
import type { Settings } from './config/settings';

interface Statement {
  /** What the statement-local rules found in it, in the positions of its version. */
  findings: Finding[];
  /** A finding's range or a fix's edit reaches outside the statement: re-run on every analysis. */
  sticky: boolean;
  /** The names whose facts the statement-local rules looked up in it, by their codes (`IncrementalAnalysis.nameCodes`). */
  readCodes: Int32Array;
  /** A rule read the facts of every name (`ALL_NAMES`). */
  allNames: boolean;
  /** The words (`wordKey`s) among the names read: looked for in the text of each edit. */
  words: readonly string[];
  /** A bit per name read (`bitOf` its code): most statements are ruled out by it without a look at the codes. */
  readsMask: number;
  startRow: number;
  startColumn: number;
  /** Name → what the statement contributes to the facts kept by that name (made when first asked). */
  names?: Map<string, string>;
}

const NO_READS: Set<string> = new Set();
const NO_WORDS: readonly string[] = Object.freeze([]);
/** Names given a code in one document before the incremental analysis starts afresh. */
const MAX_NAME_CODES = 200_000;

interface Version {
  syntax: SyntaxTree;
  facts: Facts;
  source: string;
  key: string;
  rules: Rule[];
  /** node number where each top-level statement starts, then the node count */
  tops: Int32Array;
  statements: Statement[];
  /** The text holds "framewise" (so perhaps a suppression comment: `suppressedCodes`). */
  mentionsFramewise: boolean;
  /** The statements' words (`Statement.words`), each with the number of statements that read it. */
  words: Map<string, number>;
}

/** How the last analysis went (tests and the benchmark). */
export interface IncrementalStats {
  /** top-level statements in the document */
  statements: number;
  /** statements the statement-local rules visited (all of them when nothing could be kept) */
  visited: number;
  /** why every statement was visited, if it was */
  full?: 'first' | 'settings' | 'walked' | 'import' | 'containers' | 'error';
}

export class IncrementalAnalysis {
  private readonly mirror = new MirrorCache({ recycle: true });
  private last: Version | undefined;
  /** The column buffers of the version before the last one's facts, retired: the next version's facts take them. */
  private spare: SpareColumns | undefined;
  /**
   * A number for each name a statement read (`Statement.readCodes`): the plan looks the changed names
   * up in a table by number instead of in every statement's set of names.
   */
  private nameCodes = new Map<string, number>();
  lastStats: IncrementalStats | undefined;

  /** Forget the last version: the next analysis is a whole-file one. */
  clear(): void {
    this.mirror.clear();
    this.last = undefined;
    this.spare = undefined;
    this.nameCodes = new Map();
  }

  /** What the plan keeps of the names a statement's rules read: their codes, their mask, the words among them. */
  private readsOf(reads: Set<string>): Pick<Statement, 'readCodes' | 'readsMask' | 'allNames' | 'words'> {
    const readCodes = new Int32Array(reads.size);
    let readsMask = 0;
    let words: string[] | undefined;
    let k = 0;
    for (const name of reads) {
      let code = this.nameCodes.get(name);
      if (code === undefined) this.nameCodes.set(name, (code = this.nameCodes.size));
      readCodes[k++] = code;
      readsMask |= bitOf(code);
      if (name.startsWith(WORD_PREFIX)) (words ??= []).push(name);
    }
    return { readCodes, readsMask, allNames: reads.has(ALL_NAMES), words: words ?? NO_WORDS };
  }

  /**
   * The analysis of `tree` (parsed from `source`, whose line starts are `lines`). The result's facts
   * are good until the next call: that one reads them as its seed, then retires them (they read as
   * empty from then on) and keeps their columns' buffers for the one after it.
   */
  analyze(tree: Tree, source: string, lines: number[] | undefined, settings: Settings = {}, rules: Rule[] = ALL_RULES): AnalysisResult {
    // A long session names many things (every prefix of a name typed): past a bound, start afresh.
    if (this.nameCodes.size > MAX_NAME_CODES) this.clear();
    const syntax = this.mirror.mirror(tree, source, lines);
    const splice = this.mirror.lastSplice;
    const key = JSON.stringify(settings);
    const prev = this.last;
    this.last = undefined;
    const spare = this.spare;
    this.spare = undefined;
    let full: IncrementalStats['full'];
    if (!prev) full = 'first';
    else if (prev.key !== key || prev.rules !== rules) full = 'settings';
    else if (!splice) full = 'walked';
    // With the import table unchanged (no import among the statements the edit touched), the kept
    // statements' qualified names and callees carry over (`FactsSeed`).
    let seed: FactsSeed | undefined;
    if (!full && splice) {
      const p = splice.prefix;
      const q = splice.suffix;
      const oldN = prev!.statements.length;
      const newTops = splice.top.index;
      const newN = newTops.length - 1;
      if (!holdsImport(prev!.syntax, prev!.tops, p, oldN - q) && !holdsImport(syntax, newTops, p, newN - q)) {
        const runs = [{ from: 0, to: 0, length: prev!.tops[p] }];
        if (q > 0) runs.push({ from: prev!.tops[oldN - q], to: newTops[newN - q], length: prev!.tops[oldN] - prev!.tops[oldN - q] });
        seed = { from: prev!.facts, runs };
      }
    }
    let planned: { plan: StatementPlan; tops: Int32Array } | undefined;
    // What the touched statements contribute by name, worked out by the plan: kept for the next edit.
    const newNames: Array<Map<string, string> | undefined> = [];
    const r = analyzeCore(syntax, source, settings, rules, (facts, tops) => {
      const visit = new Uint8Array(tops.length - 1);
      if (full) visit.fill(1);
      else {
        try {
          full = planVisits(prev!, syntax, facts, tops, source, splice!.prefix, splice!.suffix, visit, newNames, this.nameCodes);
        } catch (e) {
          // A bug here must not cost the document its diagnostics: analyse it whole.
          if (process.env.FRAMEWISE_DEBUG) console.error('Framewise incremental plan error:', e);
          full = 'error';
          visit.fill(1);
        }
      }
      planned = { plan: { visit, buckets: [], reads: [] }, tops };
      return planned.plan;
    }, seed, spare);
    // The last version's facts were the seed, and nothing asks them anything more.
    this.spare = prev?.facts.retire();
    if (r.skipped || !planned) return r;
    const { plan, tops } = planned;
    const n = tops.length - 1;
    const statements: Statement[] = new Array(n);
    const all: Finding[] = r.findings;
    let visited = 0;
    // A statement the plan did not visit kept its text and column (one that moved to another column is
    // visited): it moved down by the lines the edit added, if it comes after the edit.
    const lineShift = prev ? syntax.lineStarts().length - prev.syntax.lineStarts().length : 0;
    for (let k = 0; k < n; k++) {
      if (plan.visit[k]) {
        visited++;
        const start = syntax.position(syntax.startOf(tops[k]));
        const findings = plan.buckets[k] ?? [];
        const end = syntax.position(syntax.endOf(tops[k]));
        const reads = plan.reads[k] ?? NO_READS;
        statements[k] = { findings, sticky: findings.some((f) => reachesOut(f, start.row, start.column, end.row, end.column)), ...this.readsOf(reads),
          startRow: start.row, startColumn: start.column, names: newNames[k] };
      } else {
        const old = prev!.statements[k < splice!.prefix ? k : k - n + prev!.statements.length];
        const shift = k < splice!.prefix ? 0 : lineShift;
        // Unmoved, the statement's record is the same (no object made for each kept statement).
        statements[k] = shift === 0 ? old : { findings: old.findings.map((f) => shifted(f, shift)), sticky: false, readCodes: old.readCodes, allNames: old.allNames, words: old.words, readsMask: old.readsMask, startRow: old.startRow + shift, startColumn: old.startColumn, names: old.names };
      }
      for (const f of statements[k].findings) all.push(f);
    }
    // The words of all statements: the last version's, less those of the statements visited (or gone),
    // plus those of the statements visited now (the others kept their records).
    let words: Map<string, number>;
    if (prev && !full && splice) {
      words = prev.words;
      const oldN = prev.statements.length;
      const count = (list: readonly string[], by: number) => {
        for (const w of list) {
          const c = (words.get(w) ?? 0) + by;
          if (c > 0) words.set(w, c);
          else words.delete(w);
        }
      };
      for (let j = splice.prefix; j < oldN - splice.suffix; j++) count(prev.statements[j].words, -1);
      for (let k = 0; k < n; k++) {
        if (!plan.visit[k]) continue;
        if (k < splice.prefix) count(prev.statements[k].words, -1);
        else if (k >= n - splice.suffix) count(prev.statements[k - n + oldN].words, -1);
        count(statements[k].words, 1);
      }
    } else {
      words = new Map();
      for (const st of statements) for (const w of st.words) words.set(w, (words.get(w) ?? 0) + 1);
    }
    const mentionsFramewise = prev && !prev.mentionsFramewise && splice
      ? touchedText(syntax, tops, source, splice.prefix, n - splice.suffix, SUPPRESSION_WORD.length - 1).includes(SUPPRESSION_WORD)
      : source.includes(SUPPRESSION_WORD);
    this.last = { syntax, facts: r.facts, source, key, rules, tops, statements, mentionsFramewise, words };
    this.lastStats = { statements: n, visited, full };
    return { findings: finishFindings(all, source, syntax.lineStarts(), mentionsFramewise), facts: r.facts };
  }
}

/**
 * Which statements the statement-local rules visit after an edit that kept the first `prefix` and
 * the last `suffix` top-level statements of `prev` (sets `visit`); a reason when it has to be all.
 */
function planVisits(prev: Version, syntax: SyntaxTree, facts: Facts, tops: Int32Array, source: string, prefix: number, suffix: number,
  visit: Uint8Array, newNames: Array<Map<string, string> | undefined>, nameCodes: Map<string, number>): IncrementalStats['full'] {
  const n = tops.length - 1;
  const oldN = prev.statements.length;
  const oldOf = (k: number) => (k < prefix ? k : k - n + oldN);
  for (let k = prefix; k < n - suffix; k++) visit[k] = 1;
  // An import changes what every name means.
  if (holdsImport(prev.syntax, prev.tops, prefix, oldN - suffix) || holdsImport(syntax, tops, prefix, n - suffix)) {
    visit.fill(1);
    return 'import';
  }
  const changed = new Set<string>();
  // The kept statements' containers, against the same ones before: facts that code elsewhere sets.
  const startOf = (t: SyntaxTree, ts: Int32Array, k: number, count: number) => (k < count ? t.startOf(ts[k]) : Infinity);
  const before = prev.facts.containers;
  const after = facts.containers;
  // Prefix: the containers that start before the first touched statement, in both versions.
  const oldPrefixEnd = startOf(prev.syntax, prev.tops, prefix, oldN);
  const newPrefixEnd = startOf(syntax, tops, prefix, n);
  let a = 1;
  let b = 1;
  for (; a < before.length && before[a].start < oldPrefixEnd; a++, b++) {
    if (b >= after.length || after[b].start !== before[a].start) { visit.fill(1); return 'containers'; }
    if (!sameFacts(before[a], after[b])) noteChanged(facts, after[b], statementAt(syntax, tops, after[b].start), visit, changed);
  }
  if (b < after.length && after[b].start < newPrefixEnd) { visit.fill(1); return 'containers'; }
  // Suffix: those that start at or after the first kept statement at the end, matched from the end.
  if (suffix > 0) {
    const oldSuffixStart = prev.syntax.startOf(prev.tops[oldN - suffix]);
    const newSuffixStart = syntax.startOf(tops[n - suffix]);
    const delta = newSuffixStart - oldSuffixStart;
    let x = before.length - 1;
    let y = after.length - 1;
    for (; x > 0 && before[x].start >= oldSuffixStart; x--, y--) {
      if (y <= 0 || after[y].start !== before[x].start + delta) { visit.fill(1); return 'containers'; }
      if (!sameFacts(before[x], after[y])) noteChanged(facts, after[y], statementAt(syntax, tops, after[y].start), visit, changed);
    }
    if (y > 0 && after[y].start >= newSuffixStart) { visit.fill(1); return 'containers'; }
  }
  // The names whose defs, classes, parameters or assignments the touched statements changed.
  const was = namesIn(prev.syntax, prev.facts, prev.tops, prefix, oldN - suffix, (k) => prev.statements[k].names, (k, m) => { prev.statements[k].names = m; });
  const now = namesIn(syntax, facts, tops, prefix, n - suffix, () => undefined, (k, m) => { newNames[k] = m; });
  for (const [name, text] of was) if (now.get(name) !== text) changed.add(name);
  for (const name of now.keys()) if (!was.has(name)) changed.add(name);
  // The words the kept statements' rules noted (`Facts.noteWord`) that the touched text holds, before
  // or after the edit: from the end of the last statement kept before it to the start of the first
  // kept after it.
  let texts: [string, string] | undefined;
  for (const key of prev.words.keys()) {
    texts ??= [touchedText(prev.syntax, prev.tops, prev.source, prefix, oldN - suffix, 0), touchedText(syntax, tops, source, prefix, n - suffix, 0)];
    const word = key.slice(2);
    if (texts[0].includes(word) || texts[1].includes(word)) changed.add(key);
  }
  // A message that gives a line (`LINES`) is stale once an edit adds or removes lines.
  if (prev.syntax.lineStarts().length !== syntax.lineStarts().length) changed.add(LINES);
  // Kept statements whose rules looked one of those names up, or that must run anyway.
  // The changed names some statement read, by code, and their mask.
  const changedCodes = new Uint8Array(nameCodes.size);
  let changedMask = 0;
  for (const name of changed) {
    const code = nameCodes.get(name);
    if (code === undefined) continue;
    changedCodes[code] = 1;
    changedMask |= bitOf(code);
  }
  // Once a kept statement after the edit starts a line (in both versions), those after it cannot
  // have moved to another column.
  let settled = false;
  for (let k = 0; k < n; k++) {
    if (visit[k]) continue;
    const old = prev.statements[oldOf(k)];
    // A statement after the edit moved to another column when the edit was on its first line.
    let moved = false;
    if (k >= prefix && !settled) {
      if (old.startColumn === 0 && source.charCodeAt(syntax.startOf(tops[k]) - 1) === 10) settled = true;
      else moved = syntax.position(syntax.startOf(tops[k])).column !== old.startColumn;
    }
    if (old.sticky || moved || old.allNames) visit[k] = 1;
    else if ((old.readsMask & changedMask) !== 0) {
      const codes = old.readCodes;
      for (let c = 0; c < codes.length; c++) if (changedCodes[codes[c]] === 1) { visit[k] = 1; break; }
    }
  }
  return undefined;
}

const WORD_PREFIX = wordKey('');

/** What a suppression comment holds (suppress.ts): a text without it has none. */
const SUPPRESSION_WORD = 'framewise';

/**
 * The text an edit touched: from the end of the last statement kept before it to the start of the
 * first kept after it (statements [from, to) lie between), widened by `margin` characters each side.
 * The text outside it is the last version's: a word of at most `margin + 1` characters that the last
 * version's text did not hold is in this one's only if this touched text holds it.
 */
function touchedText(syntax: SyntaxTree, tops: Int32Array, source: string, from: number, to: number, margin: number): string {
  const n = tops.length - 1;
  const start = from > 0 ? syntax.endOf(tops[from - 1]) : 0;
  const end = to < n ? syntax.startOf(tops[to]) : source.length;
  return source.slice(Math.max(0, start - margin), Math.min(source.length, end + margin));
}

/**
 * One bit of 32 per name read (by its code): a statement whose mask shares no bit with the changed
 * names' cannot share a name with them, and most are ruled out so.
 */
function bitOf(code: number): number {
  return 1 << (code & 31);
}

/**
 * A kept container whose facts changed: its statement is visited, and the names of it and of the
 * containers around it are changed (a rule that asks about a function's loops notes the function).
 */
function noteChanged(facts: Facts, c: Container, statement: number, visit: Uint8Array, changed: Set<string>): void {
  visit[statement] = 1;
  for (let i = c.index; i > 0; i = facts.containers[i].parent) {
    const name = facts.containers[i].name;
    if (name) changed.add(name);
  }
}

/** Whether statements [from, to) hold an import (at any depth). */
function holdsImport(syntax: SyntaxTree, tops: Int32Array, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = tops[from], end = tops[to]; i < end; i++) {
    const type = syntax.typeOf(i);
    if (type === 'import_statement' || type === 'import_from_statement' || type === 'future_import_statement') return true;
  }
  return false;
}

/** The facts of a container that code outside its statement can set: values, then sets. */
export const CONTAINER_VALUES = ['traced', 'tracedDirect', 'eager', 'noGrad', 'training'] as const;
export const CONTAINER_SETS = ['tracedBy', 'staticParams', 'unmappedParams', 'trainingFramework', 'callsCompiled'] as const;

export function sameFacts(a: Container, b: Container): boolean {
  // Field by field rather than over the lists (a keyed look-up by a variable name is slow, and this
  // runs for every container on every keystroke): tests/rules/incremental.test.ts holds it to the lists.
  return a.traced === b.traced && a.tracedDirect === b.tracedDirect && a.eager === b.eager && a.noGrad === b.noGrad && a.training === b.training &&
    sameSet(a.tracedBy, b.tracedBy) && sameSet(a.staticParams, b.staticParams) && sameSet(a.unmappedParams, b.unmappedParams) &&
    sameSet(a.trainingFramework, b.trainingFramework) && sameSet(a.callsCompiled, b.callsCompiled);
}

function sameSet<T>(a: Set<T> | undefined, b: Set<T> | undefined): boolean {
  if (!a?.size || !b?.size) return !a?.size && !b?.size;
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** The same facts as text (where `sameFacts` calls two containers the same, the texts are equal). */
function digest(c: Container): string {
  const values = CONTAINER_VALUES.map((f) => String(c[f] ?? ''));
  const sets = CONTAINER_SETS.map((f) => (c[f]?.size ? [...c[f]!].sort().join(',') : ''));
  return [...values, ...sets].join('/');
}

/** What statements [from, to) of a version contribute, name by name (each statement's made once). */
function namesIn(syntax: SyntaxTree, facts: Facts, tops: Int32Array, from: number, to: number,
  cached: (k: number) => Map<string, string> | undefined, store: (k: number, names: Map<string, string>) => void): Map<string, string> {
  const out = new Map<string, string>();
  for (let k = from; k < to; k++) {
    let own = cached(k);
    if (!own) store(k, (own = namesOf(syntax, facts, tops[k], tops[k + 1])));
    for (const [name, text] of own) {
      const sofar = out.get(name);
      out.set(name, sofar === undefined ? text : `${sofar}\u0001${text}`);
    }
  }
  return out;
}

/**
 * What the nodes [lo, hi) (one top-level statement) contribute to the facts kept by name, as text per
 * name: each def (its whole text with decorators), class, assignment and `for` target (the whole
 * statement), with where it is (the defs and classes around it) and the facts of the containers in
 * it; and, by name only, that the name is a parameter somewhere. A rule that looks a name up gets
 * these (a def's body, an assignment's value, their containers' facts) and nothing else.
 */
function namesOf(syntax: SyntaxTree, facts: Facts, lo: number, hi: number): Map<string, string> {
  const out = new Map<string, string>();
  const add = (name: string, text: string) => {
    const sofar = out.get(name);
    out.set(name, sofar === undefined ? text : `${sofar}\u0002${text}`);
  };
  const params = new Set<string>();
  // The containers in the statement, in document order, and the facts of those inside node i.
  const inside: Container[] = [];
  for (const c of facts.containers) if (c.node.id >= lo && c.node.id < hi) inside.push(c);
  const factsIn = (i: number) => {
    const s = syntax.startOf(i);
    const e = syntax.endOf(i);
    let out = '';
    for (const c of inside) if (c.start >= s && c.end <= e) out += `${c.kind}@${c.start - s}:${digest(c)};`;
    return out;
  };
  const where = (i: number) => {
    let path = '';
    for (let p = syntax.parentOf(i); p >= lo; p = syntax.parentOf(p)) {
      const type = syntax.typeOf(p);
      if (type === 'function_definition' || type === 'class_definition' || type === 'lambda') {
        const nameNode = syntax.fieldChild(p, 'name');
        path += `${type[0]}:${nameNode >= 0 ? syntax.textOf(nameNode) : ''};`;
      }
    }
    return path;
  };
  const bind = (target: number, stmt: number, what: string) => {
    const path = where(stmt);
    const text = `${what}${path}|${syntax.textOf(stmt)}|${factsIn(stmt)}`;
    // Outside functions and lambdas a write is a module-level one (class bodies included, as the
    // facts scope them): also under `moduleKey`, for questions about those alone.
    const moduleLevel = !/(^|;)[fl]:/.test(path);
    // The callees of the calls on the right (`assignedKey`): a superset of what the name is bound to.
    const right = syntax.fieldChild(stmt, 'right');
    const callees = new Set<string>();
    if (right >= 0) {
      for (let i = right, end = syntax.afterOf(right); i < end; i++) {
        if (syntax.typeOf(i) !== 'call') continue;
        const q = facts.callee(syntax.node(i));
        if (q !== undefined) callees.add(q);
      }
    }
    for (const id of patternNames(syntax.node(target))) {
      const name = id.text;
      add(name, text);
      if (moduleLevel) add(moduleKey(name), text);
      for (const q of callees) add(assignedKey(name, q), text);
    }
  };
  // The simple names calls are made by (`f(…)`, `x.f(…)`): a rule that looks calls up by name may read
  // anything around them, so the whole statement is their contribution.
  const called = new Set<string>();
  for (const c of inside) for (const p of c.params ?? []) params.add(p);
  for (let i = lo; i < hi; i++) {
    switch (syntax.typeOf(i)) {
      case 'function_definition':
      case 'class_definition': {
        const nameNode = syntax.fieldChild(i, 'name');
        const parent = syntax.parentOf(i);
        const whole = syntax.typeOf(parent) === 'decorated_definition' ? parent : i;
        if (nameNode < 0) break;
        const name = syntax.textOf(nameNode);
        const text = `${syntax.typeOf(i)[0]}${where(whole)}|${syntax.textOf(whole)}|${factsIn(whole)}`;
        add(name, text);
        // A def also under `defsKey`, for questions about a name's defs alone.
        if (syntax.typeOf(i) === 'function_definition') add(defsKey(name), text);
        break;
      }
      case 'assignment':
      case 'augmented_assignment': {
        const left = syntax.fieldChild(i, 'left');
        if (left >= 0) bind(left, i, 'A');
        break;
      }
      case 'for_statement': {
        const left = syntax.fieldChild(i, 'left');
        if (left >= 0) bind(left, i, 'F');
        break;
      }
      case 'call': {
        const n = calledNameNode(syntax, i);
        if (n < 0) break;
        called.add(syntax.textOf(n));
        // `receiver.method(…)`: also by receiver and method (`Facts.methodCallsOn`).
        const fn = syntax.fieldChild(i, 'function');
        const object = syntax.typeOf(fn) === 'attribute' ? syntax.fieldChild(fn, 'object') : -1;
        if (object >= 0) called.add(`${syntax.textOf(object)}.${syntax.textOf(n)}`);
        break;
      }
    }
  }
  for (const name of params) add(name, 'P');
  if (called.size > 0) {
    const text = syntax.textOf(lo);
    for (const name of called) add(callsKey(name), text);
  }
  return out;
}

/** Whether a finding's range or one of its fix's edits lies (partly) outside the statement's span. */
function reachesOut(f: Finding, startRow: number, startColumn: number, endRow: number, endColumn: number): boolean {
  const outside = (r: Finding['range']) => r.start.line < startRow || (r.start.line === startRow && r.start.character < startColumn) ||
    r.end.line > endRow || (r.end.line === endRow && r.end.character > endColumn);
  if (outside(f.range)) return true;
  return !!f.fix?.edits.some((e) => outside(e.range));
}

/** A finding moved down by `rows` lines (its statement's text, and so its columns, unchanged). */
function shifted(f: Finding, rows: number): Finding {
  const move = (r: Finding['range']) => ({ start: { line: r.start.line + rows, character: r.start.character }, end: { line: r.end.line + rows, character: r.end.character } });
  return { ...f, range: move(f.range), fix: f.fix && { ...f.fix, edits: f.fix.edits.map((e) => ({ range: move(e.range), newText: e.newText })) } };
}
