// Framewise benchmarks: `npm run bench` (builds first), or `node scripts/bench.mjs [--quick]
// [--only inproc,keystroke,server,memory,cli,astgrep,pyright] [--dir PATH]…` after `npm run build`.
// Each `--dir PATH` adds a folder of your own Python: its files as one more input of `inproc`, and its
// largest file to the keystroke loops (in process and through the server).
//
// On generated files of 1k, 5k and 50k lines of framework code (scripts/bench/generate.mjs) and on the
// sample workspace (samples/), it measures:
//   inproc     tree-sitter full parse alone (the floor) vs full analysis (parse + mirror walk + facts +
//              every rule, select ALL), and the ratio; the mirror walk alone as a reference
//   keystroke  one-character edit → incremental re-parse → diagnostics, in process
//              (PythonDocument.applyChanges + re-parse + mirror walk + analysis, as the server
//              does), p50/p95
//   server     the same keystrokes through the real server over stdio (didChange → publishDiagnostics
//              for that version, framewise.debounceMs = 0), timed inside the server too (the wait before
//              the analysis, the analysis, the publish after it), and cold start to first diagnostics
//   memory     resident memory of the server process with 200 open documents
//   cli        `framewise check --jobs N` throughput on a directory of generated files (files/s, MB/s)
//   astgrep    @ast-grep/napi (native tree-sitter) running three equivalent patterns, side by side
//   pyright    pyright (offline) on the same directory, as a reference point
// Prints tables and writes everything to .tmp/bench-results.json.
import * as esbuild from 'esbuild';
import { nodeBundleOptions } from './esbuild-options.mjs';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { generateFile, generateCorpus } from './bench/generate.mjs';
import { startServer } from './bench/lsp-client.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TMP = path.join(ROOT, '.tmp');
const WORK = path.join(TMP, 'bench');
const require = createRequire(import.meta.url);

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const onlyArg = argv.find((a) => a.startsWith('--only'));
const ONLY = onlyArg ? new Set((onlyArg.includes('=') ? onlyArg.split('=')[1] : argv[argv.indexOf(onlyArg) + 1]).split(',')) : undefined;
const want = (s) => !ONLY || ONLY.has(s);
const DIRS = argv.flatMap((a, i) => (a === '--dir' ? [argv[i + 1]] : a.startsWith('--dir=') ? [a.slice('--dir='.length)] : [])).filter(Boolean).map((d) => path.resolve(d));

const SIZES = [1000, 5000, 50000];
const CORPUS_FILES = QUICK ? 40 : 200;
const OPEN_DOCS = 200;
const SERVER = process.env.FRAMEWISE_BENCH_SERVER ?? path.join(ROOT, 'dist', 'server.js');
const CLI = path.join(ROOT, 'server', 'out', 'cli.js');

