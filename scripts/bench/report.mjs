// Renders .tmp/bench-results.json (written by scripts/bench.mjs) as the Markdown tables of the README's
// "Performance" section: `node scripts/bench/report.mjs [results.json]`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const file = process.argv[2] ?? path.join(ROOT, '.tmp', 'bench-results.json');
const r = JSON.parse(fs.readFileSync(file, 'utf8'));
const ms = (x) => (x === undefined || x === null || Number.isNaN(x) ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mb = (b) => (b / 2 ** 20).toFixed(1);
const out = [];
const table = (head, rows) => {
  out.push(`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  for (const row of rows) out.push(`| ${row.join(' | ')} |`);
  out.push('');
};

const m = r.machine;
out.push(`Measured ${r.date.slice(0, 10)} on ${m.cpus} × ${m.cpuModel} (${m.memoryGiB} GiB), Node ${m.node}, ${m.platform}; load average ${m.loadAverageAtStart.join(' / ')} at the start` +
  (m.loadAverageAtEnd ? ` and ${m.loadAverageAtEnd.join(' / ')} at the end` : '') + `. ${r.rules} rules, \`select = ["ALL"]\`. Medians unless noted; ms.`, '');

if (r.inproc) {
  const v8 = r.inProcessNodeArgs?.length ? `, in a process started with \`${r.inProcessNodeArgs.join(' ')}\` as the server is` : r.inProcessNodeArgs ? ', Node\'s default options' : '';
  out.push(`**Full parse vs full analysis** (in process${v8}; analysis = parse + mirror walk + facts + every rule; the three measured in alternating rounds, "per round" the range of the ratio over the rounds):`, '');
  table(['input', 'lines', 'findings', 'parse', 'mirror walk alone', 'analysis', 'analysis / parse', 'per round'],
    r.inproc.map((x) => [x.label, x.lines, x.findings, ms(x.parse.p50), ms(x.query.p50), ms(x.analysis.p50), `${x.ratio.toFixed(1)}×`,
      x.roundRatios ? `${x.roundRatios.min.toFixed(1)}–${x.roundRatios.max.toFixed(1)}× (${x.roundRatios.n})` : '—']));
  if (r.growth) out.push(`Growth from 5k to 50k lines: analysis ×${r.growth.analysis50kOver5k.toFixed(1)}, parse ×${r.growth.parse50kOver5k.toFixed(1)} (lines ×10).`, '');
}
if (r.keystroke || r.server) {
  out.push('**Keystroke → diagnostics** (type one character into a name, then delete it; each is one keystroke):', '');
  const rows = (r.keystroke ?? []).map((k) => {
    const s = r.server?.keystroke?.find((x) => x.label === k.label);
    return [k.label, ms(k.reparse.p50), ms(k.total.p50), ms(k.total.p95), k.rerun === undefined ? '—' : `${(100 * k.rerun).toFixed(1)} %`, s ? ms(s.p50) : '—', s ? ms(s.p95) : '—', s?.paced ? ms(s.paced.p50) : '—', s?.paced ? ms(s.paced.p95) : '—'];
  });
  // Server runs with no in-process twin (the 5k-line file with the default rules).
  for (const s of r.server?.keystroke ?? []) {
    if (!(r.keystroke ?? []).some((k) => k.label === s.label)) rows.push([s.label, '—', '—', '—', '—', ms(s.p50), ms(s.p95), s.paced ? ms(s.paced.p50) : '—', s.paced ? ms(s.paced.p95) : '—']);
  }
  const pace = r.server?.keystroke?.find((x) => x.paced)?.paced.paceMs;
  table(['file', 'incremental re-parse p50', 'in process p50', 'in process p95', 'statements re-run', 'server, back to back p50', 'server, back to back p95',
    `server, ≤ 1 key / ${pace ?? '—'} ms p50`, `server, ≤ 1 key / ${pace ?? '—'} ms p95`], rows);
  const warmed = (r.server?.keystroke ?? []).find((s) => s.warmUp?.on);
  if (warmed) out.push(`The server warms its JIT up in idle time after the first analysis (lsp/warmup.ts): ${warmed.warmUp.steps} keystrokes into a document of its own, ${ms(warmed.warmUp.spentMs)} ms of work; typing starts once that is done. The row "no warm-up" is a server started with it off (\`FRAMEWISE_WARM_UP=0\`): the first keystrokes of a server that never had a second of idle time.`, '');
  const inside = (r.server?.keystroke ?? []).filter((s) => s.serverSide);
  if (inside.length) {
    out.push(`**The same keystrokes timed inside the server** (from the change's arrival to the diagnostics written to stdout: debounce, re-parse, walk, analysis, conversion, JSON; and the analysis alone — re-parse, walk, facts, rules):`, '');
    table(['file', 'back to back p50', 'back to back p95', 'its analysis p50', `≤ 1 key / ${pace ?? '—'} ms p50`, `≤ 1 key / ${pace ?? '—'} ms p95`, 'its analysis p50'],
      inside.map((s) => [s.label, ms(s.serverSide.p50), ms(s.serverSide.p95), ms(s.serverSide.analysisP50), ms(s.serverSidePaced.p50), ms(s.serverSidePaced.p95), ms(s.serverSidePaced.analysisP50)]));
    const parts = inside.filter((s) => typeof s.serverSide.publishP50 === 'number');
    if (parts.length) {
      out.push('**Inside the server, back to back, in parts**: the wait before the analysis (debounce, queue), the analysis, the publish after it (conversion, JSON, the write):', '');
      table(['file', 'wait p50', 'wait p95', 'analysis p50', 'analysis p95', 'publish p50', 'publish p95'],
        parts.map((s) => [s.label, ms(s.serverSide.waitP50), ms(s.serverSide.waitP95), ms(s.serverSide.analysisP50), ms(s.serverSide.analysisP95), ms(s.serverSide.publishP50), ms(s.serverSide.publishP95)]));
    }
  }
}
if (r.server?.coldStart?.length) {
  const c = [...r.server.coldStart].sort((a, b) => a - b);
  out.push(`**Server cold start** (spawn → initialize → open the 5k-line file → first publishDiagnostics): median ${ms(c[c.length >> 1])} ms over ${c.length} runs.`, '');
}
if (r.memory) {
  out.push(`**Server memory**: RSS ${mb(r.memory.idleRss)} MB idle; ${mb(r.memory.rss)} MB with ${r.memory.documents} open documents (${r.memory.lines} lines, ${mb(r.memory.bytes)} MB of source), peak ${mb(r.memory.peakRss)} MB; all ${r.memory.documents} analysed in ${ms(r.memory.openAllMs)} ms.`, '');
}
if (r.cli) {
  out.push(`**CLI throughput** (\`framewise check --select ALL --format json\` on ${r.corpus.files} generated files, ${r.corpus.lines} lines, ${mb(r.corpus.bytes)} MB; wall clock including process start, best of runs):`, '');
  table(['--jobs', 'seconds', 'files/s', 'MB/s', 'same output as --jobs 1'],
    r.cli.map((c) => [c.jobs, (c.ms / 1000).toFixed(1), c.filesPerSec.toFixed(1), c.mbPerSec.toFixed(2), c.sameOutputAsJobs1 ? 'yes' : 'no']));
}
if (r.astgrep) {
  out.push('**Reference: ast-grep** (`@ast-grep/napi`, native tree-sitter, three patterns standing in for PT101 / JAX001 / PT201) vs Framewise (WASM tree-sitter, every rule), in process:', '');
  table(['input', 'ast-grep parse', 'ast-grep 3 patterns', 'Framewise parse', `Framewise ${r.rules} rules`, 'Framewise / ast-grep'],
    r.astgrep.map((a) => [a.label, ms(a.astgrepParse.p50), ms(a.astgrep3Rules.p50), ms(a.framewiseParse.p50), ms(a.framewiseAll.p50), `${a.ratio.toFixed(1)}×`]));
}
if (r.pyright) {
  out.push(`**Reference: pyright** ${r.pyright.timedOut ? '(timed out) ' : ''}on the same ${r.corpus.files} files: ${(r.pyright.ms / 1000).toFixed(1)} s` +
    (r.pyright.framewiseJobs1Ms ? ` vs ${(r.pyright.framewiseJobs1Ms / 1000).toFixed(1)} s for \`framewise check --jobs 1\` (${r.pyright.ratio.toFixed(1)}×)` : '') + '.', '');
}
process.stdout.write(out.join('\n'));
