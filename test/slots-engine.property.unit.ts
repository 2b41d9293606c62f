// Property tests for the slot engine against a slow, independent reference model (test/slots-engine-reference.ts),
// over random schedules in zones with offset changes. DEEP_TESTS=1 runs ten times as many cases (test/runs.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkSlot,
  computeSlotStarts,
  groupSlotsByLocalDate,
  type BusySpan,
  type DateOverride,
  type SlotInput,
  type WeeklyRange,
} from '../src/slots/engine';
import { runs } from './runs';
import { overlapsBusy, refOffset, refSlotStarts, refWallReader, refWindow } from './slots-engine-reference';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const RUNS = runs(300);

const ZONES = [
  'UTC',
  'America/New_York',
  'America/Los_Angeles',
  'America/St_Johns', // -03:30 / -02:30
  'America/Santiago', // DST changes at midnight
  'America/Havana', // falls back from 01:00 to midnight
  'Europe/Berlin',
  'Europe/London',
  'Australia/Lord_Howe', // 30-minute DST
  'Pacific/Chatham', // +12:45 / +13:45
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'Pacific/Kiritimati',
] as const;

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

const hhmm = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

// Mostly well-formed ranges, biased towards midnight (so ranges chain across days) and
// towards 00:00-04:00 (where offset changes happen, so ranges start and end inside gaps and
// repeated hours); now and then an arbitrary pair, reversed ones included (they are ignored).
const minuteOfDay = fc.oneof(
  { arbitrary: fc.constant(0), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 16 }).map((q) => q * 15), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 95 }).map((q) => q * 15), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 1439 }), weight: 1 },
);
const orderedRange = fc
  .tuple(minuteOfDay, fc.oneof({ arbitrary: minuteOfDay, weight: 3 }, { arbitrary: fc.constant(1440), weight: 1 }))
  .map(([a, b]): [number, number] => (a === b ? [a, 1440] : [Math.min(a, b), Math.max(a, b)]));
const anyRange = fc.tuple(minuteOfDay, fc.integer({ min: 1, max: 1440 }));
const wallRange = fc
  .oneof({ arbitrary: orderedRange, weight: 6 }, { arbitrary: anyRange, weight: 1 })
  .map(([start, end]) => ({ startTime: hhmm(start), endTime: hhmm(end) }));

// Sunday is weighted up: every offset change in CHANGE_DATES falls on a Sunday.
const weeklyRange: fc.Arbitrary<WeeklyRange> = fc
  .tuple(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 6 })), wallRange)
  .map(([dayOfWeek, range]) => ({ dayOfWeek, ...range }));

const T0 = Date.UTC(2026, 8, 1); // spans both changes of every zone in ZONES
const T1 = Date.UTC(2027, 4, 1);
/** Local dates on which some zone in ZONES changes offset between T0 and T1. */
const CHANGE_DATES = ['2026-09-06', '2026-09-27', '2026-10-04', '2026-10-25', '2026-11-01', '2027-03-14', '2027-03-28', '2027-04-04'];
// Half the runs put "now" within a few days before an offset change, so ranges cross it.
const nowMinute = fc.oneof(
  fc.integer({ min: 0, max: (T1 - T0) / MIN }),
  fc
    .tuple(fc.constantFrom(...CHANGE_DATES), fc.integer({ min: -4 * 1440, max: 1440 }))
    .map(([date, minutes]) => (Date.parse(date) - T0) / MIN + minutes),
);

const busySpans = (from: number, to: number, specs: { at: number; minutes: number }[]): BusySpan[] =>
  specs.map(({ at, minutes }) => {
    const start = from + Math.floor(((at / 1_000_000) * (to - from)) / MIN) * MIN;
    return { start, end: start + minutes * MIN };
  });
const busySpec = fc.record({ at: fc.integer({ min: 0, max: 1_000_000 }), minutes: fc.integer({ min: -30, max: 240 }) });

