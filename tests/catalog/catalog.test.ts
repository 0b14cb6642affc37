/**
 * The equivalence catalog as data: every group file validates against snippets/catalog.schema.json,
 * ids are unique, the required concepts of the design card are present, every snippet parses, every
 * API a snippet calls (resolved through the snippet's own imports) is listed in that form's `apis`,
 * and every call spec is consistent with the argument table the translator reads.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { initParser, createParser } from '../../server/src/parse/parser';
import { buildFacts } from '../../server/src/translate/translator';
import { readCatalogFiles, catalogDir, getCatalog, FRAMEWORKS, type CatalogGroup, type FrameworkKey } from '../../server/src/catalog/index';

const ROOT = path.resolve(__dirname, '..', '..');
const SCHEMA = JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets', 'catalog.schema.json'), 'utf8'));

/** The concept ids fixed by /work/shared/CATALOG.md (a row `a / b` is several ids). */
const REQUIRED_IDS = [
  'compile.jit', 'compile.static-args',
  'autodiff.grad', 'autodiff.value-and-grad', 'autodiff.jacobian', 'autodiff.hessian', 'autodiff.stop-gradient', 'autodiff.no-grad',
  'vectorize.vmap', 'parallel.data', 'control.cond', 'control.loop', 'module.define',
  'layer.linear', 'layer.conv2d', 'layer.batchnorm', 'layer.layernorm', 'layer.dropout', 'layer.embedding', 'layer.lstm',
  'layer.attention', 'layer.pool',
  'act.relu', 'act.gelu', 'act.softmax', 'act.sigmoid', 'act.tanh',
  'loss.cross-entropy', 'loss.mse',
  'optim.sgd', 'optim.adam', 'optim.adamw', 'optim.step', 'optim.lr-schedule',
  'ops.sum', 'ops.mean', 'ops.max', 'ops.argmax', 'ops.concat', 'ops.stack', 'ops.reshape', 'ops.transpose',
  'ops.matmul', 'ops.einsum', 'ops.where', 'ops.clip', 'ops.one-hot', 'ops.gather', 'ops.inplace-update',
  'tensor.create', 'rng.seed', 'device.place', 'precision.mixed', 'data.loader', 'checkpoint.save', 'export.deploy', 'train.step',
];

const raw = readCatalogFiles(catalogDir());
const groups: Array<{ file: string; data: CatalogGroup }> = raw.groups;
const forms = groups.flatMap(({ file, data }) =>
  data.concepts.flatMap((c) => FRAMEWORKS.map((fw) => ({ file: path.basename(file), id: c.id, fw, form: c.frameworks?.[fw] }))));

