/**
 * Whole-module translation (torch.nn.Module ↔ Flax @nn.compact module / Keras Layer): fixture files in
 * tests/translate/modules (`NAME.py` and the expected `NAME.to-FRAMEWORK.py` beside it), the shape of
 * each result checked on its own, refusals with their reasons, the CLI (`--class`), the code action
 * over stdio, and the line diff that the code action sends.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { CodeActionRequest, type CodeAction, type TextDocumentEdit } from 'vscode-languageserver-protocol';
import { ready, syntaxErrorCount, applyEdits } from '../helpers/analyze';
import { startServer, type TestClient } from '../helpers/lsp';
import { createParser } from '../../server/src/parse/parser';
import { buildFacts } from '../../server/src/translate/translator';
import { moduleClass, translateModule } from '../../server/src/translate/module';
import { lineEdits } from '../../server/src/translate/diff';
import { applyOffsetEdits } from '../../server/src/translate/document';
import type { FrameworkKey } from '../../server/src/catalog/types';
import { main } from '../../server/src/cli/main';

const DIR = path.join(__dirname, 'modules');

beforeAll(ready);

/** The module classes of a text: name, framework, start offset, methods, `self.X =` attributes. */
function modules(text: string) {
  const parser = createParser();
  const tree = parser.parse(text)!;
  try {
    const facts = buildFacts(tree, text);
    return facts.containers.filter((c) => c.kind === 'class').flatMap((c) => {
      const m = moduleClass(facts, c.node);
      if (!m) return [];
      const methods = facts.containers.filter((f) => f.kind === 'function' && f.parent === c.index).map((f) => ({
        name: f.name!,
        params: f.params ?? [],
        decorators: f.node.parent?.type === 'decorated_definition' ? f.node.parent.namedChildren.filter((d) => d?.type === 'decorator').map((d) => facts.qualifiedName(d!.namedChildren[0] ?? null) ?? d!.text) : [],
      }));
      const attrs = [...text.slice(c.node.startIndex, c.node.endIndex).matchAll(/^\s*self\.(\w+) = /gm)].map((x) => x[1]);
      const fields = [...text.slice(c.node.startIndex, c.node.endIndex).matchAll(/^    (\w+): [^=\n]+(?:=|$)/gm)].map((x) => x[1]);
      return [{ name: m.name, framework: m.framework, start: c.node.startIndex, methods, attrs, fields }];
    });
  } finally {
    tree.delete();
    parser.delete();
  }
}

function only(text: string) {
  const ms = modules(text);
  expect(ms).toHaveLength(1);
  return ms[0];
}

const fixtures = fs.readdirSync(DIR).filter((f) => /\.to-(torch|jax|tensorflow)\.py$/.test(f)).sort();

describe('fixtures', () => {
  it('has fixtures in every direction', () => {
    const dirs = new Set(fixtures.map((f) => `${only(fs.readFileSync(path.join(DIR, f.replace(/\.to-\w+\.py$/, '.py')), 'utf8')).framework}->${/\.to-(\w+)\.py$/.exec(f)![1]}`));
    expect([...dirs].sort()).toEqual(['jax->torch', 'tensorflow->torch', 'torch->jax', 'torch->tensorflow']);
  });

  it.each(fixtures)('%s', (file) => {
    const to = /\.to-(\w+)\.py$/.exec(file)![1] as FrameworkKey;
    const source = fs.readFileSync(path.join(DIR, file.replace(/\.to-\w+\.py$/, '.py')), 'utf8');
    const expected = fs.readFileSync(path.join(DIR, file), 'utf8');
    const m = only(source);
    const r = translateModule(source, m.start, to);
    if (!r.ok) throw new Error(r.reason);
    if (process.env.FRAMEWISE_UPDATE_CASES === '1') fs.writeFileSync(path.join(DIR, file), r.text);
    expect(r.text).toBe(expected);
    expect(syntaxErrorCount(expected)).toBe(0);
    // The result is a module of the target framework with the same name.
    const out = only(r.text);
    expect(out.name).toBe(m.name);
    expect(out.framework).toBe(to);
  });
});