/** Anything: any zone, any hours, "now" anywhere between T0 and T1. */
const anywhere: fc.Arbitrary<SlotInput> = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    availability: fc.array(weeklyRange, { maxLength: 10 }),
    overrideSpecs: fc.array(
      fc.record({ dayOffset: fc.integer({ min: -3, max: 14 }), range: fc.option(wallRange, { nil: null }) }),
      { maxLength: 4 },
    ),
    durationMinutes: fc.integer({ min: 1, max: 240 }),
    interval: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 120 })),
    bufferBeforeMinutes: fc.integer({ min: 0, max: 60 }),
    bufferAfterMinutes: fc.integer({ min: 0, max: 60 }),
    minimumNoticeMinutes: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2880 })),
    bookingWindowDays: fc.oneof(fc.constant(60), fc.integer({ min: 0, max: 30 })),
    nowMinute,
    nowJitterMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: MIN - 1 })),
    rangeStartOffsetMinutes: fc.integer({ min: -3 * 1440, max: 10 * 1440 }),
    rangeLengthMinutes: fc.integer({ min: 0, max: 10 * 1440 }),
    busySpecs: fc.array(busySpec, { maxLength: 25 }),
  })
  .map((r): SlotInput => {
    const now = T0 + r.nowMinute * MIN + r.nowJitterMs;
    const rangeStart = T0 + (r.nowMinute + r.rangeStartOffsetMinutes) * MIN;
    const rangeEnd = rangeStart + r.rangeLengthMinutes * MIN;
    const firstDate = Math.floor(rangeStart / DAY);
    const overrides: DateOverride[] = r.overrideSpecs.map(({ dayOffset, range }) => ({
      date: new Date((firstDate + dayOffset) * DAY).toISOString().slice(0, 10),
      startTime: range ? range.startTime : null,
      endTime: range ? range.endTime : null,
    }));
    return {
      durationMinutes: r.durationMinutes,
      slotIntervalMinutes: r.interval ?? r.durationMinutes,
      bufferBeforeMinutes: r.bufferBeforeMinutes,
      bufferAfterMinutes: r.bufferAfterMinutes,
      minimumNoticeMinutes: r.minimumNoticeMinutes,
      bookingWindowDays: r.bookingWindowDays,
      scheduleTimeZone: r.timeZone,
      availability: r.availability,
      overrides,
      busy: busySpans(rangeStart - HOUR, rangeEnd + HOUR, r.busySpecs),
      now,
      rangeStart,
      rangeEnd,
    };
  });

/** Every offset change of a DST zone in ZONES between T0 and T1 (all on Sundays, local). */
const CHANGES: [zone: string, date: string][] = [
  ['America/New_York', '2026-11-01'],
  ['America/New_York', '2027-03-14'],
  ['America/Los_Angeles', '2026-11-01'],
  ['America/Los_Angeles', '2027-03-14'],
  ['America/St_Johns', '2026-11-01'],
  ['America/St_Johns', '2027-03-14'],
  ['America/Havana', '2026-11-01'], // 01:00 -> 00:00
  ['America/Havana', '2027-03-14'], // 00:00 -> 01:00
  ['America/Santiago', '2026-09-06'], // 00:00 -> 01:00
  ['America/Santiago', '2027-04-04'], // Saturday 24:00 -> 23:00
  ['Europe/Berlin', '2026-10-25'],
  ['Europe/Berlin', '2027-03-28'],
  ['Europe/London', '2026-10-25'],
  ['Europe/London', '2027-03-28'],
  ['Australia/Lord_Howe', '2026-10-04'],
  ['Australia/Lord_Howe', '2027-04-04'],
  ['Pacific/Chatham', '2026-09-27'], // 02:45 -> 03:45
  ['Pacific/Chatham', '2027-04-04'], // 03:45 -> 02:45
];

const rangeWithin = (low: number, high: number) =>
  fc
    .tuple(fc.integer({ min: low, max: high }), fc.oneof(fc.integer({ min: low, max: high }), fc.constant(high)))
    .map(([a, b]) => ({ startTime: hhmm(Math.min(a, b)), endTime: hhmm(a === b ? 1440 : Math.max(a, b)) }));

