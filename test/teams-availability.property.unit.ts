// Team availability set algebra (src/teams/availability.ts) against a slow reference: a start is in the
// intersection when every host offers it, in the union when any does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectiveSlots, hostsByStart, intersectSlots, roundRobinSlots, unionSlots } from '../src/teams/availability';
import type { Slot } from '../src/slots/engine';
import { runs } from './runs';

const STEP = 15 * 60_000;
const DURATION = 30 * 60_000;

/** A sorted, repeat-free slot list on a 15-minute grid. */
const slotList = fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { maxLength: 60 }).map((ks) =>
  ks.sort((a, b) => a - b).map((k): Slot => ({ start: k * STEP, end: k * STEP + DURATION })),
);
const family = fc.array(slotList, { minLength: 1, maxLength: 6 });

const starts = (slots: Slot[]) => slots.map((s) => s.start);
const has = (list: readonly Slot[], start: number) => list.some((s) => s.start === start);
const sortedUnique = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! < x);

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('intersection and union', () => {
  it('the intersection is a subset of each host, and has every start all of them offer', () => {
    fc.assert(
      fc.property(family, (lists) => {
        const both = intersectSlots(lists);
        for (const list of lists) for (const s of both) expect(has(list, s.start)).toBe(true);
        const reference = [...new Set(lists.flat().map((s) => s.start))].filter((t) => lists.every((l) => has(l, t))).sort((a, b) => a - b);
        expect(starts(both)).toEqual(reference);
        expect(sortedUnique(starts(both))).toBe(true);
      }),
      { numRuns: runs(300) },
    );
  });

  it('the union is a superset of each host, and has nothing no host offers', () => {
    fc.assert(
      fc.property(family, (lists) => {
        const any = unionSlots(lists);
        for (const list of lists) for (const s of list) expect(has(any, s.start)).toBe(true);
        for (const s of any) expect(lists.some((l) => has(l, s.start))).toBe(true);
        expect(sortedUnique(starts(any))).toBe(true);
      }),
      { numRuns: runs(300) },
    );
  });

  it('gives the same answer whatever the order of the hosts', () => {
    fc.assert(
      fc.property(family, fc.integer({ min: 1, max: 2 ** 30 }), (lists, seed) => {
        const other = shuffled(lists, seed);
        expect(intersectSlots(other)).toEqual(intersectSlots(lists));
        expect(unionSlots(other)).toEqual(unionSlots(lists));
        const byHost = new Map(lists.map((l, i) => [i + 1, l]));
        const byHostShuffled = new Map(shuffled([...byHost.entries()], seed));
        expect(collectiveSlots(byHostShuffled)).toEqual(collectiveSlots(byHost));
        expect(hostsByStart(byHostShuffled)).toEqual(hostsByStart(byHost));
      }),
      { numRuns: runs(300) },
    );
  });

  it('round robin is the fixed hosts\' intersection within the rotating hosts\' union', () => {
    fc.assert(
      fc.property(fc.array(slotList, { maxLength: 3 }), fc.array(slotList, { maxLength: 4 }), (fixed, rotating) => {
        const result = roundRobinSlots(new Map(fixed.map((l, i) => [i + 1, l])), new Map(rotating.map((l, i) => [i + 100, l])));
        const all = [...new Set([...fixed, ...rotating].flat().map((s) => s.start))].sort((a, b) => a - b);
        const reference = all.filter((t) => fixed.every((l) => has(l, t)) && (rotating.length === 0 || rotating.some((l) => has(l, t))));
        expect(starts(result)).toEqual(fixed.length === 0 && rotating.length === 0 ? [] : reference);
      }),
      { numRuns: runs(300) },
    );
  });
});

describe('hand-worked cases', () => {
  const s = (h: number): Slot => ({ start: h * 3_600_000, end: h * 3_600_000 + DURATION });

  it('no host offers nothing', () => {
    expect(intersectSlots([])).toEqual([]);
    expect(collectiveSlots(new Map())).toEqual([]);
    expect(roundRobinSlots(new Map(), new Map())).toEqual([]);
  });

  it('a fixed host narrows the rotating hosts', () => {
    const fixed = new Map([[1, [s(9), s(10), s(11)]]]);
    const rotating = new Map([
      [2, [s(9)]],
      [3, [s(11), s(12)]],
    ]);
    expect(roundRobinSlots(fixed, rotating)).toEqual([s(9), s(11)]);
    expect(hostsByStart(rotating)).toEqual(
      new Map([
        [s(9).start, [2]],
        [s(11).start, [3]],
        [s(12).start, [3]],
      ]),
    );
  });
});