describe('catalog files', () => {
  it('are all readable JSON', () => {
    expect(raw.errors).toEqual([]);
    expect(groups.length).toBeGreaterThan(0);
  });

  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(SCHEMA);
  it.each(groups.map((g) => [path.basename(g.file), g] as const))('%s validates against the schema', (name, g) => {
    const ok = validate(g.data);
    expect(ok ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
    expect(g.data.group).toBe(name.replace(/\.json$/, ''));
  });

  it('has unique concept ids', () => {
    const seen = new Map<string, string>();
    const dupes: string[] = [];
    for (const { file, data } of groups) {
      for (const c of data.concepts) {
        if (seen.has(c.id)) dupes.push(`${c.id} in ${path.basename(file)} and ${seen.get(c.id)}`);
        else seen.set(c.id, path.basename(file));
      }
    }
    expect(dupes).toEqual([]);
  });

  it('has every required concept of the design card, each with all three frameworks', () => {
    const catalog = getCatalog();
    expect(REQUIRED_IDS.filter((id) => !catalog.get(id))).toEqual([]);
    for (const c of catalog.concepts) {
      for (const fw of FRAMEWORKS) expect(c.frameworks[fw], `${c.id} ${fw}`).toBeDefined();
    }
  });
});

describe('catalog snippets', () => {
  beforeAll(async () => { await initParser(); });

  it('parse without error nodes', () => {
    const parser = createParser();
    const bad: string[] = [];
    for (const { id, fw, form } of forms) {
      if (!form) continue;
      const tree = parser.parse(form.snippet)!;
      if (tree.rootNode.hasError) bad.push(`${id} (${fw})`);
      tree.delete();
    }
    parser.delete();
    expect(bad).toEqual([]);
  });

  it('list every qualified API they call in their apis', () => {
    const parser = createParser();
    const missing: string[] = [];
    for (const { id, fw, form } of forms) {
      if (!form) continue;
      const tree = parser.parse(form.snippet)!;
      const facts = buildFacts(tree, form.snippet);
      const apis = new Set(form.apis);
      for (const call of facts.calls) {
        const q = facts.callee(call);
        if (q && !apis.has(q)) missing.push(`${id} (${fw}): ${q}`);
      }
      tree.delete();
    }
    parser.delete();
    expect([...new Set(missing)]).toEqual([]);
  });
});

describe('catalog call specs (what the translator reads)', () => {
  const specs = forms.filter((f) => f.form?.call);

  it('name a callee that the form lists in its apis, and a varargs among the params', () => {
    const bad: string[] = [];
    for (const { id, fw, form } of specs) {
      const call = form!.call!;
      if (!form!.apis.includes(call.fn)) bad.push(`${id} (${fw}): call.fn ${call.fn} not in apis`);
      if (call.varargs && !call.params.includes(call.varargs)) bad.push(`${id} (${fw}): varargs ${call.varargs} not in params`);
      if (new Set(call.params).size !== call.params.length) bad.push(`${id} (${fw}): duplicate params`);
    }
    expect(bad).toEqual([]);
  });

  /**
   * Reported to the catalog authors; the translator notes and drops such an argument. Remove an entry
   * once it is fixed (the test fails on stale entries too).
   */
  const KNOWN_PARAM_GAPS = [
    'layer.lstm: args return_sequences → tensorflow return_sequences is not a parameter of keras.layers.LSTM',
    'layer.gru: args return_sequences → tensorflow return_sequences is not a parameter of keras.layers.GRU',
    'layer.attention: args bias → jax use_bias is not a parameter of flax.linen.MultiHeadDotProductAttention',
    'ops.where: args size → jax size is not a parameter of jax.numpy.where',
    'ops.where: args fill_value → jax fill_value is not a parameter of jax.numpy.where',
    'ops.matmul: args name → tensorflow name is not a parameter of tensorflow.linalg.matmul',
    'tensor.linspace: args dtype → tensorflow dtype is not a parameter of tensorflow.linspace',
  ];

  it('map only parameters the call takes', () => {
    const bad: string[] = [];
    for (const { data } of groups) {
      for (const c of data.concepts) {
        for (const a of c.args ?? []) {
          for (const fw of FRAMEWORKS as readonly FrameworkKey[]) {
            const name = a[fw];
            const call = c.frameworks[fw]?.call;
            if (name && call && c.frameworks[fw].exists && !call.params.includes(name)) bad.push(`${c.id}: args ${a.name} → ${fw} ${name} is not a parameter of ${call.fn}`);
          }
        }
        const names = (c.args ?? []).map((a) => a.name);
        if (new Set(names).size !== names.length) bad.push(`${c.id}: duplicate canonical argument names`);
      }
    }
    expect(bad.filter((b) => !KNOWN_PARAM_GAPS.includes(b))).toEqual([]);
    expect(KNOWN_PARAM_GAPS.filter((k) => !bad.includes(k)), 'fixed in the catalog: remove from KNOWN_PARAM_GAPS').toEqual([]);
  });

  it('map each framework parameter at most once', () => {
    const bad: string[] = [];
    for (const { data } of groups) {
      for (const c of data.concepts) {
        for (const fw of FRAMEWORKS as readonly FrameworkKey[]) {
          const names = (c.args ?? []).map((a) => a[fw]).filter((n): n is string => !!n);
          const dup = names.filter((n, i) => names.indexOf(n) !== i);
          if (dup.length) bad.push(`${c.id} (${fw}): ${[...new Set(dup)].join(', ')} mapped twice`);
        }
      }
    }
    expect(bad).toEqual([]);
  });
});