/**
 * Hours placed on the Saturday evening and Sunday morning of an offset change, so range
 * starts and ends land in gaps and repeated hours and chain across the midnight between.
 */
const aroundChange: fc.Arbitrary<SlotInput> = fc
  .record({
    change: fc.constantFrom(...CHANGES),
    saturday: fc.array(rangeWithin(1200, 1440), { maxLength: 2 }),
    sunday: fc.array(fc.oneof(rangeWithin(0, 300), rangeWithin(0, 1440)), { minLength: 1, maxLength: 3 }),
    sundayOverride: fc.option(fc.oneof(rangeWithin(0, 300), fc.constant(null)), { nil: undefined }),
    durationMinutes: fc.integer({ min: 1, max: 120 }),
    interval: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 60 })),
    bufferBeforeMinutes: fc.integer({ min: 0, max: 30 }),
    bufferAfterMinutes: fc.integer({ min: 0, max: 30 }),
    rangeStartMinutes: fc.integer({ min: 0, max: 1440 }),
    rangeLengthMinutes: fc.integer({ min: 60, max: 4 * 1440 }),
    busySpecs: fc.array(busySpec, { maxLength: 6 }),
  })
  .map((r): SlotInput => {
    const [zone, date] = r.change;
    const rangeStart = Date.parse(date) - 2 * DAY + r.rangeStartMinutes * MIN;
    const rangeEnd = rangeStart + r.rangeLengthMinutes * MIN;
    const overrides: DateOverride[] =
      r.sundayOverride === undefined
        ? []
        : [{ date, startTime: r.sundayOverride?.startTime ?? null, endTime: r.sundayOverride?.endTime ?? null }];
    return {
      durationMinutes: r.durationMinutes,
      slotIntervalMinutes: r.interval ?? r.durationMinutes,
      bufferBeforeMinutes: r.bufferBeforeMinutes,
      bufferAfterMinutes: r.bufferAfterMinutes,
      minimumNoticeMinutes: 0,
      bookingWindowDays: 60,
      scheduleTimeZone: zone,
      availability: [
        ...r.saturday.map((range) => ({ dayOfWeek: 6, ...range })),
        ...r.sunday.map((range) => ({ dayOfWeek: 0, ...range })),
      ],
      overrides,
      busy: busySpans(rangeStart, rangeEnd, r.busySpecs),
      now: Date.parse(date) - 7 * DAY,
      rangeStart,
      rangeEnd,
    };
  });

/**
 * Every day has a range from 00:00 and one to 24:00 (all day except lunch, or night shifts), so availability chains
 * across every midnight; sometimes whole-day, blocking or timed overrides break or extend the chain.
 */
const midnightEveryDay: fc.Arbitrary<SlotInput> = fc
  .record({
    base: anywhere,
    days: fc.array(
      fc
        .tuple(fc.integer({ min: 1, max: 1438 }), fc.integer({ min: 1, max: 1438 }))
        .map(([a, b]) => [Math.min(a, b), Math.max(a, b) + 1] as const),
      { minLength: 7, maxLength: 7 },
    ),
    overrideSpecs: fc.array(
      fc.record({
        dayOffset: fc.integer({ min: -12, max: 12 }),
        kind: fc.constantFrom('whole', 'blocked', 'timed'),
        range: wallRange,
      }),
      { maxLength: 6 },
    ),
  })
  .map(({ base, days, overrideSpecs }): SlotInput => {
    const firstDate = Math.floor(base.rangeStart / DAY);
    return {
      ...base,
      rangeEnd: Math.min(base.rangeEnd, base.rangeStart + 3 * DAY),
      availability: days.flatMap(([morningEnd, eveningStart], dayOfWeek) => [
        { dayOfWeek, startTime: '00:00', endTime: hhmm(morningEnd) },
        { dayOfWeek, startTime: hhmm(eveningStart), endTime: '24:00' },
      ]),
      overrides: overrideSpecs.map(({ dayOffset, kind, range }) => ({
        date: new Date((firstDate + dayOffset) * DAY).toISOString().slice(0, 10),
        startTime: kind === 'blocked' ? null : kind === 'whole' ? '00:00' : range.startTime,
        endTime: kind === 'blocked' ? null : kind === 'whole' ? '24:00' : range.endTime,
      })),
    };
  });

