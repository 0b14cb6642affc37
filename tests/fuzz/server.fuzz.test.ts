/**
 * Property-based test of the real server over stdio: random sequences of incremental edits on three
 * documents at once (framework code, hostile text, CR / CRLF, emoji), with code-action, hover and
 * `framewise/equivalents` requests interleaved and quick fixes applied as a client would. Checks:
 * the process never exits, no request hangs or fails, every publish carries a version and ranges
 * inside that version's text, code-action edits are versioned for the text they were asked for, the
 * last publish of every document is for its current version once it settles, and the server's text
 * of every document equals the client's (debug request, FRAMEWISE_TEST=1).
 *
 * Seeded: FRAMEWISE_FUZZ_SEED=<n> replays a run (default: a fixed seed; `random` for a new one);
 * FRAMEWISE_FUZZ_RUNS=<n> changes the number of runs. A failure prints the seed and the shrunk
 * counterexample.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { CodeActionRequest, HoverRequest, type CodeAction, type Diagnostic, type PublishDiagnosticsParams, type TextDocumentEdit, type TextEdit } from 'vscode-languageserver-protocol';
import { startServer, TEST_ENV, type TestClient, type RequestOutcome } from '../helpers/lsp';
import { initialDocument, insertText } from './corpus';

const SEED = process.env.FRAMEWISE_FUZZ_SEED === 'random' ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(process.env.FRAMEWISE_FUZZ_SEED ?? 20_240_611);
const RUNS = Number(process.env.FRAMEWISE_FUZZ_RUNS ?? 30);
const DOCS = 3;
const METHOD_NOT_FOUND = -32601;
const REQUEST_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------------------------------------------
// The client's own model of LSP text (independent of the server's): line breaks are \n, \r\n and \r.

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    if (text[i] === '\n' || text[i] === '\r') starts.push(i + 1);
  }
  return starts;
}

interface Pos { line: number; character: number }
interface Rng { start: Pos; end: Pos }

function positionAt(text: string, offset: number): Pos {
  const starts = lineStarts(text);
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
  return { line, character: offset - starts[line] };
}

function offsetOf(text: string, pos: Pos): number {
  const starts = lineStarts(text);
  return starts[pos.line] + pos.character;
}

/** Length of a line without its line break. */
function lineLength(text: string, line: number): number {
  const starts = lineStarts(text);
  const end = line + 1 < starts.length ? starts[line + 1] : text.length;
  return text.slice(starts[line], end).replace(/\r?\n$|\r$/, '').length;
}

function rangeInside(text: string, r: Rng): boolean {
  const lines = lineStarts(text).length;
  const ok = (p: Pos) => Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0 && p.line < lines && p.character <= lineLength(text, p.line);
  return ok(r.start) && ok(r.end) && (r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character));
}

/** The offset at `fraction` of the text, made valid. */
function validOffset(text: string, fraction: number): number {
  return validAt(text, Math.floor(fraction * (text.length + 1)));
}

/** `offset` clamped to the text and moved back out of a surrogate pair or a CRLF. */
function validAt(text: string, offset: number): number {
  let o = Math.max(0, Math.min(text.length, offset));
  const between = (i: number) => i > 0 && i < text.length && ((text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff && text.charCodeAt(i) >= 0xdc00 && text.charCodeAt(i) <= 0xdfff) || (text[i - 1] === '\r' && text[i] === '\n'));
  while (between(o)) o--;
  return o;
}

// ---------------------------------------------------------------------------------------------------
// Operations

type Op =
  | { kind: 'insert'; doc: number; at: number; text: string }
  | { kind: 'delete'; doc: number; at: number; len: number }
  | { kind: 'replace'; doc: number; at: number; len: number; text: string }
  | { kind: 'batch'; doc: number; edits: Array<{ at: number; len: number; text: string }> }
  | { kind: 'full'; doc: number; text: string }
  | { kind: 'codeAction'; doc: number; at: number; len: number }
  | { kind: 'hover'; doc: number; at: number }
  | { kind: 'equivalents'; doc: number; at: number }
  | { kind: 'applyFix'; doc: number; pick: number }
  | { kind: 'wait'; ms: number };