describe('the shape of a translated module', () => {
  const torchMlp = fs.readFileSync(path.join(DIR, 'torch_mlp.py'), 'utf8');
  const start = () => only(torchMlp).start;

  it('PyTorch → Flax: fields from the constructor, one @nn.compact __call__ with a train flag, layers named after their attributes', () => {
    const r = translateModule(torchMlp, start(), 'jax');
    if (!r.ok) throw new Error(r.reason);
    const out = only(r.text);
    expect(out.fields).toEqual(['in_dim', 'hidden', 'num_classes', 'p']);
    expect(out.methods).toEqual([{ name: '__call__', params: ['self', 'x', 'train'], decorators: ['flax.linen.compact'] }]);
    for (const attr of ['fc1', 'drop', 'fc2']) expect(r.text).toContain(`name="${attr}"`);
    expect(r.text).toContain('deterministic=not train');
    expect(r.text).toMatch(/# framewise: .*train=True to train and train=False to evaluate/);
  });

  it('PyTorch → Keras: same attributes, __init__ passes **kwargs on, forward becomes call(…, training=None)', () => {
    const r = translateModule(torchMlp, start(), 'tensorflow');
    if (!r.ok) throw new Error(r.reason);
    const out = only(r.text);
    expect(out.attrs).toEqual(['fc1', 'drop', 'fc2', 'hidden']);
    expect(out.methods.map((x) => x.name)).toEqual(['__init__', 'call']);
    expect(out.methods[0].params).toEqual(['self', 'in_dim', 'hidden', 'num_classes', 'p', 'kwargs']);
    expect(r.text).toContain('super().__init__(**kwargs)');
    expect(out.methods[1].params).toEqual(['self', 'x', 'training']);
  });

  it('round trips PyTorch → Keras → PyTorch and PyTorch → Flax → PyTorch keep the layers and the computation', () => {
    for (const via of ['tensorflow', 'jax'] as const) {
      const there = translateModule(torchMlp, start(), via);
      if (!there.ok) throw new Error(there.reason);
      const back = translateModule(there.text, only(there.text).start, 'torch');
      if (!back.ok) throw new Error(`${via}: ${back.reason}`);
      const out = only(back.text);
      expect(out.framework).toBe('torch');
      expect(out.methods.map((x) => x.name)).toEqual(['__init__', 'forward']);
      for (const attr of ['fc1', 'drop', 'fc2']) expect(out.attrs).toContain(attr);
      expect(back.text).toMatch(/return self\.fc2\(x\)/);
      // Notes of the first translation do not pile up on the second.
      expect(back.text).not.toMatch(/Flax modules are dataclasses|Keras layers created in __init__/);
      expect(syntaxErrorCount(back.text)).toBe(0);
    }
  });

  it('keeps a CRLF file CRLF, and leaves the line endings of unchanged lines alone', () => {
    const crlf = torchMlp.replace(/\n/g, '\r\n');
    const r = translateModule(crlf, only(crlf).start, 'jax');
    if (!r.ok) throw new Error(r.reason);
    expect(r.text).not.toMatch(/(^|[^\r])\n/);
    expect(r.text.replace(/\r\n/g, '\n')).toBe(fs.readFileSync(path.join(DIR, 'torch_mlp.to-jax.py'), 'utf8'));
    // Mixed: one LF line outside the class stays LF.
    const mixed = crlf.replace('import torch\r\n', 'import torch\n');
    const m = translateModule(mixed, only(mixed).start, 'jax');
    if (!m.ok) throw new Error(m.reason);
    expect(m.text.startsWith('import torch\nimport torch.nn as nn\r\n')).toBe(true);
  });

  it('works on a class nested in a function (indentation kept)', () => {
    const nested = 'import torch.nn as nn\n\n\ndef make():\n    class Head(nn.Module):\n        def __init__(self):\n            super().__init__()\n            self.out = nn.Linear(8, 2)\n\n        def forward(self, x):\n            return self.out(x)\n\n    return Head()\n';
    const r = translateModule(nested, nested.indexOf('class Head'), 'jax');
    if (!r.ok) throw new Error(r.reason);
    expect(r.text).toContain('    class Head(fnn.Module):\n        @fnn.compact\n        def __call__(self, x):\n            out = fnn.Dense(features=2, name="out")\n            return out(x)\n');
    expect(syntaxErrorCount(r.text)).toBe(0);
  });
});

describe('refusals', () => {
  const torch = (init: string, forward: string, extra = '') =>
    `import torch\nimport torch.nn as nn\n\n\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n${init}\n\n    def forward(self, x):\n${forward}\n${extra}`;
  const cases: Array<[string, string, FrameworkKey, RegExp]> = [
    ['a method besides __init__ and forward (to Flax)', torch('        self.fc = nn.Linear(4, 2)', '        return self.fc(x)', '\n    def reset(self):\n        pass\n'), 'jax', /methods besides __init__ and forward \(reset\)/],
    ['a layer used other than by calling it', torch('        self.fc = nn.Linear(4, 2)', '        return x @ self.fc.weight'), 'jax', /uses the layer self\.fc other than by calling it/],
    ['an attribute __init__ does not set', torch('        self.fc = nn.Linear(4, 2)', '        return self.fc(x) * self.scale'), 'jax', /reads self\.scale, which __init__ does not set/],
    ['__init__ computing other things', torch('        self.fc = nn.Linear(4, 2)\n        self.n = 3 * 4', '        return self.fc(x)'), 'tensorflow', /sets self\.n to something other than a torch\.nn layer/],
    ['a layer with no equivalent', torch('        self.fc = nn.Bilinear(4, 4, 2)', '        return self.fc(x, x)'), 'jax', /the layer self\.fc = nn\.Bilinear\(4, 4, 2\) has no JAX equivalent/],
    ['Flax to Keras', 'import flax.linen as nn\n\n\nclass M(nn.Module):\n    @nn.compact\n    def __call__(self, x):\n        return nn.Dense(2)(x)\n', 'tensorflow', /between PyTorch and Flax or Keras/],
    ['a setup-style Flax module', 'import flax.linen as nn\n\n\nclass M(nn.Module):\n    def setup(self):\n        self.d = nn.Dense(2)\n\n    def __call__(self, x):\n        return self.d(x)\n', 'torch', /uses setup\(\)/],
    ['a Flax layer created in a loop (one layer per iteration)', 'import flax.linen as nn\n\n\nclass M(nn.Module):\n    @nn.compact\n    def __call__(self, x):\n        for _ in range(3):\n            x = nn.Dense(4)(x)\n        return x\n', 'torch', /inside a for statement/],
    ['a Flax layer sized from the input', 'import flax.linen as nn\n\n\nclass M(nn.Module):\n    @nn.compact\n    def __call__(self, x):\n        return nn.Dense(x.shape[-1])(x)\n', 'torch', /from x, a value of __call__/],
    ['a Keras layer that builds weights in build()', 'import keras\n\n\nclass M(keras.layers.Layer):\n    def __init__(self, **kwargs):\n        super().__init__(**kwargs)\n\n    def build(self, shape):\n        self.w = self.add_weight(shape=(shape[-1], 2))\n\n    def call(self, x):\n        return x @ self.w\n', 'torch', /creates weights in build\(\)/],
    ['a Keras Dense with a fused activation (PyTorch applies it as a separate call)', 'import keras\n\n\nclass M(keras.layers.Layer):\n    def __init__(self, **kwargs):\n        super().__init__(**kwargs)\n        self.d = keras.layers.Dense(4, activation="relu")\n\n    def call(self, x):\n        return self.d(x)\n', 'torch', /activation="relu" has no counterpart in Linear, and leaving it out would change the result/],
    ['an activation module built from a constructor argument', torch('        self.fc = nn.Linear(4, 2)\n        self.act = nn.LeakyReLU(slope)', '        return self.act(self.fc(x))').replace('def __init__(self)', 'def __init__(self, slope=0.1)'), 'jax', /builds nn\.LeakyReLU\(slope\) from constructor arguments/],
    ['an activation module used other than by calling it', torch('        self.fc = nn.Linear(4, 2)\n        self.act = nn.ReLU()', '        return [self.act][0](self.fc(x))'), 'tensorflow', /uses the layer self\.act other than by calling it/],
    ['a constructor argument named like a Flax module field', torch('        self.fc = nn.Linear(4, 2)', '        return self.fc(x)').replace('def __init__(self)', 'def __init__(self, name="head")'), 'jax', /takes name, which every Flax module already has as a field/],
    ['a module already in the target framework', torch('        self.fc = nn.Linear(4, 2)', '        return self.fc(x)'), 'torch', /already a PyTorch module/],
    ['a file with syntax errors', torch('        self.fc = nn.Linear(4, 2)', '        return self.fc(x') , 'jax', /syntax errors/],
  ];
  it.each(cases)('%s', (_name, source, to, reason) => {
    const r = translateModule(source, source.indexOf('class M'), to);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('says so on a class that is not a module', () => {
    const src = 'class Plain:\n    pass\n';
    const r = translateModule(src, 0, 'jax');
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/no torch\.nn\.Module/) });
  });

  it('a base class named like a member of Object.prototype is no module base', () => {
    const src = 'import constructor\n\n\nclass M(constructor):\n    def forward(self, x):\n        return x\n';
    const r = translateModule(src, src.indexOf('class M'), 'jax');
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/no torch\.nn\.Module/) });
  });
});

