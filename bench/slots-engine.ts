/**
 * Slot engine benchmark: what GET /v2/slots/available computes for one month, without I/O.
 * Run: npx tsx bench/slots-engine.ts
 *
 * Host in America/New_York, Mon-Fri 09:00-17:00; output grouped in Europe/Berlin (so both
 * zones change DST inside the range); March 2027; 30-minute event every 15 minutes.
 * Each case times computeSlotStarts + groupSlotsByLocalDate together. The "lunch" cases use
 * hours that touch midnight on every day (00:00-12:00 + 13:00-24:00), which once looped forever.
 */
import { computeSlotStarts, groupSlotsByLocalDate, type BusySpan, type DateOverride, type SlotInput } from '../src/slots/engine';
import { mulberry32 } from './lib/random';

const WARMUP_ITERATIONS = 200;
const MEASURED_ITERATIONS = 200;
const RANGE_START = Date.parse('2027-03-01T00:00:00Z');
const RANGE_END = Date.parse('2027-04-01T00:00:00Z');
const MINUTE = 60_000;

/** `count` spans of 30-60 minutes starting on whole minutes anywhere in the range. */
function busySpans(count: number, seed: number): BusySpan[] {
  const random = mulberry32(seed);
  const minutesInRange = (RANGE_END - RANGE_START) / MINUTE;
  return Array.from({ length: count }, () => {
    const start = RANGE_START + Math.floor(random() * minutesInRange) * MINUTE;
    return { start, end: start + (30 + Math.floor(random() * 31)) * MINUTE };
  });
}

const OVERRIDES: DateOverride[] = [
  { date: '2027-03-10', startTime: null, endTime: null },
  { date: '2027-03-15', startTime: null, endTime: null },
  { date: '2027-03-12', startTime: '10:00', endTime: '12:00' },
  { date: '2027-03-29', startTime: '10:00', endTime: '12:00' },
];

const WORKDAYS = [1, 2, 3, 4, 5].map((dayOfWeek) => ({ dayOfWeek, startTime: '09:00', endTime: '17:00' }));
const ALL_DAY_EXCEPT_LUNCH = [0, 1, 2, 3, 4, 5, 6].flatMap((dayOfWeek) => [
  { dayOfWeek, startTime: '00:00', endTime: '12:00' },
  { dayOfWeek, startTime: '13:00', endTime: '24:00' },
]);

function input(busy: BusySpan[], overrides: DateOverride[], availability = WORKDAYS, rangeEnd = RANGE_END): SlotInput {
  return {
    durationMinutes: 30,
    slotIntervalMinutes: 15,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    minimumNoticeMinutes: 0,
    bookingWindowDays: 365,
    scheduleTimeZone: 'America/New_York',
    availability,
    overrides,
    busy,
    now: RANGE_START,
    rangeStart: RANGE_START,
    rangeEnd,
  };
}

function slotsRoute(slotInput: SlotInput): { slots: number; days: number } {
  const grouped = groupSlotsByLocalDate(computeSlotStarts(slotInput), 'Europe/Berlin');
  let slots = 0;
  for (const day of Object.values(grouped)) slots += day.length;
  return { slots, days: Object.keys(grouped).length };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

interface Row {
  case: string;
  slots: number;
  days: number;
  median: number;
  p95: number;
}

function measure(name: string, slotInput: SlotInput): Row {
  let result = slotsRoute(slotInput);
  for (let i = 0; i < WARMUP_ITERATIONS; i++) result = slotsRoute(slotInput);
  const samples: number[] = [];
  for (let i = 0; i < MEASURED_ITERATIONS; i++) {
    const started = performance.now();
    result = slotsRoute(slotInput);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { case: name, ...result, median: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
}

// The first call in a fresh isolate also builds the Intl formatters for both zones.
const coldStarted = performance.now();
slotsRoute(input(busySpans(500, 542), []));
const coldMs = performance.now() - coldStarted;

const rows: Row[] = [];
for (const count of [0, 500, 5000]) {
  const busy = busySpans(count, 42 + count);
  rows.push(measure(`${count} busy`, input(busy, [])));
  rows.push(measure(`${count} busy + 4 overrides`, input(busy, OVERRIDES)));
}
rows.push(measure('lunch, 1 day', input([], [], ALL_DAY_EXCEPT_LUNCH, RANGE_START + 86_400_000)));
rows.push(measure('lunch, 1 day + 4 overrides', input([], OVERRIDES, ALL_DAY_EXCEPT_LUNCH, RANGE_START + 86_400_000)));
rows.push(measure('lunch, month, 500 busy', input(busySpans(500, 7), [], ALL_DAY_EXCEPT_LUNCH)));

const fmt = (ms: number): string => ms.toFixed(3);
console.log(`slot engine, ${MEASURED_ITERATIONS} iterations after ${WARMUP_ITERATIONS} warm-up, node ${process.version}`);
console.log('| case | slots | days | median ms | p95 ms |');
console.log('|---|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(`| ${row.case} | ${row.slots} | ${row.days} | ${fmt(row.median)} | ${fmt(row.p95)} |`);
}
console.log(`first call in a fresh process (500 busy, cold Intl formatters): ${fmt(coldMs)} ms`);
