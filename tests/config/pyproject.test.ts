/** `[tool.framewise]` in pyproject.toml: parsing, validation, positions of problems, lookup, cache. */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePyproject, findConfig, loadPyproject, clearConfigCache, MAX_CONFIG_BYTES } from '../../server/src/config/pyproject';

const toml = (lines: string[]) => lines.join('\n') + '\n';

describe('parsePyproject', () => {
  it('reads select, ignore, severity and max-file-size', () => {
    const c = parsePyproject(toml([
      '[project]',
      'name = "demo"',
      '',
      '[tool.framewise]',
      'select = ["JAX", "pt2", "ALL"]',
      'ignore = ["JAX001"]',
      'severity = { PT201 = "warning", jax002 = "OFF" }',
      'max-file-size = 4096',
    ]))!;
    expect(c.problems).toEqual([]);
    expect(c.broken).toBe(false);
    expect(c.settings).toEqual({ select: ['JAX', 'PT2', 'ALL'], ignore: ['JAX001'], severity: { PT201: 'warning', JAX002: 'off' }, maxFileSize: 4096 });
  });

  it('accepts the severity table as its own section and dotted keys under [tool]', () => {
    const a = parsePyproject(toml(['[tool.framewise]', 'select = ["TF"]', '', '[tool.framewise.severity]', 'TF001 = "hint"']))!;
    expect(a.settings).toEqual({ select: ['TF'], severity: { TF001: 'hint' } });
    const b = parsePyproject(toml(['[tool]', 'framewise.ignore = ["PT"]']))!;
    expect(b.settings).toEqual({ ignore: ['PT'] });
  });

  it('is undefined for files that do not configure Framewise', () => {
    expect(parsePyproject(toml(['[project]', 'name = "x"']))).toBeUndefined();
    expect(parsePyproject(toml(['# framewise is configured elsewhere', '[tool.ruff]', 'line-length = 100']))).toBeUndefined();
    // Not even valid TOML, but it cannot be ours: passed over, not reported.
    expect(parsePyproject('this is [not toml\n')).toBeUndefined();
  });

  it('an empty [tool.framewise] table is a config with no settings', () => {
    expect(parsePyproject(toml(['[tool.framewise]']))).toEqual({ path: 'pyproject.toml', settings: {}, problems: [], broken: false });
  });

  it('invalid TOML: broken, with one problem at the TOML error line and column', () => {
    const c = parsePyproject(toml(['[tool.framewise]', 'select = ["JAX"', 'ignore = ["PT"]']))!;
    expect(c.broken).toBe(true);
    expect(c.settings).toEqual({});
    expect(c.problems).toHaveLength(1);
    const p = c.problems[0];
    expect(p.severity).toBe('error');
    expect(p.message).toMatch(/^pyproject\.toml is not valid TOML \(line 3, column 1\): .+\. Framewise ignores its \[tool\.framewise\] settings/);
    expect(p.range.start).toEqual({ line: 2, character: 0 });
    expect(p.range.end.line).toBe(2);
  });

  it('keeps the error range inside its line, also for an error at the end of a line or of the file', () => {
    for (const text of ['[tool.framewise]\nselect = \n', '[tool.framewise]\nselect = ["JAX"', '[tool.framewise]\r\nseverity = { PT201 = \r\n']) {
      const c = parsePyproject(text)!;
      expect(c.broken, JSON.stringify(text)).toBe(true);
      const { start, end } = c.problems[0].range;
      const lineText = text.split(/\r?\n/)[start.line];
      expect(lineText, JSON.stringify(text)).toBeDefined();
      expect(end.line).toBe(start.line);
      expect(start.character).toBeLessThanOrEqual(end.character);
      expect(end.character, JSON.stringify(text)).toBeLessThanOrEqual(lineText.length);
    }
  });

  it('a duplicate key is a TOML error on the second definition', () => {
    const c = parsePyproject(toml(['[tool.framewise]', 'select = ["JAX"]', 'select = ["PT"]']))!;
    expect(c.broken).toBe(true);
    expect(c.problems[0].range.start.line).toBe(2);
    expect(c.problems[0].message).toMatch(/redefine/);
  });

  it('wrong types are errors at their key; the entry is dropped and the rest applies', () => {
    const c = parsePyproject(toml([
      '[tool.framewise]',
      'select = "JAX"',
      'ignore = ["PT201", 3]',
      'severity = ["PT201"]',
      'max-file-size = "2MB"',
    ]))!;
    expect(c.broken).toBe(false);
    expect(c.settings).toEqual({ ignore: ['PT201'] });
    const byLine = c.problems.map((p) => [p.severity, p.range.start.line, p.message] as const);
    expect(byLine).toEqual([
      ['error', 1, expect.stringMatching(/`select` must be an array of rule codes or prefixes.*not the string "JAX"/)],
      ['error', 2, expect.stringMatching(/`ignore` entries must be strings.*not the number 3/)],
      ['error', 3, expect.stringMatching(/`severity` must be a table.*not an array/)],
      ['error', 4, expect.stringMatching(/`max-file-size` must be an integer number of bytes, at least 1024, not the string "2MB"/)],
    ]);
  });

  it('max-file-size must be an integer of at least 1024', () => {
    for (const v of ['100', '2048.5', '-1', 'true']) {
      const c = parsePyproject(toml(['[tool.framewise]', `max-file-size = ${v}`]))!;
      expect(c.settings.maxFileSize, v).toBeUndefined();
      expect(c.problems.map((p) => p.severity), v).toEqual(['error']);
    }
    expect(parsePyproject(toml(['[tool.framewise]', 'max-file-size = 1_048_576']))!.settings).toEqual({ maxFileSize: 1048576 });
  });

  it('rule codes are validated against the registry, at the code as written', () => {
    const c = parsePyproject(toml([
      '[tool.framewise]',
      'select = [',
      '  "JAX",',
      '  "NOPE1",',
      ']',
      'ignore = ["XYZ"]',
      'severity = { PT201 = "warning", ZZZ999 = "off", JAX002 = "loud" }',
    ]))!;
    expect(c.settings).toEqual({ select: ['JAX'], ignore: [], severity: { PT201: 'warning' } });
    const found = c.problems.map((p) => ({ line: p.range.start.line, col: p.range.start.character, end: p.range.end.character, msg: p.message }));
    expect(found).toEqual([
      { line: 3, col: 2, end: 9, msg: expect.stringMatching(/`select`: unknown rule code or prefix `NOPE1`/) },
      { line: 5, col: 10, end: 15, msg: expect.stringMatching(/`ignore`: unknown rule code or prefix `XYZ`/) },
      { line: 6, col: 32, end: 38, msg: expect.stringMatching(/`severity`: unknown rule code `ZZZ999`/) },
      { line: 6, col: 48, end: 54, msg: expect.stringMatching(/`severity.JAX002` must be one of "error", "warning", "information", "hint", "off", not the string "loud"/) },
    ]);
    expect(c.problems.every((p) => p.severity === 'error')).toBe(true);
  });

  it('severity takes exact codes, not prefixes', () => {
    const c = parsePyproject(toml(['[tool.framewise]', 'severity = { JAX = "off" }']))!;
    expect(c.settings).toEqual({ severity: {} });
    expect(c.problems[0].message).toMatch(/unknown rule code `JAX` \(severity takes exact codes/);
  });

  it('unknown keys are warnings, with a suggestion for near misses', () => {
    const c = parsePyproject(toml(['[tool.framewise]', 'select = ["JAX"]', 'max_file_size = 4096', 'colour = "blue"']))!;
    expect(c.settings).toEqual({ select: ['JAX'] });
    expect(c.problems.map((p) => [p.severity, p.range.start.line])).toEqual([['warning', 2], ['warning', 3]]);
    expect(c.problems[0].message).toMatch(/Unknown key `max_file_size` in \[tool\.framewise\]; did you mean `max-file-size`\?/);
    expect(c.problems[1].message).toMatch(/Unknown key `colour`.*known keys: select, ignore, severity, max-file-size/);
  });

  it('tool.framewise that is not a table is an error', () => {
    const c = parsePyproject(toml(['[tool]', 'framewise = 3']))!;
    expect(c.settings).toEqual({});
    expect(c.problems).toHaveLength(1);
    expect(c.problems[0].message).toMatch(/must be a table/);
    expect(c.problems[0].range.start.line).toBe(1);
  });
});

describe('reading and finding pyproject.toml', () => {
  let tmp: string;
  const write = (rel: string, text: string) => {
    const p = path.join(tmp, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  };
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'framewise-config-')));
    clearConfigCache();
  });
  afterEach(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

  it('finds the nearest pyproject.toml with a [tool.framewise] table, passing over others', () => {
    write('pyproject.toml', toml(['[tool.framewise]', 'select = ["JAX"]']));
    write('pkg/pyproject.toml', toml(['[project]', 'name = "pkg"']));
    write('pkg/inner/pyproject.toml', toml(['[tool.framewise]', 'select = ["PT"]']));
    const file = write('pkg/src/model.py', 'x = 1\n');
    const inner = write('pkg/inner/deep/net.py', 'x = 1\n');
    expect(findConfig(file)?.path).toBe(path.join(tmp, 'pyproject.toml'));
    expect(findConfig(file)?.settings).toEqual({ select: ['JAX'] });
    expect(findConfig(inner)?.settings).toEqual({ select: ['PT'] });
    expect(findConfig(path.join(tmp, 'pkg', 'src'))?.settings).toEqual({ select: ['JAX'] });
  });

  it('a broken file stops the search: it is reported, and nothing above it applies', () => {
    write('pyproject.toml', toml(['[tool.framewise]', 'select = ["JAX"]']));
    write('pkg/pyproject.toml', toml(['[tool.framewise]', 'select = [']));
    const c = findConfig(write('pkg/a.py', ''))!;
    expect(c.path).toBe(path.join(tmp, 'pkg', 'pyproject.toml'));
    expect(c.broken).toBe(true);
    expect(c.settings).toEqual({});
  });

  it('does not look above the root it is given', () => {
    write('pyproject.toml', toml(['[tool.framewise]', 'select = ["JAX"]']));
    const file = write('ws/src/a.py', '');
    expect(findConfig(file)).toBeDefined();
    expect(findConfig(file, { root: path.join(tmp, 'ws') })).toBeUndefined();
    // A file outside the root gets nothing at all.
    expect(findConfig(path.join(tmp, 'elsewhere', 'b.py'), { root: path.join(tmp, 'ws') })).toBeUndefined();
  });

  it('does not follow a symbolic link out of the root', () => {
    write('outside/pyproject.toml', toml(['[tool.framewise]', 'select = ["JAX"]']));
    const file = write('ws/a.py', '');
    fs.symlinkSync(path.join(tmp, 'outside', 'pyproject.toml'), path.join(tmp, 'ws', 'pyproject.toml'));
    expect(findConfig(file)?.settings).toEqual({ select: ['JAX'] });
    expect(findConfig(file, { root: path.join(tmp, 'ws') })).toBeUndefined();
  });

  it('caches by path, mtime and size, and re-reads a changed file', () => {
    const p = write('pyproject.toml', toml(['[tool.framewise]', 'select = ["JAX"]']));
    const first = loadPyproject(p);
    expect(loadPyproject(p)).toBe(first);
    fs.writeFileSync(p, toml(['[tool.framewise]', 'select = ["PT", "TF"]']));
    const second = loadPyproject(p);
    expect(second).not.toBe(first);
    expect(second?.settings).toEqual({ select: ['PT', 'TF'] });
    fs.rmSync(p);
    expect(loadPyproject(p)).toBeUndefined();
  });

  it('refuses files over 1 MB with a clear message', () => {
    const p = write('pyproject.toml', '[tool.framewise]\n' + `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    const c = loadPyproject(p)!;
    expect(c.broken).toBe(true);
    expect(c.problems).toHaveLength(1);
    expect(c.problems[0].message).toMatch(/pyproject\.toml is 1\.0 MB, over the 1 MB that Framewise reads/);
  });
});
