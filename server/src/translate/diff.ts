/**
 * The edits that turn one text into another, line by line: what a whole-module translation sends to
 * the editor, so that the lines it does not change (code between the imports and the class, the rest
 * of the file) are not rewritten and keep their markers, folding and undo history.
 *
 * Patience diff: common leading and trailing lines are kept; in between, lines that occur exactly once
 * on each side anchor the texts, the longest run of anchors in the same order on both sides is kept,
 * and the stretches between anchors are diffed the same way (then replaced where no anchor is left).
 */
import type { OffsetEdit } from './document';

/** Lines with their line breaks (the last one may have none). */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

interface Hunk { aStart: number; aEnd: number; bStart: number; bEnd: number }

export function lineEdits(before: string, after: string): OffsetEdit[] {
  if (before === after) return [];
  const a = splitLines(before);
  const b = splitLines(after);
  const hunks: Hunk[] = [];
  diffRange(a, 0, a.length, b, 0, b.length, hunks, 0);
  const offsets = [0];
  for (const line of a) offsets.push(offsets[offsets.length - 1] + line.length);
  return hunks.map((h) => ({ start: offsets[h.aStart], end: offsets[h.aEnd], text: b.slice(h.bStart, h.bEnd).join('') }));
}

/** Deep enough for any real pair of files; past it, a stretch is replaced whole. */
const MAX_DEPTH = 64;

function diffRange(a: string[], aStart: number, aEnd: number, b: string[], bStart: number, bEnd: number, out: Hunk[], depth: number): void {
  while (aStart < aEnd && bStart < bEnd && a[aStart] === b[bStart]) { aStart++; bStart++; }
  while (aStart < aEnd && bStart < bEnd && a[aEnd - 1] === b[bEnd - 1]) { aEnd--; bEnd--; }
  if (aStart === aEnd && bStart === bEnd) return;
  if (aStart === aEnd || bStart === bEnd || depth >= MAX_DEPTH) { out.push({ aStart, aEnd, bStart, bEnd }); return; }
  const anchors = uniqueCommon(a, aStart, aEnd, b, bStart, bEnd);
  if (!anchors.length) { out.push({ aStart, aEnd, bStart, bEnd }); return; }
  let ai = aStart;
  let bi = bStart;
  for (const [x, y] of anchors) {
    diffRange(a, ai, x, b, bi, y, out, depth + 1);
    ai = x + 1;
    bi = y + 1;
  }
  diffRange(a, ai, aEnd, b, bi, bEnd, out, depth + 1);
}

/** Pairs (index in a, index in b) of lines unique on both sides, longest increasing run in both. */
function uniqueCommon(a: string[], aStart: number, aEnd: number, b: string[], bStart: number, bEnd: number): Array<[number, number]> {
  const count = (lines: string[], s: number, e: number) => {
    const m = new Map<string, { n: number; at: number }>();
    for (let i = s; i < e; i++) {
      const c = m.get(lines[i]);
      if (c) c.n++;
      else m.set(lines[i], { n: 1, at: i });
    }
    return m;
  };
  const ca = count(a, aStart, aEnd);
  const cb = count(b, bStart, bEnd);
  const pairs: Array<[number, number]> = [];
  for (let i = aStart; i < aEnd; i++) {
    const x = ca.get(a[i])!;
    const y = cb.get(a[i]);
    if (x.n === 1 && y?.n === 1) pairs.push([i, y.at]);
  }
  // Longest increasing subsequence by b index (patience sorting).
  const tails: number[] = [];
  const prev: number[] = new Array(pairs.length).fill(-1);
  for (let i = 0; i < pairs.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]][1] < pairs[i][1]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const out: Array<[number, number]> = [];
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) out.push(pairs[i]);
  return out.reverse();
}
