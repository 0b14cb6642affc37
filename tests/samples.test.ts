/** The sample workspace shows every rule firing (the README and issue promise it). */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ready, check } from './helpers/analyze';
import { ALL_RULES } from '../server/src/rules/index';

beforeAll(ready);

describe('samples/', () => {
  it('trigger every registered rule at least once', () => {
    const dir = path.resolve(__dirname, '..', 'samples');
    const seen = new Set<string>();
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.py'))) {
      for (const finding of check(fs.readFileSync(path.join(dir, f), 'utf8'), ['ALL'])) seen.add(finding.code);
    }
    const missing = ALL_RULES.map((r) => r.meta.code).filter((c) => !seen.has(c));
    expect(missing).toEqual([]);
  });
});