// ---------------------------------------------------------------------------------------- helpers

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
};
const median = (xs) => quantile(xs, 0.5);
const ms = (x) => (x === undefined || Number.isNaN(x) ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mb = (bytes) => (bytes / (1024 * 1024)).toFixed(1);
const kLines = (n) => (n >= 1000 ? `${Math.round(n / 1000)}k` : String(n));

function table(title, head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(`\n${title}\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows) console.log(line(r));
}

function log(msg) { process.stderr.write(`[bench] ${msg}\n`); }

/**
 * Several tasks measured in interleaved rounds (tinybench, one round = `perRound` timed runs of each
 * task in turn), so that a change in the machine's load during the measurement hits every task alike
 * and their ratio holds. Latency stats in ms over all rounds' samples, per task name; `ratios` are the
 * per-round ratios of each task's median to the first task's.
 */
function tinyRounds(tasks, rounds, perRound) {
  for (const [, fn] of tasks) warmUp(fn);
  const samples = Object.fromEntries(tasks.map(([name]) => [name, []]));
  const perRoundRatios = Object.fromEntries(tasks.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const medians = [];
    for (const [name, fn] of tasks) {
      const bench = new Bench({ time: 0, iterations: perRound, warmupTime: 0, warmupIterations: 0, retainSamples: true });
      bench.add(name, fn);
      bench.runSync();
      const r = bench.tasks[0].result;
      if (r.state !== 'completed') throw new Error(`${name}: ${r.state} ${r.error ?? ''}`);
      samples[name].push(...r.latency.samples);
      medians.push(r.latency.p50);
    }
    tasks.forEach(([name], i) => perRoundRatios[name].push(medians[i] / medians[0]));
  }
  const out = {};
  for (const [name] of tasks) {
    const xs = samples[name];
    out[name] = { mean: xs.reduce((a, b) => a + b, 0) / xs.length, p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), min: Math.min(...xs), max: Math.max(...xs), n: xs.length, ratios: perRoundRatios[name] };
  }
  return out;
}

/**
 * Untimed runs before a measurement: at least twice and for at least WARMUP_MS, so that what is timed
 * is code the JIT has compiled for this input, as in a server or a CLI run that has been going for a
 * while (two runs of a small input took a few milliseconds: the first rounds of the seven samples then
 * measured the compiler as much as the analysis).
 */
function warmUp(fn, minRuns = 2) {
  const t0 = performance.now();
  for (let i = 0; i < minRuns || performance.now() - t0 < WARMUP_MS; i++) fn();
}
const WARMUP_MS = 300;

/** tinybench: `iterations` timed runs after `warmup` untimed ones; latency stats in ms. */
function tiny(name, fn, iterations, warmup = 2) {
  const bench = new Bench({ time: 0, iterations, warmupTime: 0, warmupIterations: warmup, retainSamples: true });
  bench.add(name, fn);
  bench.runSync();
  const r = bench.tasks[0].result;
  if (r.state !== 'completed') throw new Error(`${name}: ${r.state} ${r.error ?? ''}`);
  return { mean: r.latency.mean, p50: r.latency.p50, p99: r.latency.p99, min: r.latency.min, max: r.latency.max, rme: r.latency.rme, n: r.latency.samples?.length ?? iterations };
}

async function buildCore() {
  const outfile = path.join(TMP, 'bench-core.cjs');
  await esbuild.build({ ...nodeBundleOptions('bench'), entryPoints: [path.join(ROOT, 'scripts', 'bench-core.ts')], outfile });
  return require(outfile);
}

/**
 * Realistic keystrokes: at `count` places spread over the file, type one character at the end of the
 * name being assigned (`h = …` → `hx = …`), then delete it again. Each insert and each delete is one
 * keystroke; the text is the same after every pair.
 */
function keystrokePlaces(text, count) {
  const lines = text.split('\n');
  const candidates = [];
  lines.forEach((l, i) => {
    const m = /^([ \t]+)([A-Za-z_][A-Za-z0-9_]*) = /.exec(l);
    if (m) candidates.push({ line: i, character: m[1].length + m[2].length });
  });
  const out = [];
  if (!candidates.length) return out;
  for (let k = 0; k < count; k++) out.push(candidates[Math.floor(((k + 0.5) * candidates.length) / count)]);
  return out;
}
const insertAt = (p) => ({ range: { start: p, end: p }, text: 'x' });
const deleteAt = (p) => ({ range: { start: p, end: { line: p.line, character: p.character + 1 } }, text: '' });

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, ms: performance.now() - t0, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

// ---------------------------------------------------------------------------------------- inputs

fs.mkdirSync(WORK, { recursive: true });
const files = SIZES.map((lines) => {
  const text = generateFile(lines, 1);
  const file = path.join(WORK, `gen-${kLines(lines)}.py`);
  fs.writeFileSync(file, text);
  return { label: `${kLines(lines)} lines`, lines: text.split('\n').length, bytes: Buffer.byteLength(text), text, file };
});
const sampleDir = path.join(ROOT, 'samples');
const samples = fs.existsSync(sampleDir)
  ? fs.readdirSync(sampleDir, { recursive: true }).filter((f) => String(f).endsWith('.py')).sort().map((f) => ({ file: path.join(sampleDir, String(f)), text: fs.readFileSync(path.join(sampleDir, String(f)), 'utf8') }))
  : [];
/** `--dir` folders: every .py file under each (hidden folders and node_modules left out). */
const dirInputs = DIRS.map((dir) => {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`--dir ${dir}: not a folder`);
  const paths = pythonFiles(dir);
  if (!paths.length) throw new Error(`--dir ${dir}: no .py files`);
  const texts = paths.map((p) => fs.readFileSync(p, 'utf8'));
  const name = path.basename(dir);
  const largest = texts.reduce((best, t, i) => (t.length > texts[best].length ? i : best), 0);
  const text = texts[largest];
  return {
    label: `${name}/ (${paths.length} files)`, texts, lines: texts.reduce((n, t) => n + t.split('\n').length, 0), bytes: texts.reduce((n, t) => n + Buffer.byteLength(t), 0),
    largest: { label: `${name}/${path.relative(dir, paths[largest])} (${text.split('\n').length} lines)`, lines: text.split('\n').length, bytes: Buffer.byteLength(text), text, file: paths[largest] },
  };
});
/** Generated files, then the largest file of each `--dir`: what the keystroke loops edit. */
const editFiles = [...files, ...dirInputs.map((d) => d.largest)];

function pythonFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...pythonFiles(p));
    else if (entry.isFile() && entry.name.endsWith('.py')) out.push(p);
  }
  return out.sort();
}

// pyright skips hidden folders such as .tmp by default; it gets a config that includes the corpus.
const corpusDir = path.join(WORK, 'corpus');
fs.rmSync(corpusDir, { recursive: true, force: true });
const corpus = generateCorpus(CORPUS_FILES);
for (const f of corpus) {
  const p = path.join(corpusDir, f.name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, f.text);
}
const corpusBytes = corpus.reduce((s, f) => s + Buffer.byteLength(f.text), 0);
const corpusLines = corpus.reduce((s, f) => s + f.text.split('\n').length, 0);

const results = {
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    availableParallelism: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    loadAverageAtStart: os.loadavg().map((x) => +x.toFixed(2)),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  },
  quick: QUICK,
  files: files.map((f) => ({ label: f.label, lines: f.lines, bytes: f.bytes })),
  samples: samples.map((s) => path.relative(ROOT, s.file)),
  dirs: dirInputs.map((d) => ({ dir: DIRS[dirInputs.indexOf(d)], files: d.texts.length, lines: d.lines, bytes: d.bytes, largest: d.largest.label })),
  corpus: { files: corpus.length, lines: corpusLines, bytes: corpusBytes, dir: path.relative(ROOT, corpusDir) },
};

// ---------------------------------------------------------------------------------------- in process

log('bundling the analysis core (.tmp/bench-core.cjs)');
const core = await buildCore();
// The in-process figures are taken in a process with the V8 options the server runs with
// (client/src/serverArgs.ts: its young generation, its `gc`), since the analysis they time is the
// one the editor's server runs. Started without them, the benchmark starts itself again with them.
// FRAMEWISE_BENCH_V8=default keeps Node's defaults instead (those of the CLI).
const V8_ARGS = process.env.FRAMEWISE_BENCH_V8 === 'default' ? [] : [...core.SERVER_NODE_ARGS];
if (!V8_ARGS.every((a) => process.execArgv.includes(a))) {
  log(`starting again with ${V8_ARGS.join(' ')}`);
  const child = spawn(process.execPath, [...process.execArgv, ...V8_ARGS, fileURLToPath(import.meta.url), ...argv], { stdio: 'inherit' });
  process.exit(await new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1))));
}
results.inProcessNodeArgs = [...process.execArgv];
/** The server runs with the Node options the extension starts it with (client/src/serverArgs.ts); FRAMEWISE_BENCH_SERVER_ARGS overrides them ("" for none). */
const SERVER_ARGS = process.env.FRAMEWISE_BENCH_SERVER_ARGS !== undefined ? process.env.FRAMEWISE_BENCH_SERVER_ARGS.split(' ').filter(Boolean) : [...core.SERVER_NODE_ARGS];
results.serverArgs = SERVER_ARGS;
await core.initParser();
// How the mirror walk reads trees here: out of the runtime's memory (parse/memory.ts) once its probe
// passed, else with the runtime's cursor.
results.walk = core.memoryWalkAvailable() ? 'memory' : 'cursor';
const parser = core.createParser();
results.rules = core.ruleCount();

// The 50k-line file's rounds take over a second each: ten of them, so that its median (and the growth
// figure, 50k over 5k) does not rest on four runs on a machine whose speed moves by a third. The 1k
// file's ratio moved from 1.8 to 2.1 between runs with 40 (eight rounds): 100, twenty rounds.
const iterationsFor = (lines) => (QUICK ? (lines >= 50000 ? 2 : 5) : lines >= 50000 ? 10 : lines >= 5000 ? 15 : lines >= 1000 ? 100 : 200);
/** The paced keystroke loop's interval: 10 keystrokes a second, a fast typist. */
const PACE_MS = 100;
/** Keystroke loops stop early past this much time per file (but after at least 10 keystrokes). */
const KEYSTROKE_BUDGET_MS = QUICK ? 15_000 : 60_000;

if (want('inproc')) {
  results.inproc = [];
  const inputs = [...files.map((f) => ({ label: f.label, texts: [f.text], lines: f.lines, bytes: f.bytes }))];
  if (samples.length) inputs.push({ label: `samples/ (${samples.length} files)`, texts: samples.map((s) => s.text), lines: samples.reduce((s, x) => s + x.text.split('\n').length, 0), bytes: samples.reduce((s, x) => s + Buffer.byteLength(x.text), 0) });
  for (const d of dirInputs) inputs.push({ label: d.label, texts: d.texts, lines: d.lines, bytes: d.bytes });
  for (const input of inputs) {
    const n = iterationsFor(input.lines);
    log(`in-process parse/analysis: ${input.label} (${n} iterations)`);
    // The mirror walk alone runs on a parsed tree; the analysis always starts from the text. Parse,
    // walk and analysis alternate in rounds of a few runs each (see tinyRounds).
    const trees = input.texts.map((t) => core.safeParse(parser, t));
    const perRound = input.lines >= 50000 ? 1 : input.lines >= 5000 ? 3 : 5;
    const measured = tinyRounds([
      ['parse', () => { for (const t of input.texts) core.safeParse(parser, t).delete(); }],
      ['mirror', () => { trees.forEach((t, i) => core.mirrorOnly(t, input.texts[i])); }],
      ['full', () => { for (const t of input.texts) core.analyzeTextSync(t, core.SELECT_ALL); }],
    ], Math.max(1, Math.round(n / perRound)), perRound);
    for (const t of trees) t.delete();
    const { parse, mirror: query, full } = measured;
    const findings = input.texts.reduce((s, t) => s + core.analyzeTextSync(t, core.SELECT_ALL).findings.length, 0);
    // The ratio of the medians; the range of the per-round ratios shows how much it moved.
    results.inproc.push({ label: input.label, lines: input.lines, bytes: input.bytes, findings, parse, query, analysis: full, ratio: full.p50 / parse.p50, roundRatios: { min: Math.min(...full.ratios), max: Math.max(...full.ratios), n: full.ratios.length } });
  }
  table('Full parse vs full analysis (in process, medians over N runs in interleaved rounds, ms; analysis = parse + mirror walk + facts + all rules)',
    ['input', 'lines', 'findings', 'parse', 'mirror walk alone', 'analysis', 'analysis/parse', 'per round', 'N'],
    results.inproc.map((r) => [r.label, r.lines, r.findings, ms(r.parse.p50), ms(r.query.p50), ms(r.analysis.p50), r.ratio.toFixed(2) + '×', `${r.roundRatios.min.toFixed(2)}–${r.roundRatios.max.toFixed(2)}×`, r.parse.n]));
  const five = results.inproc.find((r) => r.lines >= 5000 && r.lines < 10000);
  const fifty = results.inproc.find((r) => r.lines >= 50000);
  if (five && fifty) {
    results.growth = { analysis50kOver5k: fifty.analysis.p50 / five.analysis.p50, parse50kOver5k: fifty.parse.p50 / five.parse.p50 };
    console.log(`growth 5k → 50k: analysis ${results.growth.analysis50kOver5k.toFixed(1)}×, parse ${results.growth.parse50kOver5k.toFixed(1)}× (lines ×${(fifty.lines / five.lines).toFixed(1)})`);
  }
}

if (want('keystroke')) {
  results.keystroke = [];
  // Every edited file under `select = ["ALL"]`, then the 5k-line file with the default rules, as the
  // server runs below.
  const five = editFiles.find((f) => f.lines >= 5000 && f.lines < 10000);
  const runs = [...editFiles.map((f) => ({ f, settings: core.SELECT_ALL, label: f.label })),
    ...(five ? [{ f: five, settings: {}, label: `${five.label} (default rules)` }] : [])];
  for (const { f, settings, label } of runs) {
    const places = keystrokePlaces(f.text, QUICK ? 20 : f.lines >= 50000 ? 40 : 100);
    if (!places.length) { log(`in-process keystrokes: ${label} has no indented \`name = …\` line to type into, skipped`); continue; }
    const doc = new core.PythonDocument('file:///bench.py', 1, f.text);
    // As the server does for a document being edited: the mirror keeps the last version's columns,
    // and the statement-local rules' findings are kept by top-level statement (incremental.ts).
    const inc = new core.IncrementalAnalysis();
    inc.analyze(doc.tree, doc.text, doc.lineStarts, settings);
    let version = 2;
    const edit = [];
    const reparse = [];
    const total = [];
    let visited = 0;
    let statements = 0;
    const step = (change) => {
      const t0 = performance.now();
      doc.applyChanges([change], version++);
      const t1 = performance.now();
      const tree = doc.tree;
      const t2 = performance.now();
      inc.analyze(tree, doc.text, doc.lineStarts, settings);
      const t3 = performance.now();
      return [t1 - t0, t2 - t1, t3 - t0];
    };
    // Warm-up: the first places twice.
    for (const p of places.slice(0, f.lines >= 50000 ? 1 : 5)) { step(insertAt(p)); step(deleteAt(p)); }
    const began = performance.now();
    for (const p of places) {
      for (const change of [insertAt(p), deleteAt(p)]) {
        const [a, b, d] = step(change);
        edit.push(a); reparse.push(b); total.push(d);
        visited += inc.lastStats?.visited ?? 0;
        statements += inc.lastStats?.statements ?? 0;
      }
      if (total.length >= 10 && performance.now() - began > KEYSTROKE_BUDGET_MS) break;
    }
    if (doc.text !== f.text) throw new Error('keystroke benchmark: text drifted');
    doc.dispose();
    const stat = (xs) => ({ p50: quantile(xs, 0.5), p95: quantile(xs, 0.95), max: Math.max(...xs), n: xs.length });
    results.keystroke.push({ label, applyChanges: stat(edit), reparse: stat(reparse), total: stat(total), rerun: statements ? visited / statements : undefined });
    log(`in-process keystrokes: ${label} done`);
  }
  table('Keystroke → diagnostics, in process (ms): applyChanges + incremental re-parse + mirror (spliced) + analysis (statement-local rules on the statements the edit can change)',
    ['file', 'edit p50', 'reparse p50', 'reparse p95', 'total p50', 'total p95', 'statements re-run', 'keystrokes'],
    results.keystroke.map((r) => [r.label, ms(r.applyChanges.p50), ms(r.reparse.p50), ms(r.reparse.p95), ms(r.total.p50), ms(r.total.p95), r.rerun === undefined ? '—' : `${(100 * r.rerun).toFixed(1)} %`, r.total.n]));
}

