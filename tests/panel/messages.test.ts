import { describe, expect, it } from 'vitest';
import { allowedDocsUrl, parsePanelState, parseWebviewMessage } from '../../client/src/panel/messages';
import { asConcept, asConceptList, asFoundFrom, isConceptId } from '../../client/src/panel/protocol';
import { catalogConcepts } from './fixtures';

describe('parseWebviewMessage accepts exactly the protocol', () => {
  it.each([
    [{ type: 'ready' }],
    [{ type: 'pick' }],
    [{ type: 'setPinned', pinned: true }],
    [{ type: 'setPinned', pinned: false }],
    [{ type: 'copy', conceptId: 'ops.sum', framework: 'torch' }],
    [{ type: 'insert', conceptId: 'layer.linear', framework: 'jax' }],
    [{ type: 'openDocs', conceptId: 'layer.global-avg-pool', framework: 'tensorflow' }],
  ])('accepts %j', (msg) => {
    expect(parseWebviewMessage(msg)).toEqual(msg);
  });

  it.each([
    ['null', null],
    ['a string', 'copy'],
    ['an array', [{ type: 'ready' }]],
    ['no type', { conceptId: 'ops.sum', framework: 'torch' }],
    ['unknown type', { type: 'eval', code: 'alert(1)' }],
    ['type not a string', { type: 1 }],
    ['extra key on ready', { type: 'ready', x: 1 }],
    ['extra key on copy', { type: 'copy', conceptId: 'ops.sum', framework: 'torch', snippet: 'rm -rf /' }],
    ['url smuggled into openDocs', { type: 'openDocs', conceptId: 'ops.sum', framework: 'torch', url: 'https://evil.example' }],
    ['missing framework', { type: 'copy', conceptId: 'ops.sum' }],
    ['missing concept id', { type: 'insert', framework: 'torch' }],
    ['unknown framework', { type: 'copy', conceptId: 'ops.sum', framework: 'mxnet' }],
    ['framework wrong case', { type: 'copy', conceptId: 'ops.sum', framework: 'Torch' }],
    ['framework inherited name', { type: 'copy', conceptId: 'ops.sum', framework: 'constructor' }],
    ['uppercase id', { type: 'copy', conceptId: 'Ops.Sum', framework: 'torch' }],
    ['id with slash', { type: 'copy', conceptId: '../etc/passwd', framework: 'torch' }],
    ['id with markup', { type: 'copy', conceptId: '<img src=x>', framework: 'torch' }],
    ['id with space', { type: 'copy', conceptId: 'ops sum', framework: 'torch' }],
    ['empty id', { type: 'copy', conceptId: '', framework: 'torch' }],
    ['id too long', { type: 'copy', conceptId: 'a'.repeat(129), framework: 'torch' }],
    ['id not a string', { type: 'copy', conceptId: ['ops.sum'], framework: 'torch' }],
    ['pinned not boolean', { type: 'setPinned', pinned: 'true' }],
    ['pinned missing', { type: 'setPinned' }],
    ['prototype-polluted object', Object.assign(Object.create({ polluted: true }), { type: 'ready' })],
    ['class instance', new (class { type = 'ready'; })()],
  ])('rejects %s', (_name, msg) => {
    expect(parseWebviewMessage(msg)).toBeUndefined();
  });

  it('returns a fresh object (no aliasing of the untrusted input)', () => {
    const raw = { type: 'copy', conceptId: 'ops.sum', framework: 'torch' };
    const parsed = parseWebviewMessage(raw);
    expect(parsed).not.toBe(raw);
  });
});

describe('parsePanelState', () => {
  it.each([
    [{ conceptId: 'ops.sum', pinned: true }, { conceptId: 'ops.sum', pinned: true }],
    [{ conceptId: 'ops.sum', pinned: false }, { conceptId: 'ops.sum', pinned: false }],
    [{ conceptId: 'ops.sum' }, { conceptId: 'ops.sum', pinned: false }],
    [{ conceptId: null, pinned: true }, { conceptId: null, pinned: false }],
    [{ conceptId: '<script>', pinned: true }, { conceptId: null, pinned: false }],
    [{ conceptId: 'ops.sum', pinned: 'yes' }, { conceptId: 'ops.sum', pinned: false }],
    [undefined, { conceptId: null, pinned: false }],
    ['ops.sum', { conceptId: null, pinned: false }],
  ])('%j → %j', (raw, expected) => {
    expect(parsePanelState(raw)).toEqual(expected);
  });
});

