/** `framewise check` reads `[tool.framewise]` like the editor: --config, --no-config, exit 2 on a broken config. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '..', '..', 'server', 'out', 'cli.js');

/** JAX001 (print in jit) on line 5. */
const BAD = 'import jax\n\n@jax.jit\ndef f(x):\n    print(x)\n    return x\n';

let dir: string;
const write = (rel: string, text: string) => {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
};
function run(args: string[], cwd = dir): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
const codesIn = (out: string): string[] => (JSON.parse(out) as { findings: Array<{ code: string }> }).findings.map((f) => f.code);

beforeAll(() => {
  expect(fs.existsSync(CLI), 'run `npm run build` first').toBe(true);
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fw-cli-config-')));
  write('proj/pyproject.toml', '[tool.framewise]\nselect = ["TF"]\n');
  write('proj/src/bad.py', BAD);
  write('plain/bad.py', BAD);
  write('alt.toml', '[tool.framewise]\nseverity = { JAX001 = "hint" }\n');
});
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

describe('framewise check with [tool.framewise]', () => {
  it('uses the nearest pyproject.toml above each file', () => {
    expect(run(['check', 'proj']).code).toBe(0); // select TF: the JAX finding is not reported
    expect(run(['check', 'plain']).code).toBe(1);
    const both = run(['check', 'proj', 'plain', '--format', 'json']);
    expect(both.code).toBe(1);
    expect(codesIn(both.out)).toEqual(['JAX001']);
  });

  it('--no-config ignores it', () => {
    const r = run(['check', 'proj', '--no-config']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/JAX001/);
  });

  it('--config FILE applies that file to every path', () => {
    const r = run(['check', 'proj', 'plain', '--config', 'alt.toml', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/"severity":\s*"hint"/);
    expect(codesIn(r.out)).toEqual(['JAX001', 'JAX001']);
  });

  it('--select replaces the configured selection; --ignore adds to it', () => {
    expect(run(['check', 'proj', '--select', 'JAX']).code).toBe(1);
    expect(run(['check', 'plain', '--config', 'alt.toml', '--ignore', 'JAX001']).code).toBe(0);
  });

  it('exits 2 on a broken pyproject.toml, naming the file, line and column', () => {
    write('broken/pyproject.toml', '[tool.framewise]\nselect = ["JAX"\n');
    write('broken/a.py', BAD);
    const r = run(['check', 'broken']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^framewise: configuration error:\nbroken\/pyproject\.toml:3:1: pyproject\.toml is not valid TOML \(line 3, column 1\)/);
    expect(r.err).not.toMatch(/Usage:/);
  });

  it('exits 2 on invalid values, listing every error', () => {
    write('invalid/pyproject.toml', '[tool.framewise]\nselect = ["NOPE"]\nseverity = { JAX001 = "loud" }\n');
    write('invalid/a.py', BAD);
    const r = run(['check', 'invalid']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/invalid\/pyproject\.toml:2:11: `select`: unknown rule code or prefix `NOPE`/);
    expect(r.err).toMatch(/invalid\/pyproject\.toml:3:\d+: `severity\.JAX001` must be one of/);
  });

  it('warns about unknown keys on stderr and goes on', () => {
    write('warn/pyproject.toml', '[tool.framewise]\nignore = ["JAX001"]\ncolour = "blue"\n');
    write('warn/a.py', BAD);
    const r = run(['check', 'warn']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^framewise: warning: warn\/pyproject\.toml:3:1: Unknown key `colour`/);
  });

  it('exits 2 when --config names no file or a file without [tool.framewise], or with --no-config', () => {
    const missing = run(['check', 'plain', '--config', 'nope.toml']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.toml: no such configuration file/);
    write('empty.toml', '[project]\nname = "x"\n');
    const empty = run(['check', 'plain', '--config', 'empty.toml']);
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/empty\.toml: no \[tool\.framewise\] table/);
    write('broken.toml', '[tool.framewise\n');
    const broken = run(['check', 'plain', '--config', 'broken.toml']);
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/broken\.toml:1:\d+: broken\.toml is not valid TOML/);
    const both = run(['check', 'plain', '--config', 'alt.toml', '--no-config']);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--config and --no-config cannot be used together/);
  });
});