// ---------------------------------------------------------------------------------------- server

if (want('server')) {
  if (!fs.existsSync(SERVER)) throw new Error('dist/server.js missing: run `npm run build` first');
  results.server = { coldStart: [], keystroke: [] };
  const settings = { select: ['ALL'], debounceMs: 0 };
  const target = files.find((f) => f.lines >= 5000 && f.lines < 10000) ?? files[0];
  for (let i = 0; i < (QUICK ? 2 : 5); i++) {
    const client = await startServer(SERVER, settings, {}, SERVER_ARGS);
    const uri = `file:///cold-${i}.py`;
    client.open(uri, target.text);
    const { at } = await client.waitFor(uri);
    results.server.coldStart.push(at - client.startedAt);
    await client.stop();
  }
  log(`server cold start done: ${results.server.coldStart.map(ms).join(', ')} ms`);
  // Every edited file under `select = ["ALL"]`, then the 5k-line file again with the default rules
  // (what a user who configures nothing gets: PORT002's 1,244 hints on that file are off by default).
  // The same file once more with the server's JIT warm-up off (lsp/warmup.ts): the first keystrokes
  // of a server that has not had a second of idle time since it started.
  const runs = [...editFiles.map((f) => ({ f, settings, label: f.label })),
    ...(target ? [{ f: target, settings: { debounceMs: 0 }, label: `${target.label} (default rules)` },
      { f: target, settings: { debounceMs: 0 }, label: `${target.label} (default rules, no warm-up)`, noWarmUp: true }] : [])];
  for (const { f, settings, label, noWarmUp } of runs) {
    // FRAMEWISE_TEST=1: the server keeps its own timing of every publish (lsp/debug.ts), read back
    // with client.timings() after each loop.
    const client = await startServer(SERVER, settings, { FRAMEWISE_TEST: '1', ...(noWarmUp ? { FRAMEWISE_WARM_UP: '0' } : {}) }, SERVER_ARGS);
    const uri = 'file:///edit.py';
    client.open(uri, f.text, 1);
    await client.waitFor(uri, 1);
    // Settings arrive after initialization; let the re-analysis they trigger settle.
    await new Promise((r) => setTimeout(r, 200));
    // The server warms its JIT up while idle after the first analysis, as while someone reads the
    // file they opened: typing starts once that is done (at most 10 s).
    let warm = await client.warmUp();
    for (const end = performance.now() + 10_000; !warm.done && performance.now() < end; warm = await client.warmUp()) await new Promise((r) => setTimeout(r, 50));
    const places = keystrokePlaces(f.text, QUICK ? 15 : f.lines >= 50000 ? 30 : 100);
    if (!places.length) { await client.stop(); log(`server keystrokes: ${label} skipped (nowhere to type)`); continue; }
    let version = 2;
    const lat = [];
    const paced = [];
    const send = async (change, into) => {
      const v = version++;
      const t0 = performance.now();
      client.change(uri, v, [change]);
      const { at } = await client.waitFor(uri, v);
      into?.push(at - t0);
    };
    for (const p of places.slice(0, f.lines >= 50000 ? 1 : 5)) { await send(insertAt(p)); await send(deleteAt(p)); }
    await client.timings(uri);
    const serverSide = async () => (await client.timings(uri)).filter((t) => t.serverMs !== undefined);
    // Back to back: the next keystroke as soon as the last one's diagnostics arrive (the server's
    // throttle for slow documents then waits about one analysis before starting the next).
    let began = performance.now();
    for (const p of places) {
      await send(insertAt(p), lat);
      await send(deleteAt(p), lat);
      if (lat.length >= 10 && performance.now() - began > KEYSTROKE_BUDGET_MS) break;
    }
    const inside = await serverSide();
    const gcBackToBack = await client.idleGc();
    // At a typist's pace: keystrokes at most every PACE_MS (10 a second), as in the editor.
    began = performance.now();
    for (const p of places) {
      for (const change of [insertAt(p), deleteAt(p)]) {
        const sentAt = performance.now();
        await send(change, paced);
        const left = PACE_MS - (performance.now() - sentAt);
        if (left > 0) await new Promise((r) => setTimeout(r, left));
      }
      if (paced.length >= 10 && performance.now() - began > KEYSTROKE_BUDGET_MS) break;
    }
    const insidePaced = await serverSide();
    const gcAfter = await client.idleGc();
    await client.stop();
    // The parts: the wait before the analysis (debounce, queue, whatever ran first), the analysis, and
    // the publish after it (conversion, JSON, the write).
    const within = (ts) => {
      const waits = ts.filter((t) => t.waitMs !== undefined).map((t) => t.waitMs);
      const publishes = ts.filter((t) => t.waitMs !== undefined).map((t) => t.serverMs - t.waitMs - t.analysisMs);
      return {
        p50: quantile(ts.map((t) => t.serverMs), 0.5), p95: quantile(ts.map((t) => t.serverMs), 0.95),
        analysisP50: quantile(ts.map((t) => t.analysisMs), 0.5), analysisP95: quantile(ts.map((t) => t.analysisMs), 0.95), n: ts.length,
        waitP50: quantile(waits, 0.5), waitP95: quantile(waits, 0.95), publishP50: quantile(publishes, 0.5), publishP95: quantile(publishes, 0.95),
      };
    };
    results.server.keystroke.push({
      label, warmUp: warm, p50: quantile(lat, 0.5), p95: quantile(lat, 0.95), max: Math.max(...lat), n: lat.length,
      paced: { p50: quantile(paced, 0.5), p95: quantile(paced, 0.95), max: Math.max(...paced), n: paced.length, paceMs: PACE_MS },
      // Measured inside the server: from the change's arrival to the diagnostics written to stdout.
      serverSide: within(inside),
      serverSidePaced: within(insidePaced),
      // Scavenges the server made between keystrokes (lsp/idleGc.ts), back to back and paced.
      idleGc: { on: gcAfter.on, backToBack: gcBackToBack.collections, paced: gcAfter.collections - gcBackToBack.collections },
    });
    log(`server keystrokes: ${label} done (scavenges between keystrokes: ${gcBackToBack.collections} by the end of the back-to-back loop, ${gcAfter.collections - gcBackToBack.collections} in the paced one)`);
  }
  table(`Keystroke → publishDiagnostics through the server over stdio (ms, debounce 0, select ALL unless noted): back to back, and one keystroke per ${PACE_MS} ms at most`,
    ['file', 'p50', 'p95', 'max', 'keystrokes', 'paced p50', 'paced p95', 'paced max', 'keystrokes'],
    results.server.keystroke.map((r) => [r.label, ms(r.p50), ms(r.p95), ms(r.max), r.n, ms(r.paced.p50), ms(r.paced.p95), ms(r.paced.max), r.paced.n]));
  table(`The same keystrokes timed inside the server (ms): from the change's arrival to the diagnostics written to stdout (debounce, re-parse, analysis, conversion, JSON), and the analysis alone`,
    ['file', 'back to back p50', 'p95', 'analysis p50', 'analysis p95', 'paced p50', 'paced p95', 'paced analysis p50', 'paced analysis p95'],
    results.server.keystroke.map((r) => [r.label, ms(r.serverSide.p50), ms(r.serverSide.p95), ms(r.serverSide.analysisP50), ms(r.serverSide.analysisP95),
      ms(r.serverSidePaced.p50), ms(r.serverSidePaced.p95), ms(r.serverSidePaced.analysisP50), ms(r.serverSidePaced.analysisP95)]));
  table('Inside the server, back to back, in parts (ms): the wait before the analysis, the analysis, the publish after it (conversion, JSON, write)',
    ['file', 'wait p50', 'wait p95', 'analysis p50', 'analysis p95', 'publish p50', 'publish p95'],
    results.server.keystroke.map((r) => [r.label, ms(r.serverSide.waitP50), ms(r.serverSide.waitP95), ms(r.serverSide.analysisP50), ms(r.serverSide.analysisP95), ms(r.serverSide.publishP50), ms(r.serverSide.publishP95)]));
  console.log(`server cold start → first diagnostics (${target.label}): median ${ms(median(results.server.coldStart))} ms (runs: ${results.server.coldStart.map(ms).join(', ')})`);
}

