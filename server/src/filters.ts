/**
 * The indexes through which the engine reaches `call` and `attribute` visitors of rules that declare
 * what they want (`Rule.calls`, `Rule.attributes`). The keys are static, so the index of a set of
 * rules is built once and kept; each analysis only binds the rules' visitors of the moment to it.
 */
import type { SyntaxNode as Node } from './parse/mirror';
import type { Facts } from './resolve/facts';
import type { CallFilter, Rule } from './rules/types';
import { calledNameNode } from './rules/util';

/** Which rules (by slot: their position among the filtered rules) want a call or an attribute. */
export class FilterIndex {
  /** The filtered rules, in rule order: a rule's slot is its place here. */
  readonly rules: readonly Rule[];
  private readonly byCallee = new Map<string, number[]>();
  private readonly byMethod = new Map<string, number[]>();
  private readonly byName = new Map<string, number[]>();
  /** Callee prefixes with a dot, by the module before their first dot (`torch.` under `torch`). */
  private readonly prefixesByTop = new Map<string, Array<{ prefix: string; slot: number }>>();
  /** Callee prefixes without a dot (asked of every callee). */
  private readonly otherPrefixes: Array<{ prefix: string; slot: number }> = [];
  private readonly byAttribute = new Map<string, number[]>();
  private readonly attributeLengths = new Set<number>();
  /** The lengths of the bare names and method names some rule wants (most calls are ruled out by it). */
  private readonly calledLengths = new Set<number>();
  readonly hasCalls: boolean;
  readonly hasAttributes: boolean;

  constructor(rules: readonly Rule[]) {
    this.rules = rules;
    const put = (map: Map<string, number[]>, keys: Iterable<string> | undefined, slot: number) => {
      for (const k of keys ?? []) {
        const list = map.get(k);
        if (!list) map.set(k, [slot]);
        else if (!list.includes(slot)) list.push(slot);
      }
    };
    let calls = false;
    let attributes = false;
    rules.forEach((rule, slot) => {
      const c: CallFilter | undefined = rule.calls;
      if (c) {
        calls = true;
        put(this.byCallee, c.callees, slot);
        put(this.byMethod, c.methods, slot);
        put(this.byName, c.names, slot);
        for (const name of [...(c.names ?? []), ...(c.methods ?? [])]) this.calledLengths.add(name.length);
        for (const prefix of c.calleePrefixes ?? []) {
          const dot = prefix.indexOf('.');
          if (dot < 0) { this.otherPrefixes.push({ prefix, slot }); continue; }
          const top = prefix.slice(0, dot);
          const list = this.prefixesByTop.get(top);
          if (list) list.push({ prefix, slot });
          else this.prefixesByTop.set(top, [{ prefix, slot }]);
        }
      }
      if (rule.attributes) {
        attributes = true;
        put(this.byAttribute, rule.attributes, slot);
        for (const name of rule.attributes) this.attributeLengths.add(name.length);
      }
    });
    this.hasCalls = calls;
    this.hasAttributes = attributes;
    this.mark = new Uint8Array(rules.length);
  }

  /** The rules with a `calls` or `attributes` filter, in the order given. */
  static filteredOf(rules: readonly Rule[]): Rule[] {
    return rules.filter((r) => r.calls || r.attributes);
  }

  /**
   * The index of these filtered rules: the last sets of rules asked for are kept (a dozen or so in
   * use: the rules skipped by import differ from file to file, each set with and without its
   * statement-local rules).
   */
  static of(rules: readonly Rule[]): FilterIndex {
    for (const cached of recent) {
      if (cached.rules.length === rules.length && cached.rules.every((r, i) => r === rules[i])) return cached;
    }
    const made = new FilterIndex(rules);
    recent.unshift(made);
    if (recent.length > 16) recent.pop();
    return made;
  }

  /**
   * The slots of the rules whose filter wants this call (its callee, a prefix of it, its method name
   * or its bare name), each once, in slot order. The array is reused: read it before the next call.
   */
  forCall(call: Node, facts: Facts): readonly number[] {
    const found = this.found;
    const mark = this.mark;
    found.length = 0;
    const t = call.tree;
    const named = calledNameNode(t, call.id);
    // A bare name's node is the call's own child; a method's is the attribute's. Its length first: a
    // string is made only for a name as long as one some rule wants.
    if (named >= 0 && this.calledLengths.has(t.endOf(named) - t.startOf(named))) {
      this.take((t.parentOf(named) === call.id ? this.byName : this.byMethod).get(t.textOf(named)));
    }
    const q = facts.callee(call);
    if (q) this.take(this.forCallee(q));
    for (const s of found) mark[s] = 0;
    // In place, by insertion: a handful of slots at most, and Array.prototype.sort allocates a work
    // area on every call (8 % of what a keystroke's analysis allocated, asked of every call).
    for (let i = 1; i < found.length; i++) {
      const s = found[i];
      let j = i - 1;
      for (; j >= 0 && found[j] > s; j--) found[j + 1] = found[j];
      found[j + 1] = s;
    }
    return found;
  }

  /**
   * The slots wanting a callee, by its name or a prefix of it: the same for every call of that
   * callee, so found once per name (a file calls a few hundred distinct callees, thousands of times).
   */
  private forCallee(q: string): readonly number[] {
    let slots = this.byCalleeName.get(q);
    if (slots === undefined) {
      const out = [...(this.byCallee.get(q) ?? [])];
      const dot = q.indexOf('.');
      const byTop = dot < 0 ? undefined : this.prefixesByTop.get(q.slice(0, dot));
      for (const p of [...(byTop ?? []), ...this.otherPrefixes]) if (q.startsWith(p.prefix) && !out.includes(p.slot)) out.push(p.slot);
      // Kept across analyses (the index is); bounded, as the names come from the user's files.
      if (this.byCalleeName.size >= MAX_CALLEE_NAMES) this.byCalleeName.clear();
      this.byCalleeName.set(q, (slots = out));
    }
    return slots;
  }

  private readonly byCalleeName = new Map<string, number[]>();
  private readonly found: number[] = [];
  private readonly mark: Uint8Array;

  private take(slots: readonly number[] | undefined): void {
    if (!slots) return;
    for (const s of slots) if (!this.mark[s]) { this.mark[s] = 1; this.found.push(s); }
  }

  /** Whether some rule wants attributes whose last name is this long (most names are ruled out by it). */
  wantsAttributeOfLength(length: number): boolean { return this.attributeLengths.has(length); }

  /** The slots of the rules that want attributes with this last name. */
  forAttribute(name: string): readonly number[] | undefined { return this.byAttribute.get(name); }
}

const recent: FilterIndex[] = [];

/** Most callee names whose slots an index keeps. */
const MAX_CALLEE_NAMES = 4096;
