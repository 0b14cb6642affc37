import type { SyntaxNode as Node } from '../../parse/mirror';
import type { Fix, Rule, RuleContext } from '../types';
import type { Container } from '../../resolve/facts';
import { keywordArg, positionalArgs, LINES } from '../../resolve/facts';
import { bindingAt, lineIndent, statementOf } from './values';
import { JAX } from '../packages';

/** jax.random functions that draw samples from a key (docs/jax.random.rst); key constructors, split and fold_in are not samplers. */
const SAMPLERS = new Set([
  'ball', 'bernoulli', 'beta', 'binomial', 'bits', 'categorical', 'cauchy', 'chisquare', 'choice', 'dirichlet',
  'double_sided_maxwell', 'exponential', 'f', 'gamma', 'generalized_normal', 'geometric', 'gumbel', 'laplace', 'loggamma',
  'logistic', 'lognormal', 'maxwell', 'multinomial', 'multivariate_normal', 'normal', 'orthogonal', 'pareto', 'permutation',
  'poisson', 'rademacher', 'randint', 'rayleigh', 't', 'triangular', 'truncated_normal', 'uniform', 'wald', 'weibull_min',
]);

const JUMPS = new Set(['return_statement', 'raise_statement', 'continue_statement', 'break_statement']);
const BRANCHY = new Set(['if_statement', 'conditional_expression']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

interface Use { call: Node; key: Node; scope: Container }

function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** The direct child of `parent` that contains `node`. */
function childContaining(parent: Node, node: Node): Node | undefined {
  return parent.children.find((c): c is Node => !!c && contains(c, node));
}

/** Can control never reach `later` after running `earlier` (different branches, or `earlier` is followed by return/raise)? */
function exclusive(earlier: Node, later: Node): boolean {
  for (let a = earlier.parent; a && a.type !== 'function_definition' && a.type !== 'lambda'; a = a.parent) {
    if (contains(a, later)) {
      // Branches: the parts of an if/elif/else, of `x if c else y`, or the cases of a match.
      const branching = BRANCHY.has(a.type) || (a.type === 'block' && a.parent?.type === 'match_statement');
      if (!branching) return false;
      const condition = a.type === 'conditional_expression' ? a.namedChildren[1] : a.childForFieldName('condition');
      const b1 = childContaining(a, earlier);
      const b2 = childContaining(a, later);
      const isBranch = (b: Node | undefined) => !!b && b.isNamed && b.id !== condition?.id;
      return !!b1 && !!b2 && b1.id !== b2.id && isBranch(b1) && isBranch(b2);
    }
    if (a.type === 'block' || a.type === 'module') {
      const from = childContaining(a, earlier);
      let seen = false;
      for (const s of a.namedChildren) {
        if (s?.id === from?.id) seen = true;
        if (seen && s && JUMPS.has(s.type)) return true;
      }
    }
  }
  return false;
}

export const JAX003: Rule = {
  meta: {
    code: 'JAX003',
    name: 'prng-key-reuse',
    framework: 'jax',
    category: 'correctness',
    defaultSeverity: 'warning',
    fixable: true,
    summary: 'The same PRNG key passed to two jax.random sampling calls without a split in between gives correlated (often identical) samples.',
  },
  calls: { calleePrefixes: ['jax.random.'] },
  local: true,
  requires: JAX,
  create(ctx) {
    const { facts } = ctx;
    // The uses in each function, as the calls are visited (a function lies in one top-level statement).
    const uses = new Map<string, Use[]>();
    let freshName: string | undefined;

    /** The key `call` passes to a sampler, as an identifier bound outside comprehensions; undefined otherwise. */
    const keyOf = (call: Node): Node | undefined => {
      const q = facts.callee(call);
      if (!q || !q.startsWith('jax.random.') || !SAMPLERS.has(q.slice('jax.random.'.length))) return undefined;
      const key = positionalArgs(call)[0] ?? keywordArg(call, 'key');
      return key?.type !== 'identifier' || bindingAt(key.text, key, facts)?.kind === 'comprehension' ? undefined : key;
    };

    /**
     * The module-level uses of `name` before `node`, in document order: module-level statements are
     * apart, so they are found by where the name is written (noted as a word, on every question), not
     * as visited. Found once per name and analysis.
     */
    const moduleUsesByName = new Map<string, Use[]>();
    const moduleUses = (name: string, node: Node): Use[] => {
      facts.noteWord(name);
      let all = moduleUsesByName.get(name);
      if (!all) {
        const t = facts.root.tree;
        all = [];
        for (const id of facts.identifiersNamed(name)) {
          let args = t.parentOf(id);
          if (args >= 0 && t.typeOf(args) === 'keyword_argument') args = t.parentOf(args);
          const call = args >= 0 && t.typeOf(args) === 'argument_list' ? t.parentOf(args) : -1;
          if (call < 0 || t.typeOf(call) !== 'call') continue;
          const c = t.node(call);
          const key = keyOf(c);
          if (key?.id !== id || facts.enclosingFunction(c)) continue;
          all.push({ call: c, key, scope: facts.containers[0] });
        }
        all.sort((a, b) => a.call.id - b.call.id);
        moduleUsesByName.set(name, all);
      }
      return all.filter((u) => u.call.id < node.id);
    };

    /** Is `name` (re)bound in `scope` with the new value visible somewhere in (from, to)? */
    const reboundBetween = (name: string, scope: Container, from: number, to: number) =>
      facts.assignmentsIn(name, scope.index).some((a) => a.value.endIndex > from && a.value.endIndex <= to);
    const boundIn = (name: string, scope: Container, node: Node) =>
      facts.assignmentsIn(name, scope.index).some((a) => contains(node, a.value));

    /** Does the loop run `call` once per iteration, with `name` never rebound inside it? */
    function repeatsWithSameKey(call: Node, name: string, scope: Container): Node | undefined {
      for (let p = call.parent; p && p.id !== scope.node.id; p = p.parent) {
        if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return undefined;
        if (p.type === 'for_statement' || p.type === 'while_statement') {
          const body = p.childForFieldName('body');
          const perIteration = (body && contains(body, call)) || (p.type === 'while_statement' && contains(p.childForFieldName('condition')!, call));
          if (!perIteration) continue;
          if (boundIn(name, scope, p)) return undefined;
          const target = p.childForFieldName('left');
          if (target && target.descendantsOfType('identifier').some((id) => id?.text === name)) return undefined;
          return p;
        }
        if (COMPREHENSIONS.has(p.type)) {
          const clauses = p.namedChildren.filter((c): c is Node => c?.type === 'for_in_clause');
          if (clauses.some((c) => c.childForFieldName('left')!.descendantsOfType('identifier').some((id) => id?.text === name))) return undefined;
          if (clauses[0] && contains(clauses[0].childForFieldName('right') ?? clauses[0], call) && clauses[0].childForFieldName('right')) continue;
          return p;
        }
      }
      return undefined;
    }

    /** `key, subkey = jax.random.split(key)` before the statement of `use`, and `subkey` passed to it. */
    function splitFix(use: Use): Fix | undefined {
      const name = use.key.text;
      const scope = use.scope;
      const ownsName = scope.kind === 'module' || scope.params?.includes(name) ||
        facts.assignmentsIn(name, scope.index).length > 0;
      const stmt = statementOf(use.call);
      if (!ownsName || !stmt || stmt.type === 'for_statement' || stmt.type === 'while_statement' || stmt.type === 'with_statement' ||
        stmt.type === 'function_definition' || stmt.type === 'decorated_definition' || stmt.type === 'class_definition') return undefined;
      if (!contains(scope.node, stmt) && scope.kind !== 'module') return undefined;
      const indent = lineIndent(stmt, ctx.source);
      if (indent === undefined) return undefined;
      // The fresh name is one the file does not write anywhere: noted as a word (`subkey1` holds `subkey`).
      facts.noteWord('subkey');
      if (!freshName) {
        freshName = 'subkey';
        for (let i = 1; new RegExp(`\\b${freshName}\\b`).test(ctx.source); i++) freshName = `subkey${i}`;
      }
      // Spell split like the sampler (`jax.random.normal` → `jax.random.split`, `random.uniform` → `random.split`).
      const fn = use.call.childForFieldName('function')!;
      const split = fn.type === 'attribute'
        ? { text: `${fn.childForFieldName('object')!.text}.split`, edits: [] }
        : ctx.nameFor('jax.random.split', { module: 'jax' });
      const at = { line: stmt.startPosition.row, character: 0 };
      return {
        title: `Split ${name} before using it again`,
        // The sampled values change (that is the point), so tests or checkpoints tied to them would too.
        suggestion: true,
        edits: [
          { range: { start: at, end: at }, newText: `${indent}${name}, ${freshName} = ${split.text}(${name})\n` },
          { range: ctx.range(use.key), newText: freshName },
          ...split.edits,
        ],
      };
    }

    return {
      call(node) {
        const key = keyOf(node);
        if (!key) return;
        const q = facts.callee(node)!;
        const scope = facts.enclosingFunction(node) ?? facts.containers[0];
        if (scope.kind === 'lambda') return;
        const name = key.text;
        const use: Use = { call: node, key, scope };
        let previous: Use[];
        if (scope.kind === 'module') previous = moduleUses(name, node);
        else {
          const id = `${scope.index}:${name}`;
          previous = uses.get(id) ?? [];
          uses.set(id, [...previous, use]);
        }

        const loop = repeatsWithSameKey(node, name, scope);
        if (loop) {
          const kind = loop.type === 'while_statement' || loop.type === 'for_statement' ? 'loop' : 'comprehension';
          ctx.report(key, `\`${name}\` is passed to \`${q}\` on every pass of this ${kind} without being split, so every pass draws the same random numbers. ` +
            `Split it each time (\`${name}, subkey = jax.random.split(${name})\`) and pass the subkey.`, kind === 'loop' ? splitFix(use) : undefined);
          return;
        }
        for (let i = previous.length - 1; i >= 0; i--) {
          const prev = previous[i];
          if (reboundBetween(name, scope, prev.call.endIndex, node.startIndex)) return;
          if (exclusive(prev.call, node)) continue;
          const prevQ = facts.callee(prev.call) ?? 'jax.random';
          // The message gives the line of the other use, which an edit above it moves.
          facts.reads?.add(LINES);
          ctx.report(key, `\`${name}\` was already used by \`${prevQ}\` on line ${prev.call.startPosition.row + 1} and not split since: using a key does not change it, ` +
            `so the two samples are correlated (identical for the same shape and distribution). Split it first: \`${name}, subkey = jax.random.split(${name})\`.`, splitFix(prev));
          return;
        }
      },
    };
  },
};