if (want('memory')) {
  const client = await startServer(SERVER, { select: ['ALL'], debounceMs: 0 }, {}, SERVER_ARGS);
  await new Promise((r) => setTimeout(r, 300));
  const idle = client.rss();
  const docs = [];
  for (let i = 0; i < OPEN_DOCS; i++) docs.push(corpus[i % corpus.length]);
  const t0 = performance.now();
  docs.forEach((d, i) => client.open(`file:///open/${i}/${d.name}`, d.text, 1));
  for (let i = 0; i < docs.length; i++) await client.waitFor(`file:///open/${i}/${docs[i].name}`, 1);
  const allAt = performance.now();
  await new Promise((r) => setTimeout(r, 500));
  const loaded = client.rss();
  await client.stop();
  const bytes = docs.reduce((s, d) => s + Buffer.byteLength(d.text), 0);
  const lines = docs.reduce((s, d) => s + d.text.split('\n').length, 0);
  results.memory = { documents: docs.length, lines, bytes, idleRss: idle.rss, rss: loaded.rss, peakRss: loaded.peak, openAllMs: allAt - t0 };
  console.log(`\nServer memory: idle RSS ${mb(idle.rss ?? NaN)} MB; with ${docs.length} open documents (${lines} lines, ${mb(bytes)} MB of source) RSS ${mb(loaded.rss ?? NaN)} MB (peak ${mb(loaded.peak ?? NaN)} MB); all ${docs.length} analysed in ${ms(allAt - t0)} ms`);
}