describe('allowedDocsUrl', () => {
  it('accepts every docs link of the catalog', () => {
    const rejected = catalogConcepts().flatMap((c) =>
      (['torch', 'jax', 'tensorflow'] as const).map((fw) => c.frameworks[fw].docs).filter((u) => allowedDocsUrl(u) === undefined),
    );
    expect(rejected).toEqual([]);
  });

  it.each([
    'https://docs.pytorch.org/docs/stable/generated/torch.sum.html',
    'https://docs.jax.dev/en/latest/_autosummary/jax.numpy.sum.html',
    'https://www.tensorflow.org/api_docs/python/tf/math/reduce_sum',
    'https://keras.io/api/layers/core_layers/dense/',
    'https://github.com/keras-team/keras/blob/master/keras/src/layers/normalization/rms_normalization.py',
  ])('accepts %s', (url) => {
    expect(allowedDocsUrl(url)).toBe(url);
  });

  it.each([
    ['http, not https', 'http://docs.pytorch.org/docs/stable/'],
    ['javascript:', 'javascript:alert(1)'],
    ['command URI', 'command:workbench.action.terminal.new'],
    ['file URI', 'file:///etc/passwd'],
    ['data URI', 'data:text/html,<script>alert(1)</script>'],
    ['vscode URI', 'vscode://ms-python.python/x'],
    ['unknown host', 'https://evil.example/docs'],
    ['lookalike host', 'https://docs.pytorch.org.evil.example/'],
    ['subdomain of allowed host', 'https://evil.keras.io/'],
    ['credentials', 'https://user:pass@docs.pytorch.org/'],
    ['userinfo trick', 'https://docs.pytorch.org@evil.example/'],
    ['explicit port', 'https://docs.pytorch.org:8443/'],
    ['github outside the frameworks', 'https://github.com/evil/repo'],
    ['github prefix trick', 'https://github.com/pytorchx/evil'],
    ['not a URL', 'docs.pytorch.org/docs'],
    ['not a string', 42],
    ['too long', `https://keras.io/${'a'.repeat(3000)}`],
  ])('rejects %s', (_name, url) => {
    expect(allowedDocsUrl(url)).toBeUndefined();
  });
});

describe('server answers are validated', () => {
  it('every catalog concept passes asConcept unchanged', () => {
    for (const c of catalogConcepts()) expect(asConcept(c), c.id).toEqual(c);
  });

  it('accepts a wrapped answer { concept }', () => {
    const c = catalogConcepts()[0]!;
    expect(asConcept({ concept: c })).toEqual(c);
  });

  it.each([
    ['null', null],
    ['missing a framework', { ...catalogConcepts()[0]!, frameworks: { torch: catalogConcepts()[0]!.frameworks.torch } }],
    ['bad id', { ...catalogConcepts()[0]!, id: 'Bad Id' }],
    ['snippet not a string', { ...catalogConcepts()[0]!, frameworks: { ...catalogConcepts()[0]!.frameworks, jax: { ...catalogConcepts()[0]!.frameworks.jax, snippet: 1 } } }],
    ['differences not strings', { ...catalogConcepts()[0]!, differences: [1] }],
    ['arg with an object name', { ...catalogConcepts()[0]!, args: [{ name: 'x', torch: { a: 1 }, jax: null, tensorflow: null }] }],
  ])('rejects %s', (_name, v) => {
    expect(asConcept(v)).toBeUndefined();
  });

  it('concept lists keep only well-formed entries', () => {
    expect(asConceptList([{ id: 'ops.sum', title: 'Sum' }, { id: 'BAD', title: 'x' }, { id: 'ops.max' }, 3])).toEqual([{ id: 'ops.sum', title: 'Sum' }]);
    expect(asConceptList({ concepts: [{ id: 'ops.sum', title: 'Sum' }] })).toEqual([{ id: 'ops.sum', title: 'Sum' }]);
    expect(asConceptList(null)).toEqual([]);
  });

  it('reads `from` only when well-formed', () => {
    expect(asFoundFrom({ concept: null, from: { framework: 'torch', api: 'torch.sum' } })).toEqual({ framework: 'torch', api: 'torch.sum' });
    expect(asFoundFrom({ from: { framework: 'mxnet', api: 'x' } })).toBeUndefined();
    expect(asFoundFrom({ from: { framework: 'jax', api: 1 } })).toBeUndefined();
    expect(asFoundFrom({ from: 'torch' })).toBeUndefined();
    expect(asFoundFrom(null)).toBeUndefined();
  });

  it('every catalog id is a valid panel concept id', () => {
    for (const c of catalogConcepts()) expect(isConceptId(c.id), c.id).toBe(true);
  });
});
