/** `framewise check`: formats, exit codes, SARIF 2.1.0 validity, and the same results as the core. */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'server', 'out', 'cli.js');

function run(args: string[], cwd = ROOT): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

let dir: string;
beforeAll(() => {
  expect(fs.existsSync(CLI), 'run `npm run build` first').toBe(true);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-cli-'));
  fs.writeFileSync(path.join(dir, 'bad.py'), 'import jax\n\n@jax.jit\ndef f(x):\n    print(x)\n    return x\n');
  fs.writeFileSync(path.join(dir, 'clean.py'), 'import jax\n\n@jax.jit\ndef f(x):\n    return x * 2\n');
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.writeFileSync(path.join(dir, 'node_modules', 'skipped.py'), 'import jax\n@jax.jit\ndef f(x):\n    print(x)\n');
  fs.writeFileSync(path.join(dir, 'binary.py'), Buffer.from([0x69, 0x6d, 0x00, 0xff, 0xfe, 0x00]));
});

describe('framewise check', () => {
  it('prints findings as text and exits 1', () => {
    const r = run(['check', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${path.join(dir, 'bad.py')}:5:5: warning JAX001`);
    expect(r.out).toContain('binary.py: note: Framewise skipped this file');
    expect(r.out).not.toContain('skipped.py');
    expect(r.out).toMatch(/Found 1 problem in 3 files\./);
  });

  it('exits 0 on clean input', () => {
    const r = run(['check', path.join(dir, 'clean.py')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('No problems found in 1 file.');
  });

  it('exits 2 on usage errors with a message', () => {
    expect(run(['check', '--format', 'xml', dir]).code).toBe(2);
    expect(run(['check', '--select', 'NOPE1', dir]).err).toMatch(/unknown rule code/);
    expect(run(['check', path.join(dir, 'missing.py')]).err).toMatch(/no such file/);
    expect(run(['frobnicate']).code).toBe(2);
    // Names of Object.prototype's members are unknown commands and frameworks too, not internal errors.
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const command = run([name]);
      expect(command.code).toBe(2);
      expect(command.err).toMatch(/unknown command/);
      const target = run(['translate', '--to', name, path.join(ROOT, 'samples', 'jax_mlp.py')]);
      expect(target.code).toBe(2);
      expect(target.err).toMatch(/unknown target framework/);
    }
  });

  it('honours --select and --ignore', () => {
    expect(run(['check', '--ignore', 'JAX001', dir]).code).toBe(0);
    expect(run(['check', '--select', 'PT', dir]).code).toBe(0);
    expect(run(['check', '--select', 'JAX', dir]).code).toBe(1);
  });

  it('emits JSON with 1-based positions and fixes', () => {
    const r = run(['check', '--format', 'json', dir]);
    const data = JSON.parse(r.out);
    expect(data.findings).toHaveLength(1);
    expect(data.findings[0]).toMatchObject({ code: 'JAX001', line: 5, column: 5, severity: 'warning' });
    expect(data.findings[0].fix.edits[0].newText).toBe('jax.debug.print("{}", x)');
    expect(data.skipped.map((s: { file: string }) => path.basename(s.file))).toEqual(['binary.py']);
  });

  it('emits SARIF 2.1.0 that validates against the official schema', () => {
    const r = run(['check', '--format', 'sarif', dir], dir);
    const sarif = JSON.parse(r.out);
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'sarif-2.1.0.json'), 'utf8'));
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const ok = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    const result = sarif.runs[0].results[0];
    expect(result.ruleId).toBe('JAX001');
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('bad.py');
    expect(result.locations[0].physicalLocation.region).toMatchObject({ startLine: 5, startColumn: 5 });
    expect(sarif.runs[0].tool.driver.rules[result.ruleIndex].id).toBe('JAX001');
  });

  it('lists rules and prints one rule\'s documentation', () => {
    const list = execFileSync(process.execPath, [CLI, 'rules'], { encoding: 'utf8' });
    expect(list).toMatch(/^JAX001\s+side-effect-in-traced-function/m);
    const doc = execFileSync(process.execPath, [CLI, 'rules', 'jax001'], { encoding: 'utf8' });
    expect(doc).toContain('JAX001');
  });
});
