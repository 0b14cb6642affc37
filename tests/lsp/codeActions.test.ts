/**
 * Code actions: fix, fix all of a code, disable for this line, open documentation, source.fixAll —
 * over stdio with the real server, and the edit builders as units. Every edit must leave the file
 * parsing with no new syntax errors.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { CodeActionRequest, DidChangeConfigurationNotification, type CodeAction, type Command, type Diagnostic, type TextDocumentEdit } from 'vscode-languageserver-protocol';
import { startServer, type TestClient } from '../helpers/lsp';
import { ready, check, applyEdits, syntaxErrorCount } from '../helpers/analyze';
import { PythonDocument } from '../../server/src/parse/document';
import { combineFixes, disableForLine, applyOffsetEdits } from '../../server/src/lsp/codeActions';
import type { Finding } from '../../server/src/rules/types';

const SOURCE = `from jax import jit
import jax.numpy as jnp


@jit
def step(x):
    print("x", x)
    x[0] = 1.0
    x[1] += 2.0
    print(x)
    return x
`;

/** What applying every fix must give: both prints rewritten, `import jax` added once. */
const ALL_FIXED = `from jax import jit
import jax.numpy as jnp
import jax


@jit
def step(x):
    jax.debug.print("x {}", x)
    x = x.at[0].set(1.0)
    x = x.at[1].add(2.0)
    jax.debug.print("{}", x)
    return x
`;

type Action = CodeAction;
const isAction = (a: Command | CodeAction): a is CodeAction => 'kind' in a || 'edit' in a || typeof (a as CodeAction).command === 'object';

function onlyEdit(a: Action | undefined): TextDocumentEdit {
  expect(a?.edit?.documentChanges).toHaveLength(1);
  return a!.edit!.documentChanges![0] as TextDocumentEdit;
}

