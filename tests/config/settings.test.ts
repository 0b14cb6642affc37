/** Rule selection (select / ignore / ALL / severity off) and how layers of settings merge. */
import { describe, it, expect, beforeAll } from 'vitest';
import { isRuleEnabled, mergeSettings, normalizeSeverity, severityFor, type Settings } from '../../server/src/config/settings';
import { enabledRules } from '../../server/src/analyze';
import { ALL_RULES } from '../../server/src/rules/index';
import type { Rule } from '../../server/src/rules/types';
import { ready } from '../helpers/analyze';
import { analyzeTextSync } from '../../server/src/engine';

beforeAll(ready);

const on = (code: string, s: Settings, byDefault = true) => isRuleEnabled(code, byDefault, s);

describe('isRuleEnabled', () => {
  it('no settings: the rules enabled by default, and only those', () => {
    expect(on('JAX002', {})).toBe(true);
    expect(on('PORT002', {}, false)).toBe(false);
    expect(on('JAX002', { select: [] })).toBe(true); // an empty select is the default set
  });

  it('select replaces the default set (Ruff-like)', () => {
    const s = { select: ['JAX'] };
    expect(on('JAX002', s)).toBe(true);
    expect(on('PT201', s)).toBe(false); // on by default, but not selected
    expect(on('PT201', { select: ['PT2'] })).toBe(true);
    expect(on('PT101', { select: ['PT2'] })).toBe(false);
    expect(on('TF002', { select: ['TF002'] })).toBe(true);
    expect(on('TF001', { select: ['TF002'] })).toBe(false);
  });

  it('select enables rules that are off by default, by code, prefix or ALL', () => {
    expect(on('PORT002', { select: ['PORT002'] }, false)).toBe(true);
    expect(on('PORT002', { select: ['PORT'] }, false)).toBe(true);
    expect(on('PORT002', { select: ['ALL'] }, false)).toBe(true);
    expect(on('PORT002', { select: ['JAX'] }, false)).toBe(false);
  });

  it('a prefix matches only longer codes that start with it, never other families', () => {
    expect(on('JAX002', { select: ['JAX0'] })).toBe(true);
    expect(on('JAX101', { select: ['JAX0'] })).toBe(false);
    expect(on('PT201', { select: ['PORT'] })).toBe(false);
  });

  it('ignore removes rules from the default set and from a selection', () => {
    expect(on('JAX002', { ignore: ['JAX002'] })).toBe(false);
    expect(on('JAX002', { ignore: ['JAX'] })).toBe(false);
    expect(on('JAX001', { ignore: ['JAX002'] })).toBe(true);
    expect(on('JAX002', { select: ['JAX'], ignore: ['JAX002'] })).toBe(false);
    expect(on('JAX001', { select: ['JAX'], ignore: ['JAX002'] })).toBe(true);
    expect(on('JAX002', { ignore: ['ALL'] })).toBe(false);
  });

  it('when select and ignore both match, the more specific pattern wins; a tie goes to ignore', () => {
    expect(on('JAX002', { select: ['JAX002'], ignore: ['JAX'] })).toBe(true);
    expect(on('JAX001', { select: ['JAX002'], ignore: ['JAX'] })).toBe(false);
    expect(on('JAX002', { select: ['JAX00'], ignore: ['JAX'] })).toBe(true);
    expect(on('JAX002', { select: ['JAX'], ignore: ['JAX00'] })).toBe(false);
    expect(on('JAX002', { select: ['JAX002'], ignore: ['JAX002'] })).toBe(false);
    expect(on('JAX002', { select: ['ALL'], ignore: ['ALL'] })).toBe(false);
    expect(on('JAX002', { select: ['JAX002'], ignore: ['ALL'] })).toBe(true);
  });

  it("severity 'off' disables a rule whatever select says; other severities do not enable", () => {
    expect(on('JAX002', { severity: { JAX002: 'off' } })).toBe(false);
    expect(on('JAX002', { select: ['JAX002'], severity: { JAX002: 'off' } })).toBe(false);
    expect(on('JAX002', { select: ['ALL'], severity: { JAX002: 'off' } })).toBe(false);
    expect(on('JAX001', { severity: { JAX002: 'off' } })).toBe(true);
    expect(on('PORT002', { severity: { PORT002: 'hint' } }, false)).toBe(false);
  });
});