// ---------------------------------------------------------------------------------------- CLI

if (want('cli')) {
  if (!fs.existsSync(CLI)) throw new Error('server/out/cli.js missing: run `npm run build` first');
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const jobsList = [...new Set([1, cores])];
  results.cli = [];
  let reference;
  for (const jobs of jobsList) {
    const runs = [];
    let out;
    for (let i = 0; i < (QUICK ? 1 : 3); i++) {
      const r = await run(process.execPath, [CLI, 'check', corpusDir, '--select', 'ALL', '--format', 'json', '--jobs', String(jobs), '--no-config']);
      if (r.code !== 0 && r.code !== 1) throw new Error(`framewise check failed (${r.code}): ${r.stderr}`);
      runs.push(r.ms);
      out = r.stdout;
    }
    reference ??= out;
    const best = Math.min(...runs);
    results.cli.push({ jobs, ms: best, runs, filesPerSec: corpus.length / (best / 1000), mbPerSec: corpusBytes / 2 ** 20 / (best / 1000), sameOutputAsJobs1: out === reference });
    log(`cli --jobs ${jobs}: ${ms(best)} ms`);
  }
  table(`CLI: framewise check --select ALL --format json on ${corpus.length} files (${corpusLines} lines, ${mb(corpusBytes)} MB), best of runs, wall clock incl. process start`,
    ['jobs', 'ms', 'files/s', 'MB/s', 'lines/s', 'output = --jobs 1'],
    results.cli.map((r) => [r.jobs, ms(r.ms), r.filesPerSec.toFixed(0), r.mbPerSec.toFixed(2), Math.round(corpusLines / (r.ms / 1000)), r.sameOutputAsJobs1 ? 'yes' : 'NO']));
}

