/**
 * What booking limits, "first slot of the day only" and a recurring series cost the slot computation of one month,
 * against the plain case (issue #16). No I/O: the same pure code GET /v2/slots/available runs after its one read.
 * Run: npx tsx bench/slots-limits.ts
 *
 * Host in America/New_York, Mon-Fri 09:00-17:00; March 2027 grouped in Europe/Berlin; 30-minute event every 15
 * minutes; 500 busy spans of which 150 are this event type's bookings (they count against its limits), spread over
 * February to April (the counted read reaches a period around the range). Cases are run in turn, each round in the
 * same order, and the median of every case's per-round medians is reported.
 */
import { seriesSlots } from '../src/bookings/series';
import type { EventType } from '../src/db/schema';
import { computeSlotStarts, groupSlotsByLocalDate, type BusySpan } from '../src/slots/engine';
import { slotRules, type SlotContext } from '../src/slots/context';
import type { CountedBooking } from '../src/slots/limits';
import { mulberry32 } from './lib/random';

const ROUNDS = 5;
const WARMUP = 100;
const MEASURED = 100;
const RANGE_START = Date.parse('2027-03-01T00:00:00Z');
const RANGE_END = Date.parse('2027-04-01T00:00:00Z');
const MINUTE = 60_000;
const NOW = RANGE_START;

const random = mulberry32(16);
const from = RANGE_START - 28 * 86_400_000;
const span = RANGE_END + 28 * 86_400_000 - from;
const busy: BusySpan[] = [];
const counted: CountedBooking[] = [];
for (let i = 0; i < 500; i++) {
  const start = from + Math.floor((random() * span) / MINUTE) * MINUTE;
  const minutes = i < 150 ? 30 : 30 + Math.floor(random() * 31);
  busy.push({ start, end: start + minutes * MINUTE });
  if (i < 150) counted.push({ start, minutes });
}

const BASE: EventType = {
  id: 1, ownerId: 1, scheduleId: 1, title: 'Bench', slug: 'bench', description: null, durationMinutes: 30, bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0, minimumNoticeHours: 0, slotIntervalMinutes: 15, bookingWindowDays: 365, locationType: null, locationValue: null,
  requiresConfirmation: false, emailNotifications: true, isActive: true, bookingFields: null, bookingLimitsCount: null,
  bookingLimitsDuration: null, onlyShowFirstAvailableSlot: false, maxActiveBookingsPerBooker: null, recurringEvent: null, seatsPerTimeSlot: null, seatsShowAttendees: false, seatsShowAvailabilityCount: true, teamId: null,
  schedulingType: null, assignAllTeamMembers: false, distribution: 'maximize_availability', weightsEnabled: false, countingPeriod: 'month', price: null, currency: null, paymentDeadlineMinutes: 30, refundPolicy: null, generateMeetingLink: false,
  createdAt: 0, updatedAt: 0,
};

function context(et: Partial<EventType>): SlotContext {
  return {
    eventType: { ...BASE, ...et },
    host: { id: 1, name: 'Host', email: 'host@example.com', timezone: 'America/New_York', username: 'host' },
    scheduleTimeZone: 'America/New_York',
    availability: [1, 2, 3, 4, 5].map((dayOfWeek) => ({ dayOfWeek, startTime: '09:00', endTime: '17:00' })),
    overrides: [],
    busy,
    externalBusy: [],
    counted: et.bookingLimitsCount || et.bookingLimitsDuration ? counted : [],
    seated: [],
  };
}

function month(ctx: SlotContext, recurrenceCount?: number): number {
  let slots = computeSlotStarts({ ...slotRules(ctx, NOW), rangeStart: RANGE_START, rangeEnd: RANGE_END });
  if (recurrenceCount) slots = seriesSlots(ctx, NOW, slots, recurrenceCount);
  const grouped = groupSlotsByLocalDate(slots, 'Europe/Berlin');
  let n = 0;
  for (const day of Object.values(grouped)) n += day.length;
  return n;
}

const cases: { name: string; run: () => number }[] = [
  { name: 'plain', run: () => month(context({})) },
  { name: 'count limits day 6 / week 20 / month 60', run: () => month(context({ bookingLimitsCount: { day: 6, week: 20, month: 60 } })) },
  { name: 'count + duration limits (week 600 min, year 10000 min)', run: () => month(context({ bookingLimitsCount: { day: 6, week: 20, month: 60 }, bookingLimitsDuration: { week: 600, year: 10_000 } })) },
  { name: 'only the first slot of each day', run: () => month(context({ onlyShowFirstAvailableSlot: true })) },
  { name: 'limits + first slot of each day', run: () => month(context({ bookingLimitsCount: { day: 6, week: 20, month: 60 }, onlyShowFirstAvailableSlot: true })) },
  { name: 'recurrence_count=4 (weekly series)', run: () => month(context({ recurringEvent: { freq: 'weekly', interval: 1, count: 4 } }), 4) },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const perRound = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const slotCounts = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  for (const c of cases) {
    for (let i = 0; i < WARMUP; i++) c.run();
    const samples: number[] = [];
    for (let i = 0; i < MEASURED; i++) {
      const started = performance.now();
      slotCounts.set(c.name, c.run());
      samples.push(performance.now() - started);
    }
    perRound.get(c.name)!.push(median(samples));
  }
}

const plain = median(perRound.get('plain')!);
console.log(`slots of one month, ${ROUNDS} rounds x ${MEASURED} iterations (after ${WARMUP} warm-up each), node ${process.version}`);
console.log('| case | slots | median ms | ÷ plain |');
console.log('|---|---:|---:|---:|');
for (const c of cases) {
  const m = median(perRound.get(c.name)!);
  console.log(`| ${c.name} | ${slotCounts.get(c.name)} | ${m.toFixed(3)} | ${(m / plain).toFixed(2)} |`);
}