const scenario = fc.oneof(anywhere, aroundChange, midnightEveryDay);

const starts = (input: SlotInput): number[] => computeSlotStarts(input).map((slot) => slot.start);

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

// Bounded by numRuns; the generous limit only has to survive a machine busy with other work.
describe('slot engine properties', { timeout: 120_000 }, () => {
  it('slots are sorted, unique, in range, of the event length, and respect now, notice and window', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const slots = computeSlotStarts(input);
        const earliest = Math.max(input.now, input.now + input.minimumNoticeMinutes * MIN);
        const latest = input.now + input.bookingWindowDays * DAY;
        slots.forEach((slot, i) => {
          if (i > 0) expect(slot.start).toBeGreaterThan(slots[i - 1]!.start);
          expect(slot.end - slot.start).toBe(input.durationMinutes * MIN);
          expect(slot.start).toBeGreaterThanOrEqual(input.rangeStart);
          expect(slot.start).toBeLessThan(input.rangeEnd);
          expect(slot.start).toBeGreaterThanOrEqual(earliest);
          expect(slot.start).toBeLessThanOrEqual(latest);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it("no slot's occupied span (buffers included) overlaps a busy span, and busy is left as it was", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const before = JSON.stringify(input.busy);
        for (const start of starts(input)) expect(overlapsBusy(input, start)).toBe(false);
        expect(JSON.stringify(input.busy)).toBe(before);
      }),
      { numRuns: RUNS },
    );
  });

  it("every offered slot, read on the host's wall clock minute by minute, lies inside that date's ranges", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const slots = computeSlotStarts(input);
        if (slots.length === 0) return;
        const { firstDay, lastDay } = refWindow(input);
        const reader = refWallReader(input, firstDay, lastDay);
        for (const slot of slots) {
          // Starts may carry "now"'s milliseconds; a minute is inside when every instant of it is.
          for (let m = Math.floor(slot.start / MIN); m < Math.ceil(slot.end / MIN); m++) {
            if (!reader.inside(m)) {
              throw new Error(`slot ${new Date(slot.start).toISOString()} reads outside the hours at ${new Date(m * MIN).toISOString()}`);
            }
          }
        }
      }),
      // The DST rule's own statement: thousands of runs, cheap enough.
      { numRuns: runs(8) * RUNS },
    );
  });

  it('hours touching midnight on every day always answer, with the starts of the reference model', () => {
    fc.assert(
      fc.property(midnightEveryDay, fc.array(fc.integer({ min: -600, max: 3 * 1440 }), { maxLength: 8 }), (input, minuteOffsets) => {
        const expected = refSlotStarts(input);
        const offered = starts(input);
        if (expected !== null) expect(offered).toEqual(expected);
        for (const minutes of minuteOffsets) {
          const t = Math.floor(input.rangeStart / MIN) * MIN + minutes * MIN;
          expect(checkSlot(input, t).ok).toBe(starts({ ...input, rangeStart: t, rangeEnd: t + 1 }).length === 1);
        }
      }),
      { numRuns: runs(4) * RUNS },
    );
  });

  it('offers exactly the starts of the reference model', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const expected = refSlotStarts(input);
        fc.pre(expected !== null);
        expect(starts(input).map((t) => new Date(t).toISOString())).toEqual(expected!.map((t) => new Date(t).toISOString()));
      }),
      // The strongest check, and cheap: more runs so rare DST corners come up every time.
      { numRuns: runs(4) * RUNS },
    );
  });

  it('does not depend on how the range is cut', () => {
    fc.assert(
      fc.property(scenario, fc.double({ min: 0, max: 1, noNaN: true }), (input, cutAt) => {
        const cut = input.rangeStart + Math.floor(cutAt * Math.max(0, input.rangeEnd - input.rangeStart));
        const whole = starts(input);
        const parts = [...starts({ ...input, rangeEnd: cut }), ...starts({ ...input, rangeStart: cut })];
        expect(parts).toEqual(whole);
      }),
      { numRuns: RUNS },
    );
  });

  it('minimum notice and booking window are inclusive bounds, to the millisecond', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), (input, pick) => {
        // The starts offered when only hours, grid and busy time count.
        const open = starts({ ...input, now: input.rangeStart, minimumNoticeMinutes: 0, bookingWindowDays: 3650 });
        fc.pre(open.length > 0);
        const s = open[pick % open.length]!;
        const notice = input.minimumNoticeMinutes * MIN;
        const window = Math.max(input.bookingWindowDays * DAY, notice);
        const at = (now: number, rules: Partial<SlotInput> = {}) => ({ ...input, ...rules, now, bookingWindowDays: window / DAY });
        expect(starts(at(s - notice))).toContain(s);
        expect(checkSlot(at(s - notice), s)).toEqual({ ok: true });
        expect(starts(at(s - window))).toContain(s);
        expect(checkSlot(at(s - notice + 1), s)).toMatchObject({ ok: false, reason: notice > 0 ? 'minimum_notice' : 'in_past' });
        expect(starts(at(s - window - 1))).not.toContain(s);
        expect(checkSlot(at(s - window - 1), s)).toMatchObject({ ok: false, reason: 'booking_window' });
      }),
      { numRuns: RUNS },
    );
  });

  it('checkSlot accepts every offered start and refuses one minute later', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        for (const start of starts(input)) {
          expect(checkSlot(input, start)).toEqual({ ok: true });
          if (input.slotIntervalMinutes > 1) expect(checkSlot(input, start + MIN).ok).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('checkSlot is ok exactly for offered starts, with reasons in precedence order', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.array(fc.integer({ min: -600, max: 12 * 1440 }), { minLength: 1, maxLength: 20 }),
        (input, minuteOffsets) => {
          const base = Math.floor(input.now / MIN) * MIN;
          const candidates = minuteOffsets.map((m) => base + m * MIN);
          const from = Math.min(...candidates);
          const offered = new Set(starts({ ...input, rangeStart: from, rangeEnd: Math.max(...candidates) + 1 }));
          for (const t of candidates) {
            const result = checkSlot(input, t);
            expect(result.ok).toBe(offered.has(t));
            if (result.ok) continue;
            const expectedTimeReason =
              t < input.now
                ? 'in_past'
                : t < input.now + input.minimumNoticeMinutes * MIN
                  ? 'minimum_notice'
                  : t > input.now + input.bookingWindowDays * DAY
                    ? 'booking_window'
                    : null;
            if (expectedTimeReason) {
              expect(result.reason).toBe(expectedTimeReason);
            } else {
              expect(['outside_hours', 'off_interval', 'overlap']).toContain(result.reason);
              // Only an overlap goes away when the host's calendar is empty.
              expect(checkSlot({ ...input, busy: [] }, t).ok).toBe(result.reason === 'overlap');
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('grouped output round-trips to the same instants, keyed by local start date, with the zone offset', () => {
    fc.assert(
      fc.property(scenario, fc.constantFrom(...ZONES), (input, viewZone) => {
        const slots = computeSlotStarts(input);
        const grouped = groupSlotsByLocalDate(slots, viewZone);
        const flat = Object.entries(grouped).flatMap(([date, list]) => list.map((slot) => ({ date, ...slot })));
        expect(flat).toHaveLength(slots.length);
        flat.forEach((entry, i) => {
          const slot = slots[i]!;
          expect(entry.start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
          expect(entry.end).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
          expect(Date.parse(entry.start)).toBe(slot.start);
          expect(Date.parse(entry.end)).toBe(slot.end);
          expect(entry.start.slice(0, 10)).toBe(entry.date);
          const offset = refOffset(viewZone, slot.start);
          const sign = offset < 0 ? '-' : '+';
          const abs = Math.abs(offset) / MIN;
          expect(entry.start.slice(-6)).toBe(`${sign}${hhmm(Math.floor(abs / 60) * 60 + (abs % 60))}`);
        });
      }),
      { numRuns: RUNS },
    );
  });
});
