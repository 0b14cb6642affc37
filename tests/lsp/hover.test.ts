/** Hover and the framewise/equivalents request, through the real server over stdio. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { HoverRequest, type Hover, type MarkupContent } from 'vscode-languageserver-protocol';
import { startServer, type TestClient } from '../helpers/lsp';

const URI = 'file:///work/hover_sample.py';
const SOURCE = `import torch
import torch.nn as nn

x = torch.ones(2, 3)
y = torch.sum(x, dim=1)
z = x.mean(0)
layer = nn.Linear(16, 32)
n = len([1, 2])
`;

function at(text: string, line: number, needle: string): { line: number; character: number } {
  const col = text.split('\n')[line].indexOf(needle);
  if (col < 0) throw new Error(`${needle} not on line ${line}`);
  return { line, character: col + 1 };
}

describe('hover and equivalents over stdio', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await startServer();
    client.open(URI, SOURCE, 1);
    await client.waitForDiagnostics(URI, (d) => d.version === 1);
  });
  afterAll(async () => { await client.stop(); });

  const hover = (position: { line: number; character: number }) =>
    client.conn.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position }) as Promise<Hover | null>;

  it('shows the other two frameworks, the argument table and the differences for torch.sum', async () => {
    const h = await hover(at(SOURCE, 4, 'sum'));
    expect(h).not.toBeNull();
    const md = (h!.contents as MarkupContent);
    expect(md.kind).toBe('markdown');
    expect(md.value).toContain('`ops.sum`');
    expect(md.value).toContain('**JAX** `jax.numpy.sum`');
    expect(md.value).toContain('**TensorFlow** `tensorflow.math.reduce_sum`');
    expect(md.value).not.toContain('**PyTorch** `torch.sum`');
    expect(md.value).toContain('```python');
    expect(md.value).toMatch(/\| argument \| PyTorch \| JAX \| TensorFlow \| notes \|/);
    expect(md.value).toMatch(/\| axis \| `dim` \| `axis` \| `axis` \|/);
    expect(md.value).toContain('**Differences**');
    expect(h!.range).toEqual({ start: { line: 4, character: 4 }, end: { line: 4, character: 13 } });
  });

  it('resolves the method spelling on a tensor', async () => {
    const h = await hover(at(SOURCE, 5, 'mean'));
    expect((h!.contents as MarkupContent).value).toContain('`ops.mean`');
  });

  it('follows import aliases (nn.Linear is torch.nn.Linear)', async () => {
    const h = await hover(at(SOURCE, 6, 'Linear'));
    const md = (h!.contents as MarkupContent).value;
    expect(md).toContain('`layer.linear`');
    expect(md).toContain('`flax.linen.Dense`');
    expect(md).toContain('`keras.layers.Dense`');
  });

  it('says nothing on names that are not framework APIs', async () => {
    expect(await hover(at(SOURCE, 7, 'len'))).toBeNull();
    expect(await hover(at(SOURCE, 3, 'x ='))).toBeNull();
  });

  it('answers framewise/equivalents for a position', async () => {
    const r = await client.conn.sendRequest('framewise/equivalents', { textDocument: { uri: URI }, position: at(SOURCE, 4, 'sum') }) as {
      concept: { id: string; frameworks: Record<string, { call?: { fn: string } }> } | null; from?: { framework: string; api: string };
    };
    expect(r.concept?.id).toBe('ops.sum');
    expect(r.from).toEqual({ framework: 'torch', api: 'torch.sum' });
    expect(Object.keys(r.concept!.frameworks)).toEqual(['torch', 'jax', 'tensorflow']);
    expect(r.concept!.frameworks.jax.call?.fn).toBe('jax.numpy.sum');
  });

  it('answers framewise/equivalents for a query: a qualified name, an alias spelling, a concept id', async () => {
    const byName = await client.conn.sendRequest('framewise/equivalents', { query: 'torch.nn.Linear' }) as { concept: { id: string } | null };
    expect(byName.concept?.id).toBe('layer.linear');
    const byAlias = await client.conn.sendRequest('framewise/equivalents', { query: 'tf.reduce_sum' }) as { concept: { id: string } | null };
    expect(byAlias.concept?.id).toBe('ops.sum');
    const byId = await client.conn.sendRequest('framewise/equivalents', { query: 'compile.jit' }) as { concept: { id: string; title: string } | null };
    expect(byId.concept?.id).toBe('compile.jit');
    const none = await client.conn.sendRequest('framewise/equivalents', { query: 'no.such.thing' }) as { concept: unknown };
    expect(none.concept).toBeNull();
  });

  it('lists the concepts for a picker', async () => {
    const r = await client.conn.sendRequest('framewise/equivalents', { list: true }) as { concept: unknown; concepts: Array<{ id: string; title: string }> };
    expect(r.concept).toBeNull();
    expect(r.concepts.length).toBeGreaterThan(100);
    expect(r.concepts.map((c) => c.id)).toContain('layer.linear');
    const filtered = await client.conn.sendRequest('framewise/equivalents', { list: true, query: 'softmax' }) as { concepts: Array<{ id: string }> };
    expect(filtered.concepts.map((c) => c.id)).toContain('act.softmax');
    expect(filtered.concepts.length).toBeLessThan(20);
  });
});
