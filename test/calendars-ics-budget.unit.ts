// Recurrence rules that never yield (issue #25, item 3): ical.js's iterator loops inside one next() call for a rule
// such as FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30, so every expansion runs under a step and time budget (ics-busy.ts).
import { describe, expect, it } from 'vitest';
import { EXPANSION_BUDGET, icsBusy, type BusyOptions } from '../src/calendars/ics-busy';

const vcal = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const vevent = (uid: string, ...lines: string[]) => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT'].join('\r\n');
/** A series whose DTSTART lies before the window: only what its rule yields could block time in it. */
const runaway = (uid: string, rule: string) => vevent(uid, 'DTSTART:20260901T100000Z', 'DURATION:PT1H', `RRULE:${rule}`);
const ordinary = vevent('meeting', 'DTSTART:20261020T100000Z', 'DTEND:20261020T110000Z');
const options: BusyOptions = {
  hostTimeZone: 'UTC',
  window: { start: Date.UTC(2026, 9, 15), end: Date.UTC(2026, 11, 20) },
  includeTransparent: false,
  ownUidDomain: null,
};
const MEETING = { start: Date.UTC(2026, 9, 20, 10), end: Date.UTC(2026, 9, 20, 11) };

/** Rules that match no date at all: each loops forever inside ical.js without a budget. */
const NEVER_YIELD = [
  'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30',
  'FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=31',
  'FREQ=MINUTELY;BYMONTH=4;BYMONTHDAY=31',
  'FREQ=DAILY;BYMONTHDAY=31;BYMONTH=4,6,9,11',
];

describe('a rule that never yields', () => {
  it('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30 ends within its budget, blocks nothing, is reported, and the rest of the feed counts', () => {
    const started = Date.now();
    const result = icsBusy(vcal(runaway('feb30', 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30'), ordinary), options);
    expect(Date.now() - started).toBeLessThan(EXPANSION_BUDGET.ruleMs + 1_000);
    expect(result.spans).toEqual([MEETING]);
    expect(result.runawayRules).toBe(1);
    expect(result.budgetExhausted).toBe(false);
    expect(result.capped).toBe(false);
  });

  it('each never-yielding rule is cut on its own budget; events before and after them still count', () => {
    const feed = vcal(ordinary, ...NEVER_YIELD.map((rule, i) => runaway(`r${i}`, rule)), vevent('later', 'DTSTART:20261105T090000Z', 'DURATION:PT30M'));
    const result = icsBusy(feed, { ...options, budget: { ruleSteps: 2_000, feedSteps: 100_000 } });
    expect(result.runawayRules).toBe(NEVER_YIELD.length);
    expect(result.spans).toEqual([MEETING, { start: Date.UTC(2026, 10, 5, 9), end: Date.UTC(2026, 10, 5, 9, 30) }]);
  });

  it('a rule that yields some dates keeps them when it runs out', () => {
    // 1 and 30 November: after 30 November 2026 the next date is a year away, and the small budget runs out looking.
    const yearly = vevent('nov', 'DTSTART:20261101T100000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;BYMONTH=11;BYMONTHDAY=1,30');
    const result = icsBusy(vcal(yearly), { ...options, budget: { ruleSteps: 300 } });
    expect(result.runawayRules).toBe(1);
    expect(result.spans[0]).toEqual({ start: Date.UTC(2026, 10, 1, 10), end: Date.UTC(2026, 10, 1, 11) });
    expect(result.spans).toContainEqual({ start: Date.UTC(2026, 10, 30, 10), end: Date.UTC(2026, 10, 30, 11) });
  });

  it('the feed budget ends the expansion of further rules, which is reported; plain events still count', () => {
    const rules = Array.from({ length: 20 }, (_, i) => runaway(`many${i}`, NEVER_YIELD[i % NEVER_YIELD.length]!));
    const result = icsBusy(vcal(...rules, ordinary), { ...options, budget: { ruleSteps: 1_000, feedSteps: 5_000 } });
    expect(result.budgetExhausted).toBe(true);
    expect(result.capped).toBe(true);
    expect(result.runawayRules).toBe(20);
    expect(result.spans).toEqual([MEETING]);
  });

  it('the time budget cuts a rule whose steps are slow, where the clock moves during the work', () => {
    let clock = 0;
    const result = icsBusy(vcal(runaway('slow', NEVER_YIELD[0]!), ordinary), {
      ...options,
      budget: { ruleSteps: 10_000_000, ruleMs: 50, now: () => (clock += 1) },
    });
    expect(result.runawayRules).toBe(1);
    expect(result.spans).toEqual([MEETING]);
  });

  it('a VTIMEZONE whose rule never yields falls back to the zone its TZID names', () => {
    const zone = [
      'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
      'BEGIN:STANDARD', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'DTSTART:19961027T030000', 'RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', 'END:STANDARD',
      'BEGIN:DAYLIGHT', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'DTSTART:19810329T020000', 'RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31', 'END:DAYLIGHT',
      'END:VTIMEZONE',
    ].join('\r\n');
    const ev = vevent('berlin', 'DTSTART;TZID=Europe/Berlin:20261110T100000', 'DURATION:PT1H');
    const result = icsBusy(vcal(zone, ev), { ...options, budget: { ruleSteps: 5_000 } });
    expect(result.spans).toEqual([{ start: Date.UTC(2026, 10, 10, 9), end: Date.UTC(2026, 10, 10, 10) }]);
    expect(result.runawayRules).toBeGreaterThan(0);
  });
});