describe('framewise translate --class', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'framewise-module-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await main(argv, { out: (s) => { out += s; }, err: (s) => { err += s; }, cwd: process.cwd() });
    return { code, out, err };
  };

  it('prints the file with the class translated', async () => {
    const r = await run('translate', path.join(DIR, 'torch_mlp.py'), '--to', 'jax', '--class', 'MLP');
    expect(r.code).toBe(0);
    expect(r.out).toBe(fs.readFileSync(path.join(DIR, 'torch_mlp.to-jax.py'), 'utf8'));
    expect(r.err).toMatch(/class MLP translated to jax/);
  });

  it('exits 1 with the reason when the class cannot be translated, 2 when there is no such class', async () => {
    const file = path.join(dir, 'm.py');
    fs.writeFileSync(file, 'import flax.linen as nn\n\n\nclass M(nn.Module):\n    def setup(self):\n        self.d = nn.Dense(2)\n\n    def __call__(self, x):\n        return self.d(x)\n');
    const refused = await run('translate', file, '--to', 'torch', '--class', 'M');
    expect(refused.code).toBe(1);
    expect(refused.out).toBe('');
    expect(refused.err).toMatch(/class M not translated: M uses setup\(\)/);
    const missing = await run('translate', file, '--to', 'torch', '--class', 'Nope');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/has no class Nope/);
  });
});

