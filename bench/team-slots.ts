/**
 * Team slots benchmark: what GET /v2/slots/available computes for a 31-day range of a team event type with 5 hosts,
 * against the same for one host, without I/O (both are one D1 statement; this measures the CPU side).
 * Run: npx tsx bench/team-slots.ts
 *
 * Hosts Mon-Fri 09:00-17:00 in New York, Berlin, London, Chicago and New York, 100 busy spans of 30-60 minutes each
 * in the month; 30-minute event every 30 minutes; March 2027 (both DST changes); output grouped in UTC.
 * Cases: one host (the personal path: computeSlotStarts + grouping), a collective over the 5 hosts, a round robin over
 * the 5 (computeTeamSlots: 5 x the engine + the set algebra + grouping).
 */
import type { EventType } from '../src/db/schema';
import { computeSlotStarts, groupSlotsByLocalDate, type BusySpan } from '../src/slots/engine';
import { computeTeamSlots, hostRules } from '../src/teams/slots';
import type { TeamHost, TeamSlotContext } from '../src/teams/context';
import { summarize } from './lib/stats';
import { mulberry32 } from './lib/random';

const WARMUP = 100;
const ITERATIONS = 300;
const FROM = Date.parse('2027-03-01T00:00:00Z');
const TO = Date.parse('2027-04-01T00:00:00Z');
const NOW = Date.parse('2027-02-27T00:00:00Z');
const MINUTE = 60_000;

function busy(count: number, seed: number): BusySpan[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const start = FROM + Math.floor(random() * ((TO - FROM) / MINUTE)) * MINUTE;
    return { start, end: start + (30 + Math.floor(random() * 31)) * MINUTE };
  });
}

const ZONES = ['America/New_York', 'Europe/Berlin', 'Europe/London', 'America/Chicago', 'America/New_York'];
const hosts: TeamHost[] = ZONES.map((zone, i) => ({
  id: i + 1,
  userId: i + 1,
  name: `Host ${i + 1}`,
  email: `h${i + 1}@example.com`,
  timezone: zone,
  username: null,
  isFixed: false,
  priority: 2,
  weight: 100,
  bookings: 0,
  lastBookedAt: null,
  scheduleTimeZone: zone,
  availability: [1, 2, 3, 4, 5].map((dayOfWeek) => ({ dayOfWeek, startTime: '09:00', endTime: '17:00' })),
  overrides: [],
  busy: busy(100, i + 1),
  externalBusy: [],
}));

const eventType = {
  id: 1,
  durationMinutes: 30,
  slotIntervalMinutes: null,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  minimumNoticeHours: 0,
  bookingWindowDays: 365,
  distribution: 'maximize_availability',
  weightsEnabled: false,
} as unknown as EventType;

const ctx = (schedulingType: 'collective' | 'round_robin', list: TeamHost[]): TeamSlotContext => ({
  eventType: { ...eventType, schedulingType },
  team: { id: 1, slug: 'bench', name: 'Bench' },
  counted: [],
  hosts: list.map((h) => ({ ...h, isFixed: schedulingType === 'collective' })),
});

function time(label: string, run: () => number) {
  for (let i = 0; i < WARMUP; i++) run();
  const samples: number[] = [];
  let slots = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = performance.now();
    slots = run();
    samples.push(performance.now() - t0);
  }
  const s = summarize(samples);
  return { label, slots, median: s.median, p95: s.p95 };
}

const single = ctx('collective', hosts.slice(0, 1));
const results = [
  time('1 host (personal path)', () => {
    const rules = hostRules(single, single.hosts[0]!, NOW)!;
    const slots = computeSlotStarts({ ...rules, rangeStart: FROM, rangeEnd: TO });
    groupSlotsByLocalDate(slots, 'UTC');
    return slots.length;
  }),
  time('5 hosts, collective', () => {
    const { slots } = computeTeamSlots(ctx('collective', hosts), { from: FROM, to: TO }, NOW);
    groupSlotsByLocalDate(slots, 'UTC');
    return slots.length;
  }),
  time('5 hosts, round robin', () => {
    const { slots } = computeTeamSlots(ctx('round_robin', hosts), { from: FROM, to: TO }, NOW);
    groupSlotsByLocalDate(slots, 'UTC');
    return slots.length;
  }),
];
const base = results[0]!.median;
console.log('| case | slots | median ms | p95 ms | ÷ 1 host |');
console.log('|---|---:|---:|---:|---:|');
for (const r of results) console.log(`| ${r.label} | ${r.slots} | ${r.median.toFixed(3)} | ${r.p95.toFixed(3)} | ${(r.median / base).toFixed(2)} |`);