describe('code actions over stdio', () => {
  let client: TestClient;
  const uri = 'file:///work/actions.py';
  let diagnostics: Diagnostic[];
  const settings: Record<string, unknown> = { select: ['JAX001', 'JAX002'] };

  const actionsFor = async (diags: Diagnostic[], only?: string[]) => {
    const range = diags[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const res = await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: diags, only } });
    return (res ?? []).filter(isAction);
  };

  beforeAll(async () => {
    await ready();
    // Only the two rules SOURCE is written for, whatever else the registry comes to hold.
    client = await startServer({ settings });
    client.open(uri, SOURCE, 1);
    diagnostics = (await client.waitForDiagnostics(uri, (p) => p.version === 1 && p.diagnostics.length === 4 && p.diagnostics.every((d) => d.code === 'JAX001' || d.code === 'JAX002'))).diagnostics;
  });
  afterAll(async () => { await client.stop(); });

  it('publishes the findings the actions refer to', () => {
    expect(diagnostics.map((d) => `${d.code}@${d.range.start.line}`)).toEqual(['JAX001@6', 'JAX002@7', 'JAX002@8', 'JAX001@9']);
  });

  it('offers, for one diagnostic: the fix, fix all of its code, disable for the line, open docs', async () => {
    const actions = await actionsFor([diagnostics[1]]);
    expect(actions.map((a) => [a.title, a.kind])).toEqual([
      ['Use x.at[0].set(…)', 'quickfix'],
      ['Fix all JAX002 problems in this file', 'quickfix'],
      ['Disable JAX002 for this line', 'quickfix'],
      ['Open documentation for JAX002', 'quickfix'],
      ['Fix all auto-fixable Framewise problems', 'source.fixAll.framewise'],
    ]);
    for (const a of actions.filter((x) => x.kind === 'quickfix')) expect(a.diagnostics).toEqual([diagnostics[1]]);
  });

  it('every edit is versioned and leaves the file parsing with no new syntax errors', async () => {
    const actions = await actionsFor(diagnostics);
    const editing = actions.filter((a) => a.edit);
    expect(editing.length).toBeGreaterThanOrEqual(8);
    for (const a of editing) {
      const change = onlyEdit(a);
      expect(change.textDocument).toEqual({ uri, version: 1 });
      const after = applyEdits(SOURCE, change.edits);
      expect(after, a.title).not.toBe(SOURCE);
      expect(syntaxErrorCount(after), a.title).toBeLessThanOrEqual(syntaxErrorCount(SOURCE));
    }
  });

  it('offers each per-code and per-line action once, however many diagnostics are asked about', async () => {
    const titles = (await actionsFor(diagnostics)).map((a) => a.title);
    const count = (t: string) => titles.filter((x) => x === t).length;
    expect(count('Fix all JAX001 problems in this file')).toBe(1);
    expect(count('Fix all JAX002 problems in this file')).toBe(1);
    expect(count('Open documentation for JAX001')).toBe(1);
    expect(count('Disable JAX002 for this line')).toBe(2); // two lines
    expect(count('Fix all auto-fixable Framewise problems')).toBe(1);
  });

  it('fix all of one code touches only that code and adds the shared import once', async () => {
    const actions = await actionsFor([diagnostics[0]]);
    const fixAll = actions.find((a) => a.title === 'Fix all JAX001 problems in this file');
    const after = applyEdits(SOURCE, onlyEdit(fixAll).edits);
    expect(after.match(/^import jax$/gm)).toHaveLength(1);
    expect(after).toContain('jax.debug.print("x {}", x)');
    expect(after).toContain('jax.debug.print("{}", x)');
    expect(after).toContain('x[0] = 1.0');
    expect(check(after, ['JAX001'])).toEqual([]);
  });

  it('source.fixAll.framewise applies every fix, on request by kind alone', async () => {
    const actions = await actionsFor([], ['source.fixAll']);
    expect(actions.map((a) => a.kind)).toEqual(['source.fixAll.framewise']);
    const after = applyEdits(SOURCE, onlyEdit(actions[0]).edits);
    expect(after).toBe(ALL_FIXED);
    expect(syntaxErrorCount(after)).toBe(0);
    expect(check(after, ['JAX001', 'JAX002'])).toEqual([]);
  });

  it('a quickfix-only request gets no source action', async () => {
    const actions = await actionsFor([diagnostics[1]], ['quickfix']);
    expect(actions.some((a) => a.kind?.startsWith('source'))).toBe(false);
    expect(actions.length).toBeGreaterThanOrEqual(3);
  });

  it('open documentation is a command for the client', async () => {
    const docs = (await actionsFor([diagnostics[1]])).find((a) => a.title === 'Open documentation for JAX002');
    expect(docs?.edit).toBeUndefined();
    expect(docs?.command).toEqual({ title: 'Open documentation for JAX002', command: 'framewise.openRuleDocs', arguments: ['JAX002'] });
  });

  it('disable for this line suppresses the finding once applied', async () => {
    const disable = (await actionsFor([diagnostics[1]])).find((a) => a.title === 'Disable JAX002 for this line');
    const edits = onlyEdit(disable).edits;
    const after = applyEdits(SOURCE, edits);
    expect(after.split('\n')[7]).toBe('    x[0] = 1.0  # framewise: ignore[JAX002]');
    client.change(uri, 2, edits.map((e) => ({ range: e.range, text: e.newText })));
    const p = await client.waitForDiagnostics(uri, (d) => d.version === 2);
    expect(p.diagnostics.map((d) => `${d.code}@${d.range.start.line}`)).toEqual(['JAX001@6', 'JAX002@8', 'JAX001@9']);
  });

  it('adds the code to an ignore comment already on the line', async () => {
    // Version 2 has `# framewise: ignore[JAX002]` on line 7; ask to disable JAX001 there after moving the print onto it.
    client.change(uri, 3, [{ range: { start: { line: 7, character: 4 }, end: { line: 7, character: 4 } }, text: 'print(x); ' }]);
    const p = await client.waitForDiagnostics(uri, (d) => d.version === 3);
    const d = p.diagnostics.find((x) => x.code === 'JAX001' && x.range.start.line === 7)!;
    expect(d).toBeDefined();
    const disable = (await actionsFor([d])).find((a) => a.title === 'Disable JAX001 for this line');
    const change = onlyEdit(disable);
    expect(change.textDocument.version).toBe(3);
    client.change(uri, 4, change.edits.map((e) => ({ range: e.range, text: e.newText })));
    const q = await client.waitForDiagnostics(uri, (x) => x.version === 4);
    expect(q.diagnostics.some((x) => x.range.start.line === 7)).toBe(false);
  });

  it('a stale diagnostic (from an older version) gets no actions', async () => {
    // `diagnostics` are from version 1; lines have shifted since? Insert a line at the top to be sure.
    client.change(uri, 5, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# header\n' }]);
    await client.waitForDiagnostics(uri, (d) => d.version === 5);
    const actions = await actionsFor([diagnostics[2]], ['quickfix']);
    expect(actions).toEqual([]);
  });

  it('source.fixAll follows a settings change at the same document version', async () => {
    const other = 'file:///work/actions2.py';
    client.open(other, SOURCE, 1);
    await client.waitForDiagnostics(other, (p) => p.version === 1 && p.diagnostics.some((d) => d.code === 'JAX001'));
    const fixAll = async () => {
      const res = await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: other }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] } });
      return applyEdits(SOURCE, onlyEdit((res ?? []).filter(isAction)[0]).edits);
    };
    expect(await fixAll()).toBe(ALL_FIXED);
    settings.select = ['JAX002'];
    const mark = client.published.length;
    client.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await client.waitForDiagnostics(other, (p) => client.published.indexOf(p) >= mark && p.diagnostics.every((d) => d.code === 'JAX002'));
    const after = await fixAll();
    expect(after).toContain('x = x.at[0].set(1.0)');
    expect(after).toContain('print("x", x)');
    expect(after).not.toContain('import jax\n');
  });
});