const doc = fc.nat({ max: DOCS - 1 });
const at = fc.double({ min: 0, max: 1, noNaN: true });
const len = fc.oneof(fc.nat({ max: 3 }), fc.nat({ max: 40 }), fc.nat({ max: 400 }));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('insert' as const), doc, at, text: insertText }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), doc, at, len }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('replace' as const), doc, at, len, text: insertText }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('batch' as const), doc, edits: fc.array(fc.record({ at, len, text: insertText }), { minLength: 2, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('full' as const), doc, text: initialDocument }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('codeAction' as const), doc, at, len }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('hover' as const), doc, at }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('equivalents' as const), doc, at }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('applyFix' as const), doc, pick: fc.nat({ max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(0, 20, 200) }) },
);

const scenario = fc.record({
  initial: fc.array(initialDocument, { minLength: DOCS, maxLength: DOCS }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 60 }),
});

// ---------------------------------------------------------------------------------------------------

interface DocModel { uri: string; version: number; text: string; history: Map<number, string> }

let client: TestClient;
let run = 0;

async function ensureServer(): Promise<void> {
  if (client && client.proc.exitCode === null && client.proc.signalCode === null) return;
  client = await startServer({ env: TEST_ENV });
}

/** One scenario against the shared server; throws (with a description) on any violated property. */
async function runScenario(initial: string[], ops: Op[]): Promise<void> {
  await ensureServer();
  const c = client;
  const id = ++run;
  const docs: DocModel[] = initial.map((text, i) => ({ uri: `file:///fuzz/run${id}/doc${i}.py`, version: 1, text, history: new Map([[1, text]]) }));
  const firstPublish = c.published.length;
  const pending: Array<Promise<void>> = [];
  const failures: string[] = [];
  const fail = (m: string) => { failures.push(m); };

  let died: string | undefined;
  void c.exited.then((e) => { died = `server exited (code ${e.code}, signal ${e.signal}); stderr: ${c.stderr.join('').slice(-2000)}`; });

  for (const d of docs) c.open(d.uri, d.text, d.version);

  const change = (d: DocModel, edits: Array<{ at: number; len: number; text: string }>) => {
    const changes: Array<{ range: Rng; text: string }> = [];
    let text = d.text;
    for (const e of edits) {
      const s = validOffset(text, e.at);
      const end = validAt(text, s + e.len);
      const range = { start: positionAt(text, s), end: positionAt(text, Math.max(s, end)) };
      changes.push({ range, text: e.text });
      text = text.slice(0, offsetOf(text, range.start)) + e.text + text.slice(offsetOf(text, range.end));
    }
    d.version++;
    d.text = text;
    d.history.set(d.version, text);
    c.change(d.uri, d.version, changes);
  };

  /** A request whose answer is checked later (it is not awaited: edits keep flowing meanwhile). */
  const request = <R>(method: string, params: unknown, check?: (r: R) => void) => {
    pending.push(c.request<R>(method, params, { timeoutMs: REQUEST_TIMEOUT_MS }).then((r: RequestOutcome<R>) => {
      if (r.ok) check?.(r.result);
      else if (r.code !== METHOD_NOT_FOUND) fail(`${method} failed: ${r.code} ${r.message}`);
    }, (e: Error) => fail(e.message)));
  };

  /** Code-action edits must be versioned documentChanges for the text the request was made against. */
  const checkActions = (d: DocModel, version: number) => (actions: Array<CodeAction | { command: string }> | null) => {
    const text = d.history.get(version)!;
    for (const a of actions ?? []) {
      const edit = (a as CodeAction).edit;
      if (!edit) continue;
      if (edit.changes) fail(`code action "${(a as CodeAction).title}" uses unversioned changes`);
      for (const dc of (edit.documentChanges ?? []) as TextDocumentEdit[]) {
        if (dc.textDocument.uri !== d.uri) { fail(`code action edits another document: ${dc.textDocument.uri}`); continue; }
        if (dc.textDocument.version !== version) fail(`code action for version ${version} carries version ${dc.textDocument.version}`);
        const edits = dc.edits as TextEdit[];
        for (const e of edits) if (!rangeInside(text, e.range)) fail(`code action edit range ${JSON.stringify(e.range)} outside the text of version ${version}`);
        // The edits of one TextDocumentEdit must not overlap (insertions at one point may share it).
        const spans = edits.map((e) => [offsetOf(text, e.range.start), offsetOf(text, e.range.end)]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        for (let i = 1; i < spans.length; i++) if (spans[i][0] < spans[i - 1][1]) fail(`code action "${(a as CodeAction).title}" has overlapping edits`);
      }
    }
  };

  const lastDiagnostics = (d: DocModel): Diagnostic[] => {
    for (let i = c.published.length - 1; i >= firstPublish; i--) {
      const p = c.published[i];
      if (p.uri === d.uri) return p.version === d.version ? p.diagnostics : [];
    }
    return [];
  };

  for (const op of ops) {
    if (died) break;
    switch (op.kind) {
      case 'insert': change(docs[op.doc], [{ at: op.at, len: 0, text: op.text }]); break;
      case 'delete': change(docs[op.doc], [{ at: op.at, len: op.len, text: '' }]); break;
      case 'replace': change(docs[op.doc], [{ at: op.at, len: op.len, text: op.text }]); break;
      case 'batch': change(docs[op.doc], op.edits); break;
      case 'full': {
        const d = docs[op.doc];
        d.version++;
        d.text = op.text;
        d.history.set(d.version, op.text);
        c.change(d.uri, d.version, [{ text: op.text }]);
        break;
      }
      case 'codeAction': {
        const d = docs[op.doc];
        const s = validOffset(d.text, op.at);
        const e = validAt(d.text, s + op.len);
        const range = { start: positionAt(d.text, s), end: positionAt(d.text, Math.max(s, e)) };
        request(CodeActionRequest.method, { textDocument: { uri: d.uri }, range, context: { diagnostics: lastDiagnostics(d) } }, checkActions(d, d.version));
        break;
      }
      case 'hover': {
        const d = docs[op.doc];
        request(HoverRequest.method, { textDocument: { uri: d.uri }, position: positionAt(d.text, validOffset(d.text, op.at)) });
        break;
      }
      case 'equivalents': {
        const d = docs[op.doc];
        request('framewise/equivalents', { textDocument: { uri: d.uri }, position: positionAt(d.text, validOffset(d.text, op.at)) });
        break;
      }
      case 'applyFix': {
        // As an editor does: ask for the actions on the current diagnostics, apply one edit if its version matches.
        const d = docs[op.doc];
        const diagnostics = lastDiagnostics(d).filter((x) => x.source === 'framewise');
        const whole = { start: { line: 0, character: 0 }, end: positionAt(d.text, d.text.length) };
        const version = d.version;
        const r = await c.request<Array<CodeAction>>(CodeActionRequest.method, { textDocument: { uri: d.uri }, range: whole, context: { diagnostics } }, { timeoutMs: REQUEST_TIMEOUT_MS }).catch((e: Error) => { fail(e.message); return undefined; });
        if (!r) break;
        if (!r.ok) { fail(`codeAction failed: ${r.code} ${r.message}`); break; }
        checkActions(d, version)(r.result);
        const withEdits = (r.result ?? []).filter((a) => a.edit?.documentChanges?.length);
        const action = withEdits[op.pick % Math.max(1, withEdits.length)];
        const dc = action?.edit?.documentChanges?.[0] as TextDocumentEdit | undefined;
        if (!dc || dc.textDocument.version !== d.version) break;
        // Apply the edits back to front so that each change's range is still valid when applied in order;
        // insertions at one point go in reverse array order, so they end up in array order (LSP).
        const edits = (dc.edits as TextEdit[]).map((e, i) => ({ e, i, s: offsetOf(d.text, e.range.start) }))
          .sort((a, b) => b.s - a.s || b.i - a.i).map((x) => x.e);
        const text0 = d.text;
        const changes = edits.map((e) => ({ range: e.range, text: e.newText }));
        let text = text0;
        for (const e of edits) text = text.slice(0, offsetOf(text0, e.range.start)) + e.newText + text.slice(offsetOf(text0, e.range.end));
        d.version++;
        d.text = text;
        d.history.set(d.version, text);
        c.change(d.uri, d.version, changes);
        break;
      }
      case 'wait': await new Promise((r) => setTimeout(r, op.ms)); break;
    }
  }

  await Promise.all(pending);
  // Settle: every document's diagnostics for its current version arrive; nothing older comes after.
  for (const d of docs) {
    if (died) break;
    await c.waitForDiagnostics(d.uri, (p) => p.version === d.version, REQUEST_TIMEOUT_MS).catch((e: Error) => fail(e.message));
  }
  await new Promise((r) => setTimeout(r, 250));
  if (died) throw new Error(died);

  const mine = c.published.slice(firstPublish).filter((p) => docs.some((d) => d.uri === p.uri));
  for (const p of mine) checkPublish(p, docs.find((d) => d.uri === p.uri)!, fail);
  for (const d of docs) {
    const last = [...mine].reverse().find((p) => p.uri === d.uri);
    if (last?.version !== d.version) fail(`${d.uri}: last publish is for version ${last?.version}, current is ${d.version}`);
    const server = await c.debugText(d.uri);
    if (!server) fail(`${d.uri}: the server does not know the document`);
    else {
      if (server.version !== d.version) fail(`${d.uri}: server version ${server.version}, client ${d.version}`);
      if (server.text !== d.text) fail(`${d.uri}: server text differs from the client's: ${JSON.stringify(firstDifference(server.text, d.text))}`);
    }
    c.close(d.uri);
  }
  if (failures.length) throw new Error(failures.slice(0, 10).join('\n'));
}

function checkPublish(p: PublishDiagnosticsParams, d: DocModel, fail: (m: string) => void): void {
  if (typeof p.version !== 'number') return fail(`${p.uri}: publish without a version`);
  const text = d.history.get(p.version);
  if (text === undefined) return fail(`${p.uri}: publish for version ${p.version}, which the client never had`);
  for (const diag of p.diagnostics) {
    if (!rangeInside(text, diag.range)) fail(`${p.uri} v${p.version}: ${diag.code} range ${JSON.stringify(diag.range)} outside the text`);
  }
}

function firstDifference(a: string, b: string): { at: number; server: string; client: string } {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return { at: i, server: a.slice(Math.max(0, i - 20), i + 20), client: b.slice(Math.max(0, i - 20), i + 20) };
}

describe('server fuzz: random incremental edits and requests on three documents', () => {
  beforeAll(async () => { await ensureServer(); });
  afterAll(async () => { await client?.stop(); });

  it(`keeps serving, stays in sync and publishes only current, in-range diagnostics (seed ${SEED}, ${RUNS} runs)`, async () => {
    const started = Date.now();
    try {
      await fc.assert(fc.asyncProperty(scenario, async ({ initial, ops }) => runScenario(initial, ops)), {
        seed: SEED,
        numRuns: RUNS,
        // Bounded: shrinking stops after the time limit, and what was found so far is reported.
        interruptAfterTimeLimit: 100_000,
        markInterruptAsFailure: false,
      });
    } catch (e) {
      const cause = (e as Error).cause instanceof Error ? `\nCause: ${((e as Error).cause as Error).message}` : '';
      console.error(`server fuzz failed with seed ${SEED} (replay: FRAMEWISE_FUZZ_SEED=${SEED}):\n${(e as Error).message}${cause}`);
      throw e;
    }
    expect(Date.now() - started).toBeLessThan(150_000);
  }, 180_000);
});
