/**
 * `framewise` command line: the same analysis as the editor, for CI.
 *   framewise check PATH… [--format text|json|sarif] [--select CODES] [--ignore CODES] [--config FILE | --no-config]
 *   framewise rules [CODE]
 * Exit codes: 0 clean, 1 findings, 2 usage or configuration error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../parse/parser';
import { ALL_RULES, ruleByCode } from '../rules/index';
import { collectPythonFiles } from './files';
import { checkFiles, isCheckWorker, parseJobs, runCheckWorker } from './parallel';
import { formatJson, formatSarif, formatText, type FileResult } from './formats';
import { docPath, docUrl } from '../rules/docs';
import { mergeSettings, type Settings } from '../config/settings';
import { findConfig, loadPyproject, type PyprojectConfig } from '../config/pyproject';
import { VERSION } from '../version';
import { runTranslate } from './translate';
import { runEquivalents } from './equivalents';

export class UsageError extends Error {}

export interface CliIO { out: (s: string) => void; err: (s: string) => void; cwd: string }

const USAGE = `Usage:
  framewise check [PATH…] [--format text|json|sarif] [--select CODES] [--ignore CODES]
                  [--config FILE | --no-config] [--jobs N|auto]
  framewise rules [CODE]
  framewise translate FILE --to torch|jax|tensorflow [--line N | --class NAME]
  framewise equivalents QUERY [--format text|json]
  framewise --version

check: analyse Python files (default PATH: samples/ if present, else .). Exit 0 clean, 1 findings,
  2 usage or configuration error. Each file uses [tool.framewise] from the nearest pyproject.toml
  above it that has one; --config FILE uses that file for all, --no-config none. --select replaces
  the configured selection, --ignore adds to the configured ignores.
  --jobs N analyses on N worker threads (auto: one per core); the output is the same for any N.
CODES: comma-separated rule codes or prefixes (JAX, PT1, TF002, ALL).`;

export interface ParsedArgs { command: string; positional: string[]; flags: Map<string, string> }

export function parseArgs(argv: string[], valued: string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (valued.includes(name)) {
        const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(`--${name} needs a value`);
        flags.set(name, v);
      } else if (['help', 'version', 'stdio', 'no-config'].includes(name)) {
        flags.set(name, 'true');
      } else {
        throw new UsageError(`unknown option --${name}`);
      }
    } else if (a === '-h') flags.set('help', 'true');
    else positional.push(a);
  }
  return { command: positional.shift() ?? '', positional, flags };
}

function codes(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const list = v.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  for (const c of list) {
    if (c !== 'ALL' && !ALL_RULES.some((r) => r.meta.code.startsWith(c))) throw new UsageError(`unknown rule code or prefix: ${c}`);
  }
  return list;
}

/** A configuration error: reported without the usage text, exit 2. */
export class ConfigError extends Error {}

/**
 * The `[tool.framewise]` config for each file (--config: one for all; --no-config: none). Warnings are
 * written to stderr; any error throws ConfigError listing every error found.
 */
function configsFor(files: string[], args: ParsedArgs, io: CliIO): Map<string, PyprojectConfig | undefined> {
  const explicit = args.flags.get('config');
  if (explicit !== undefined && args.flags.has('no-config')) throw new UsageError('--config and --no-config cannot be used together');
  const out = new Map<string, PyprojectConfig | undefined>();
  if (args.flags.has('no-config')) return out;
  let fixed: PyprojectConfig | undefined;
  if (explicit !== undefined) {
    if (!fs.existsSync(explicit) || !fs.statSync(explicit).isFile()) throw new ConfigError(`${explicit}: no such configuration file`);
    fixed = loadPyproject(explicit);
    if (!fixed) throw new ConfigError(`${explicit}: no [tool.framewise] table`);
  }
  for (const file of files) out.set(file, fixed ?? findConfig(file));
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const c of out.values()) {
    if (!c || seen.has(c.path)) continue;
    seen.add(c.path);
    for (const p of c.problems) {
      const where = `${path.relative(io.cwd, c.path) || c.path}:${p.range.start.line + 1}:${p.range.start.character + 1}`;
      if (p.severity === 'error') errors.push(`${where}: ${p.message}`);
      else io.err(`framewise: warning: ${where}: ${p.message}\n`);
    }
  }
  if (errors.length) throw new ConfigError(errors.join('\n'));
  return out;
}

