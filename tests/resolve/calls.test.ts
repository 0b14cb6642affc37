/**
 * `Facts.callsNamed` and `Facts.methodCallsOn` find calls from where their name is written (a text
 * search, then the token there); they must give exactly what filtering every call would.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ready } from '../helpers/analyze';
import { ROOT, pythonFiles } from '../helpers/files';
import { PythonDocument } from '../../server/src/parse/document';
import { SyntaxTree } from '../../server/src/parse/mirror';
import { Facts, FACT_NODE_TYPES } from '../../server/src/resolve/facts';
import { calledName, methodCall } from '../../server/src/rules/util';
import { generateFile } from '../../scripts/bench/generate.mjs';

beforeAll(ready);

function factsOf(text: string): { facts: Facts; doc: PythonDocument } {
  const doc = new PythonDocument('file:///c.py', 1, text);
  const syntax = new SyntaxTree(doc.tree!, doc.text);
  const facts = new Facts(syntax.rootNode, doc.text);
  facts.build(syntax.numbersOfTypes(FACT_NODE_TYPES));
  return { facts, doc };
}

function check(text: string): number {
  const { facts, doc } = factsOf(text);
  const names = new Set<string>();
  const receivers = new Set<string>();
  for (const c of facts.calls) {
    const n = calledName(c);
    if (n) names.add(n);
    const m = methodCall(c);
    if (m) receivers.add(`${m.receiver.text}\u0000${m.method}`);
  }
  for (const n of [...names, 'print', 'no_such_name', 'x']) {
    expect(facts.callsNamed(n).map((c) => c.id)).toEqual(facts.calls.filter((c) => calledName(c) === n).map((c) => c.id));
  }
  for (const key of receivers) {
    const [receiver, method] = key.split('\u0000');
    expect(facts.methodCallsOn(receiver, method).map((c) => c.id))
      .toEqual(facts.calls.filter((c) => { const m = methodCall(c); return m?.method === method && m.receiver.text === receiver; }).map((c) => c.id));
  }
  doc.dispose();
  return names.size;
}

describe('calls by name', () => {
  it('equal the calls filtered by the name they are made by, on every Python file of the repository', () => {
    let names = 0;
    for (const file of [...pythonFiles(path.join(ROOT, 'samples')), ...pythonFiles(path.join(ROOT, 'tests'))]) names += check(fs.readFileSync(file, 'utf8'));
    expect(names).toBeGreaterThan(500);
  });

  it('on generated code, on calls in strings, comments, chains and broken input', () => {
    check(generateFile(800, 3));
    check('f(f(x))\nx.f(y.f())\ng(x).f(1)\ny.f().f()\n"f(x)"  # f(x)\nf (1)\nx . f (2)\n(f)(3)\nf\u00e9(4)\n\u00e9f(5)\ndef f(:\n  f(\n');
    check('a.b.c.d(1)\nb.c(2)\nc(3)\n');
  });
});

describe('paramNames', () => {
  const paramsOf = (text: string) => {
    const { facts, doc } = factsOf(text);
    const out = facts.containers.filter((c) => c.kind === 'function' || c.kind === 'lambda').map((c) => c.params);
    doc.dispose();
    return out;
  };
  it('names every kind of parameter, in order, and nothing else', () => {
    expect(paramsOf('def f(a, b=1, /, *args, c: int, d: int = 2, **kw):\n    pass\n')).toEqual([['a', 'b', 'args', 'c', 'd', 'kw']]);
    expect(paramsOf('def g(self, *, key, # a comment\n      **options): pass\n')).toEqual([['self', 'key', 'options']]);
    expect(paramsOf('h = lambda x, y=2, *r, **k: x\n')).toEqual([['x', 'y', 'r', 'k']]);
    expect(paramsOf('def e(): pass\nl = lambda: 0\n')).toEqual([[], []]);
    // Broken parameter lists give what they still name.
    expect(paramsOf('def b(a, , c):\n    pass\n')[0]).toEqual(expect.arrayContaining(['a', 'c']));
  });
});