// ---------------------------------------------------------------------------------------- references

if (want('astgrep')) {
  let ag;
  try {
    ag = require('@ast-grep/napi');
    const lib = path.join(ROOT, 'node_modules', 'tree-sitter-python', 'prebuilds', `${process.platform}-${process.arch}`, 'tree-sitter-python.node');
    if (!fs.existsSync(lib)) throw new Error(`no native tree-sitter-python for ${process.platform}-${process.arch}`);
    ag.registerDynamicLanguage({ python: { libraryPath: lib, extensions: ['py'], expandoChar: 'µ' } });
  } catch (e) {
    log(`ast-grep unavailable: ${e.message}`);
    ag = undefined;
  }
  if (ag) {
    // Three rules' core patterns (PT101: .item() in a loop; JAX001: print in a jax.jit function; PT201: .cuda()).
    const rules = [
      { rule: { pattern: '$X.item()', inside: { kind: 'for_statement', stopBy: 'end' } } },
      { rule: { pattern: 'print($$$A)', inside: { kind: 'decorated_definition', stopBy: 'end', has: { kind: 'decorator', regex: 'jax\\.jit' } } } },
      { rule: { pattern: '$X.cuda()' } },
    ];
    const agRun = (text) => {
      const root = ag.parse('python', text).root();
      let n = 0;
      for (const r of rules) n += root.findAll(r).length;
      return n;
    };
    const agParse = (text) => ag.parse('python', text).root().kind();
    results.astgrep = [];
    const inputs = [...files.map((f) => ({ label: f.label, texts: [f.text], lines: f.lines })), { label: `corpus (${corpus.length} files)`, texts: corpus.map((c) => c.text), lines: corpusLines }];
    for (const input of inputs) {
      const n = Math.max(2, Math.min(iterationsFor(input.lines), input.texts.length > 1 ? 3 : 50));
      const parseOnly = tiny(`ast-grep parse ${input.label}`, () => { for (const t of input.texts) agParse(t); }, n);
      const three = tiny(`ast-grep 3 rules ${input.label}`, () => { for (const t of input.texts) agRun(t); }, n);
      const fw = results.inproc?.find((r) => r.label === input.label)?.analysis ?? tiny(`framewise ${input.label}`, () => { for (const t of input.texts) core.analyzeTextSync(t, core.SELECT_ALL); }, n);
      const fwParse = results.inproc?.find((r) => r.label === input.label)?.parse ?? tiny(`framewise parse ${input.label}`, () => { for (const t of input.texts) core.safeParse(parser, t).delete(); }, n);
      results.astgrep.push({ label: input.label, astgrepParse: parseOnly, astgrep3Rules: three, matches: input.texts.reduce((s, t) => s + agRun(t), 0), framewiseParse: fwParse, framewiseAll: fw, ratio: fw.p50 / three.p50 });
      log(`ast-grep: ${input.label} done`);
    }
    table(`ast-grep (native tree-sitter, 3 patterns) vs Framewise (WASM tree-sitter, all ${results.rules} rules), in process, median ms`,
      ['input', 'ast-grep parse', 'ast-grep 3 rules', 'framewise parse', `framewise ${results.rules} rules`, 'framewise/ast-grep'],
      results.astgrep.map((r) => [r.label, ms(r.astgrepParse.p50), ms(r.astgrep3Rules.p50), ms(r.framewiseParse.p50), ms(r.framewiseAll.p50), r.ratio.toFixed(2) + '×']));
  }
}