describe('edit builders', () => {
  beforeAll(ready);

  const docOf = (text: string) => new PythonDocument('file:///t.py', 1, text);
  const HEAD = 'import jax\nimport jax.numpy as jnp\n\n\n@jax.jit\ndef step(x):\n';

  /** Disable `code` on the first finding's line; undefined if not offered. Checks syntax and suppression. */
  function disable(text: string, code: string): string | undefined {
    const [f] = check(text, [code]);
    expect(f, `no ${code} finding`).toBeDefined();
    const doc = docOf(text);
    try {
      const edits = disableForLine(doc, f.range.start.line, code);
      if (!edits) return undefined;
      const after = applyEdits(text, edits);
      expect(syntaxErrorCount(after)).toBeLessThanOrEqual(syntaxErrorCount(text));
      expect(check(after, [code]).filter((x) => x.range.start.line === f.range.start.line)).toEqual([]);
      return after;
    } finally {
      doc.dispose();
    }
  }

  it('appends the comment, replacing trailing whitespace', () => {
    expect(disable(`${HEAD}    x[0] = 1.0   \n    return x\n`, 'JAX002')).toBe(`${HEAD}    x[0] = 1.0  # framewise: ignore[JAX002]\n    return x\n`);
  });

  it('appends after an ordinary comment', () => {
    expect(disable(`${HEAD}    x[0] = 1.0  # set the first\n`, 'JAX002')).toBe(`${HEAD}    x[0] = 1.0  # set the first  # framewise: ignore[JAX002]\n`);
  });

  it('extends an existing ignore list, empty or not', () => {
    expect(disable(`${HEAD}    x[0] = 1.0  # framewise: ignore[PT201]\n`, 'JAX002')).toBe(`${HEAD}    x[0] = 1.0  # framewise: ignore[PT201, JAX002]\n`);
    expect(disable(`${HEAD}    x[0] = 1.0  # framewise: ignore[pt201, ]  # why\n`, 'JAX002')).toBe(`${HEAD}    x[0] = 1.0  # framewise: ignore[pt201, JAX002]  # why\n`);
    expect(disable(`${HEAD}    x[0] = 1.0  # framewise: ignore[]\n`, 'JAX002')).toBe(`${HEAD}    x[0] = 1.0  # framewise: ignore[JAX002]\n`);
  });

  it('keeps CRLF line endings', () => {
    const text = `${HEAD}    x[0] = 1.0\n    return x\n`.replace(/\n/g, '\r\n');
    expect(disable(text, 'JAX002')).toBe(text.replace('x[0] = 1.0\r\n', 'x[0] = 1.0  # framewise: ignore[JAX002]\r\n'));
  });

  it('puts the comment on the first line of a multi-line finding, inside the brackets', () => {
    const text = `${HEAD}    x[\n        0\n    ] = 1.0\n`;
    expect(disable(text, 'JAX002')).toBe(`${HEAD}    x[  # framewise: ignore[JAX002]\n        0\n    ] = 1.0\n`);
  });

  it('offers nothing on a line ending in a backslash continuation', () => {
    expect(disable(`${HEAD}    x[0] = 1.0 + \\\n        2.0\n`, 'JAX002')).toBeUndefined();
    expect(disable(`${HEAD}    print(x, \\\n          x)\n`, 'JAX001')).toBeUndefined();
  });

  it('offers nothing when the line ends inside a multi-line string', () => {
    expect(disable(`${HEAD}    print("""value:\n    """, x)\n`, 'JAX001')).toBeUndefined();
    expect(disable(`${HEAD}    x[0] = len('''a\nb''')\n`, 'JAX002')).toBeUndefined();
    expect(disable(`${HEAD}    print(f"""{x}\n    """)\n`, 'JAX001')).toBeUndefined();
  });

  it('a string that closes on the line, or a backslash inside a comment, is fine', () => {
    expect(disable(`${HEAD}    print("""a""", x)\n`, 'JAX001')).toBe(`${HEAD}    print("""a""", x)  # framewise: ignore[JAX001]\n`);
    expect(disable(`${HEAD}    x[0] = 1.0  # path\\\n`, 'JAX002')).toBe(`${HEAD}    x[0] = 1.0  # path\\  # framewise: ignore[JAX002]\n`);
  });

  it('the line on which a multi-line string ends is fine', () => {
    expect(disable(`${HEAD}    s = """a\n    b"""; x[0] = 1.0\n`, 'JAX002')).toBe(`${HEAD}    s = """a\n    b"""; x[0] = 1.0  # framewise: ignore[JAX002]\n`);
  });

  const finding = (code: string, edits: Array<[number, number, number, number, string]>): Finding => ({
    code, message: '', severity: 'warning', range: { start: { line: edits[0][0], character: edits[0][1] }, end: { line: edits[0][2], character: edits[0][3] } },
    fix: { title: 't', edits: edits.map(([sl, sc, el, ec, newText]) => ({ range: { start: { line: sl, character: sc }, end: { line: el, character: ec } }, newText })) },
  });

  it('combineFixes keeps non-overlapping fixes in document order and drops a fix that overlaps', () => {
    const text = 'a = 1\nb = 2\nc = 3\n';
    const doc = docOf(text);
    try {
      const edits = combineFixes(doc, [
        finding('X', [[0, 4, 0, 5, '10']]),
        finding('X', [[0, 0, 0, 5, 'a = 11']]), // overlaps the first: left out whole
        finding('X', [[1, 4, 1, 5, '20'], [0, 0, 0, 0, 'import m\n']]),
        finding('X', [[2, 4, 2, 5, '30'], [0, 0, 0, 0, 'import m\n']]), // same import: once
        finding('X', [[2, 0, 2, 0, '# note\n']]), // insertion before a replaced range's line: fine
      ])!;
      expect(applyEdits(text, edits)).toBe('import m\na = 10\nb = 20\n# note\nc = 30\n');
      expect(edits.filter((e) => e.newText === 'import m\n')).toHaveLength(1);
    } finally {
      doc.dispose();
    }
  });

  it('combineFixes refuses a combination that adds syntax errors, and an empty one', () => {
    const text = 'a = 1\nb = 2\n';
    const doc = docOf(text);
    try {
      expect(combineFixes(doc, [finding('X', [[0, 4, 0, 5, '(1']])])).toBeUndefined();
      expect(combineFixes(doc, [])).toBeUndefined();
      expect(combineFixes(doc, [{ code: 'X', message: '', severity: 'hint', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } }])).toBeUndefined();
    } finally {
      doc.dispose();
    }
  });

  it('a file that already has syntax errors may keep them, but gain none', () => {
    const text = 'a = (1\nb = 2\n';
    const doc = docOf(text);
    try {
      const edits = combineFixes(doc, [finding('X', [[1, 4, 1, 5, '3']])])!;
      expect(applyEdits(text, edits)).toBe('a = (1\nb = 3\n');
      expect(combineFixes(doc, [finding('X', [[1, 4, 1, 5, '[3']])])).toBeUndefined();
    } finally {
      doc.dispose();
    }
  });

  it('applyOffsetEdits puts insertions at one offset in array order, before a replacement there', () => {
    expect(applyOffsetEdits('abc', [{ s: 1, e: 2, text: 'X' }, { s: 1, e: 1, text: '1' }, { s: 1, e: 1, text: '2' }])).toBe('a12Xc');
  });
});
