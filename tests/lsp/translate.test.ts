/** Translate and show-equivalents code actions through the real server over stdio. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { CodeActionRequest, type CodeAction, type Command, type TextDocumentEdit } from 'vscode-languageserver-protocol';
import { startServer, type TestClient } from '../helpers/lsp';
import { applyEdits, ready, syntaxErrorCount } from '../helpers/analyze';

const URI = 'file:///work/translate_sample.py';
const SOURCE = `import torch
import torch.nn.functional as F


def loss(x, target):
    y = torch.sum(x, dim=1, keepdim=True)
    return F.l1_loss(y, target)
`;

describe('translation code actions over stdio', () => {
  let client: TestClient;
  beforeAll(async () => {
    await ready();
    client = await startServer();
    client.open(URI, SOURCE, 1);
    await client.waitForDiagnostics(URI, (d) => d.version === 1);
  });
  afterAll(async () => { await client.stop(); });

  const actionsAt = async (line: number, character: number, only?: string[]) => {
    const r = await client.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: URI },
      range: { start: { line, character }, end: { line, character } },
      context: { diagnostics: [], ...(only ? { only } : {}) },
    });
    return (r ?? []).filter((a): a is CodeAction => 'kind' in a || 'edit' in a);
  };
  const editOf = (a: CodeAction) => a.edit!.documentChanges![0] as TextDocumentEdit;

  it('offers Translate to JAX / TensorFlow (not PyTorch) and Show equivalents on torch.sum', async () => {
    const actions = await actionsAt(5, 12);
    const kinds = actions.map((a) => a.kind);
    expect(kinds).toContain('refactor.rewrite.framewise.to-jax');
    expect(kinds).toContain('refactor.rewrite.framewise.to-tensorflow');
    expect(kinds).not.toContain('refactor.rewrite.framewise.to-torch');
    const show = actions.find((a) => a.kind === 'refactor.framewise.equivalents')!;
    expect(show.title).toBe('Show equivalents: Sum over axes');
    expect(show.command).toEqual({ title: 'Show equivalents', command: 'framewise.showEquivalents', arguments: ['ops.sum'] } satisfies Command);
  });

  it('the JAX translation is a versioned edit that rewrites the call and adds the import once', async () => {
    const jax = (await actionsAt(5, 12)).find((a) => a.kind === 'refactor.rewrite.framewise.to-jax')!;
    expect(jax.title).toBe('Translate to JAX');
    const change = editOf(jax);
    expect(change.textDocument).toEqual({ uri: URI, version: 1 });
    const after = applyEdits(SOURCE, change.edits);
    expect(after).toBe(`import torch
import torch.nn.functional as F
import jax.numpy as jnp


def loss(x, target):
    y = jnp.sum(x, axis=1, keepdims=True)
    return F.l1_loss(y, target)
`);
    expect(syntaxErrorCount(after)).toBe(0);
  });

  it('filters by the requested kind', async () => {
    const only = await actionsAt(5, 12, ['refactor.rewrite.framewise.to-tensorflow']);
    expect(only.map((a) => a.kind)).toEqual(['refactor.rewrite.framewise.to-tensorflow']);
    const after = applyEdits(SOURCE, editOf(only[0]).edits);
    expect(after).toContain('y = tf.math.reduce_sum(x, axis=1, keepdims=True)');
    expect(after).toContain('import tensorflow as tf\n');
    expect(await actionsAt(5, 12, ['quickfix'])).toEqual([]);
  });

  it('offers no JAX rewrite where JAX has no equivalent, but TensorFlow with its notes', async () => {
    const actions = await actionsAt(6, 14);
    expect(actions.map((a) => a.kind)).not.toContain('refactor.rewrite.framewise.to-jax');
    const tf = actions.find((a) => a.kind === 'refactor.rewrite.framewise.to-tensorflow')!;
    expect(tf.title).toBe('Translate to TensorFlow (with notes)');
    const after = applyEdits(SOURCE, editOf(tf).edits);
    expect(after).toContain('    # framewise: PyTorch default reduction="mean" has no TensorFlow counterpart');
    expect(after).toContain('    return keras.losses.mean_absolute_error(target, y)\n');
    expect(syntaxErrorCount(after)).toBe(0);
    expect(actions.find((a) => a.kind === 'refactor.framewise.equivalents')?.command?.arguments).toEqual(['loss.l1']);
  });

  it('offers nothing outside an idiom', async () => {
    expect(await actionsAt(4, 0)).toEqual([]);
  });

  it('edits carry the current version after a change', async () => {
    client.change(URI, 2, [{ range: { start: { line: 5, character: 4 }, end: { line: 5, character: 5 } }, text: 'w' }]);
    await client.waitForDiagnostics(URI, (d) => d.version === 2);
    const jax = (await actionsAt(5, 12)).find((a) => a.kind === 'refactor.rewrite.framewise.to-jax')!;
    expect(editOf(jax).textDocument.version).toBe(2);
    expect(applyEdits(SOURCE.replace('    y = torch', '    w = torch'), editOf(jax).edits)).toContain('    w = jnp.sum(x, axis=1, keepdims=True)');
  });
});