if (want('pyright')) {
  const bin = path.join(ROOT, 'node_modules', 'pyright', 'index.js');
  if (!fs.existsSync(bin)) {
    log('pyright not installed: skipped');
  } else {
    fs.writeFileSync(path.join(corpusDir, 'pyrightconfig.json'), JSON.stringify({ include: ['.'], exclude: [], typeCheckingMode: 'basic' }));
    log(`pyright on ${corpus.length} files (this takes a while)`);
    const r = await run(process.execPath, [bin, '-p', corpusDir, '--outputjson'], { timeoutMs: 600_000 });
    let summary;
    try { summary = JSON.parse(r.stdout).summary; } catch { summary = undefined; }
    fs.rmSync(path.join(corpusDir, 'pyrightconfig.json'), { force: true });
    const fw = results.cli?.find((c) => c.jobs === 1);
    results.pyright = { ms: r.ms, timedOut: r.signal === 'SIGKILL', filesAnalyzed: summary?.filesAnalyzed, filesPerSec: summary?.filesAnalyzed ? summary.filesAnalyzed / (r.ms / 1000) : undefined, framewiseJobs1Ms: fw?.ms, ratio: fw ? r.ms / fw.ms : undefined };
    console.log(`\npyright ${results.pyright.timedOut ? '(timed out) ' : ''}on the same ${corpus.length} files: ${ms(r.ms)} ms (${summary?.filesAnalyzed ?? '?'} files analysed, ${results.pyright.filesPerSec?.toFixed(1) ?? '—'} files/s)` +
      (fw ? `; framewise check --jobs 1: ${ms(fw.ms)} ms → pyright/framewise = ${results.pyright.ratio.toFixed(1)}×` : ''));
  }
}

results.machine.loadAverageAtEnd = os.loadavg().map((x) => +x.toFixed(2));
fs.writeFileSync(path.join(TMP, 'bench-results.json'), JSON.stringify(results, null, 2));
console.log(`\nmirror walk: ${results.walk === 'memory' ? 'out of the runtime\'s memory (server/src/parse/memory.ts)' : 'with the runtime\'s cursor (the memory walk\'s probe did not pass)'}`);
console.log(`\nserver started with: node ${[...SERVER_ARGS, 'dist/server.js', '--stdio'].join(' ')}`);
console.log(`\nmachine: ${results.machine.cpus} × ${results.machine.cpuModel}, ${results.machine.memoryGiB} GiB, Node ${process.version}; load average ${results.machine.loadAverageAtStart.join('/')} at start, ${results.machine.loadAverageAtEnd.join('/')} at end`);
console.log(`results: ${path.relative(ROOT, path.join(TMP, 'bench-results.json'))}`);
parser.delete();