export async function runCheck(args: ParsedArgs, io: CliIO, base: Settings = {}): Promise<number> {
  const format = args.flags.get('format') ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`unknown format: ${format} (text, json or sarif)`);
  const select = codes(args.flags.get('select'));
  const ignore = codes(args.flags.get('ignore'));
  let inputs = args.positional;
  if (inputs.length === 0) inputs = fs.existsSync('samples') ? ['samples'] : ['.'];
  const { files, missing } = collectPythonFiles(inputs);
  if (missing.length) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
  const configs = configsFor(files, args, io);
  // Layers, later winning: `base` < [tool.framewise] < flags (--select replaces, --ignore adds).
  const settingsFor = (file: string): Settings => {
    const s = mergeSettings(base, configs.get(file)?.settings);
    if (select) s.select = select;
    if (ignore) s.ignore = [...(s.ignore ?? []), ...ignore];
    return s;
  };
  const jobs = parseJobs(args.flags.get('jobs'));
  if (args.flags.has('jobs') && jobs === undefined) throw new UsageError(`--jobs needs a number of threads (or auto): ${args.flags.get('jobs')}`);
  await initParser();
  const results: FileResult[] = await checkFiles(files, settingsFor, jobs ?? 1);
  if (format === 'json') io.out(formatJson(results));
  else if (format === 'sarif') io.out(formatSarif(results, ALL_RULES, VERSION, io.cwd));
  else io.out(formatText(results));
  return results.some((r) => r.findings.length > 0) ? 1 : 0;
}

export function runRules(args: ParsedArgs, io: CliIO): number {
  const code = args.positional[0];
  if (code) {
    const rule = ruleByCode(code);
    if (!rule) throw new UsageError(`unknown rule: ${code}`);
    const p = docPath(rule.meta.code);
    io.out(p ? fs.readFileSync(p, 'utf8') : `${rule.meta.code}: ${rule.meta.name}\n${rule.meta.summary}\n${docUrl(rule.meta.code)}\n`);
    return 0;
  }
  const rows = ALL_RULES.map((r) => `${r.meta.code.padEnd(8)} ${r.meta.name.padEnd(36)} ${r.meta.framework.padEnd(11)} ${r.meta.category.padEnd(12)} ${r.meta.defaultSeverity.padEnd(11)}${r.meta.fixable ? ' fix' : ''}${r.meta.enabledByDefault === false ? ' (off by default)' : ''}`);
  io.out(rows.join('\n') + '\n');
  return 0;
}

/** Sub-commands added by other modules (translate, equivalents) register here. */
export const COMMANDS: Record<string, { valued: string[]; run: (a: ParsedArgs, io: CliIO) => Promise<number> | number }> = {
  check: { valued: ['format', 'select', 'ignore', 'config', 'jobs'], run: runCheck },
  rules: { valued: [], run: runRules },
  translate: { valued: ['to', 'line', 'class'], run: runTranslate },
  equivalents: { valued: ['format'], run: runEquivalents },
};

export async function main(argv: string[], io: CliIO): Promise<number> {
  try {
    const command = argv.find((a) => !a.startsWith('-'));
    if (argv.includes('--version')) { io.out(`framewise ${VERSION}\n`); return 0; }
    if (!command || argv.includes('--help') || argv.includes('-h')) { io.out(USAGE + '\n'); return command || argv.length ? 0 : 2; }
    // Own keys only: `framewise constructor` is an unknown command, not Object.prototype's.
    const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!spec) throw new UsageError(`unknown command: ${command}`);
    const args = parseArgs(argv, spec.valued);
    return await spec.run(args, io);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(`framewise: configuration error:\n${e.message}\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      io.err(`framewise: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    io.err(`framewise: internal error: ${(e as Error).stack ?? e}\n`);
    return 2;
  }
}

if (require.main === module && isCheckWorker()) runCheckWorker();
else if (require.main === module) {
  main(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), cwd: process.cwd() })
    .then((code) => { process.exitCode = code; });
}
