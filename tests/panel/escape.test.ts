import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../client/src/panel/escape';

describe('escapeHtml', () => {
  it.each([
    ['plain text', 'plain text'],
    ['a & b', 'a &amp; b'],
    ['<script>', '&lt;script&gt;'],
    ['"quoted"', '&quot;quoted&quot;'],
    ["it's", 'it&#39;s'],
    ['&amp;', '&amp;amp;'],
    ['</script><img src=x onerror=alert(1)>', '&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;'],
    ['', ''],
    ['x = a<b and c>d  # ünïcödé →', 'x = a&lt;b and c&gt;d  # ünïcödé →'],
  ])('%j → %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });

  it('leaves no character that can open a tag, end an attribute or start an entity', () => {
    const all = Array.from({ length: 0x250 }, (_, i) => String.fromCharCode(i)).join('');
    const out = escapeHtml(all);
    expect(out).not.toMatch(/[<>"']/);
    expect(out.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
  });

  it('is not idempotent by design (escape exactly once)', () => {
    expect(escapeHtml(escapeHtml('<'))).toBe('&amp;lt;');
  });
});