describe('the code action over stdio', () => {
  let client: TestClient;
  const URI = 'file:///work/mlp.py';
  const source = fs.readFileSync(path.join(DIR, 'torch_mlp.py'), 'utf8').replace('class MLP', 'HELPER = 1\n\n\nclass MLP');
  beforeAll(async () => {
    client = await startServer();
    client.open(URI, source, 1);
    await client.waitForDiagnostics(URI, (d) => d.version === 1);
  });
  afterAll(async () => { await client.stop(); });

  /** The rewrite code actions with the cursor at (line, character). */
  const rewritesAt = (line: number, character: number) => client.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: URI },
    range: { start: { line, character }, end: { line, character } },
    context: { diagnostics: [], only: ['refactor.rewrite.framewise'] },
  });

  it('offers the class in Flax and in Keras on its header; the edit leaves other lines alone', async () => {
    const line = source.split('\n').findIndex((l) => l.startsWith('class MLP'));
    const r = await rewritesAt(line, 7);
    const actions = (r ?? []).filter((a): a is CodeAction => 'edit' in a);
    const titles = actions.map((a) => a.title);
    expect(titles).toContain('Translate class MLP to a Flax module (@nn.compact) (with notes)');
    expect(titles).toContain('Translate class MLP to a Keras Layer (with notes)');
    const flax = actions.find((a) => a.title.startsWith('Translate class MLP to a Flax'))!;
    const change = flax.edit!.documentChanges![0] as TextDocumentEdit;
    expect(change.textDocument).toEqual({ uri: URI, version: 1 });
    const after = applyEdits(source, change.edits);
    const direct = translateModule(source, source.indexOf('class MLP'), 'jax');
    expect(direct.ok && after).toBe(direct.ok && direct.text);
    const helperLine = source.split('\n').indexOf('HELPER = 1');
    for (const e of change.edits) expect(e.range.start.line > helperLine || e.range.end.line < helperLine).toBe(true);
  });

  it('offers nothing whole-module inside a method body', async () => {
    const line = source.split('\n').findIndex((l) => l.includes('x = self.drop(x)'));
    const r = await rewritesAt(line, 10);
    expect((r ?? []).map((a) => a.title).filter((t) => t.startsWith('Translate class'))).toEqual([]);
  });
});

describe('lineEdits', () => {
  it('turns one text into the other, touching only changed lines', () => {
    fc.assert(fc.property(
      fc.array(fc.constantFrom('a\n', 'b\n', 'c\n', 'import x\n', 'class A:\n', '    pass\n', '\n', 'def f():\n'), { maxLength: 30 }),
      fc.array(fc.tuple(fc.nat(40), fc.nat(3), fc.array(fc.constantFrom('z\n', 'import y\n', 'a\n', '# note\n'), { maxLength: 4 })), { maxLength: 5 }),
      (lines, ops) => {
        const before = lines.join('');
        const next = [...lines];
        for (const [at, del, ins] of ops) next.splice(Math.min(at, next.length), del, ...ins);
        const after = next.join('');
        const edits = lineEdits(before, after);
        expect(applyOffsetEdits(before, edits)).toBe(after);
        const changed = edits.reduce((n, e) => n + (e.end - e.start), 0);
        expect(changed).toBeLessThanOrEqual(before.length);
        for (const e of edits) {
          expect(e.start === 0 || before[e.start - 1] === '\n').toBe(true);
        }
      },
    ), { seed: 4242, numRuns: 300 });
  });

  it('an insertion at the top and a change further down are two edits', () => {
    const before = 'import a\n\nx = 1\ny = 2\n\nclass C:\n    pass\n';
    const after = 'import a\nimport b\n\nx = 1\ny = 2\n\nclass D:\n    pass\n';
    expect(lineEdits(before, after)).toEqual([
      { start: 9, end: 9, text: 'import b\n' },
      { start: 23, end: 32, text: 'class D:\n' },
    ]);
  });
});