describe('severityFor', () => {
  it('overrides the default severity per rule, and ignores off', () => {
    expect(severityFor('PT201', 'error', { severity: { PT201: 'warning' } })).toBe('warning');
    expect(severityFor('PT201', 'error', { severity: { JAX002: 'warning' } })).toBe('error');
    expect(severityFor('PT201', 'error', { severity: { PT201: 'off' } })).toBe('error');
  });

  it('reaches the findings', () => {
    const src = 'import jax.numpy as jnp\nx = jnp.zeros(3)\nx[0] = 1.0\n';
    // Other rules may fire on this snippet as the registry grows: look at JAX002 only.
    const jax002 = (s: Settings) => analyzeTextSync(src, s).findings.filter((f) => f.code === 'JAX002').map((f) => f.severity);
    expect(jax002({})).toEqual(['error']);
    expect(jax002({ severity: { JAX002: 'hint' } })).toEqual(['hint']);
    expect(jax002({ severity: { JAX002: 'off' } })).toEqual([]);
    expect(jax002({ select: ['PT'] })).toEqual([]);
    expect(jax002({ select: ['ALL'], ignore: ['JAX002'] })).toEqual([]);
    expect(jax002({ select: ['ALL'], ignore: ['JAX'] })).toEqual([]);
    expect(jax002({ select: ['JAX002'], ignore: ['JAX'] })).toEqual(['error']);
  });
});

describe('enabledRules over the registry', () => {
  it('ALL selects every registered rule; the default set is every rule not off by default', () => {
    expect(enabledRules({ select: ['ALL'] }).map((r) => r.meta.code)).toEqual(ALL_RULES.map((r) => r.meta.code));
    expect(enabledRules({}).map((r) => r.meta.code)).toEqual(ALL_RULES.filter((r) => r.meta.enabledByDefault !== false).map((r) => r.meta.code));
  });

  it('a rule that is off by default stays off without select', () => {
    const fake: Rule = { meta: { code: 'PORT999', name: 'x', framework: 'portability', category: 'portability', defaultSeverity: 'hint', enabledByDefault: false, fixable: false, summary: '' }, create: () => ({}) };
    expect(enabledRules({}, [fake])).toEqual([]);
    expect(enabledRules({ ignore: ['JAX'] }, [fake])).toEqual([]);
    expect(enabledRules({ select: ['PORT'] }, [fake])).toEqual([fake]);
  });
});

describe('mergeSettings', () => {
  it('later layers replace select, ignore and maxFileSize, and merge severity rule by rule', () => {
    const vscode: Settings = { select: ['JAX'], ignore: ['JAX001'], severity: { JAX002: 'hint', PT201: 'warning' }, maxFileSize: 5000 };
    const pyproject: Settings = { ignore: ['PT'], severity: { PT201: 'error' } };
    expect(mergeSettings({}, vscode, pyproject)).toEqual({ select: ['JAX'], ignore: ['PT'], severity: { JAX002: 'hint', PT201: 'error' }, maxFileSize: 5000 });
  });

  it('an unset key keeps the earlier value; an explicitly empty list replaces it', () => {
    expect(mergeSettings({ ignore: ['JAX001'] }, {})).toEqual({ ignore: ['JAX001'] });
    expect(mergeSettings({ ignore: ['JAX001'] }, { ignore: [] })).toEqual({ ignore: [] });
    expect(mergeSettings({ select: ['JAX'] }, { select: [] })).toEqual({ select: [] });
    expect(mergeSettings(undefined, { maxFileSize: 2048 }, undefined)).toEqual({ maxFileSize: 2048 });
  });

  it('does not share arrays or objects with its inputs', () => {
    const a: Settings = { select: ['JAX'], severity: { JAX002: 'hint' } };
    const m = mergeSettings(a);
    m.select!.push('PT');
    m.severity!.PT201 = 'off';
    expect(a).toEqual({ select: ['JAX'], severity: { JAX002: 'hint' } });
  });
});

describe('normalizeSeverity (VS Code settings)', () => {
  it('upper-cases codes, lower-cases values and drops what is not a severity', () => {
    expect(normalizeSeverity({ pt201: 'Warning', JAX303: 'off', TF001: 'loud', TF002: 3 })).toEqual({ PT201: 'warning', JAX303: 'off' });
    expect(normalizeSeverity(undefined)).toBeUndefined();
    expect(normalizeSeverity(['PT201'])).toBeUndefined();
    expect(normalizeSeverity('error')).toBeUndefined();
  });
});
