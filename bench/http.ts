/**
 * HTTP benchmark against a real `wrangler dev` (workerd, local D1, Durable Objects, Queues) on 127.0.0.1 only.
 * Run: npx tsx bench/http.ts            (about a minute; bounded in requests and in time; stops by itself)
 *
 * It starts its own `wrangler dev` on a free port of 127.0.0.1 with a throwaway state directory (scripts/lib/processes.ts), seeds a super admin and 100 hosts,
 * then measures, in one run so the figures can be divided by each other:
 *   - GET /health (no I/O): the baseline;
 *   - a 31-day GET /v2/slots/available for a New York host viewed from Berlin;
 *   - POST /v2/bookings spread over 100 hosts, and all on one host (the serialized path);
 *   - 100 parallel POSTs for one slot (exactly one may win);
 *   - a booking through a slot reservation (POST /v2/slots/reservations, then POST /v2/bookings with reservation_uid)
 *     against a plain booking, one request at a time.
 * Every request carries its own CF-Connecting-IP: the per-IP rate limits would otherwise stop a load test from one
 * address (this measures many clients, not one abusive one).
 * Results are printed as a table and written to bench/out/http.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { hardStopAfter, nextIp, startBenchWorker } from './lib/worker';
import { summarize, type Summary } from './lib/stats';

const HARD_DEADLINE_MS = 240_000;
const HOSTS = 100;
const startedAt = Date.now();

const hardStop = hardStopAfter(HARD_DEADLINE_MS);

interface Timed {
  status: number;
  ms: number;
}

async function timedFetch(path: string, init?: RequestInit): Promise<Timed> {
  const headers = new Headers(init?.headers);
  if (!headers.has('cf-connecting-ip')) headers.set('cf-connecting-ip', nextIp());
  const t0 = performance.now();
  const res = await fetch(`${BASE}${path}`, { ...init, headers });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t0 };
}

/** Runs `count` requests with at most `concurrency` in flight, stopping early at `deadlineMs`. */
async function load(count: number, concurrency: number, deadlineMs: number, request: (i: number) => Promise<Timed>) {
  const results: Timed[] = [];
  let next = 0;
  const t0 = performance.now();
  const stopAt = Date.now() + deadlineMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count && Date.now() < stopAt) results.push(await request(next++));
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { results, seconds };
}

interface Phase {
  name: string;
  summary: Summary;
  perSecond: number;
  statuses: Record<number, number>;
}

function phase(name: string, run: { results: Timed[]; seconds: number }): Phase {
  const statuses: Record<number, number> = {};
  for (const r of run.results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  return { name, summary: summarize(run.results.map((r) => r.ms)), perSecond: run.results.length / run.seconds, statuses };
}

/** Weekdays from `from` on, as YYYY-MM-DD (hosts work Mon-Fri). */
function weekdays(from: Date, count: number): string[] {
  const out: string[] = [];
  for (const d = new Date(from); out.length < count; d.setUTCDate(d.getUTCDate() + 1)) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

const server = await startBenchWorker();
const { api, adminToken } = server;
const BASE = server.base;

try {
  // Seed: 100 hosts (UTC, Mon-Fri 09:00-17:00), each with a 30-minute event type bookable a year ahead,
  // plus a New York host for the slots measurement.
  const eventTypeIds: number[] = [];
  for (let i = 0; i < HOSTS; i++) {
    const user = await api('/v2/users', adminToken, { email: `host${i}@bench.dev`, name: `Host ${i}`, password: 'bench-host-password' });
    const et = await api('/v2/event-types', adminToken, { owner_id: user.id, title: 'Bench', slug: 'bench', duration_minutes: 30, booking_window_days: 365 });
    eventTypeIds.push(et.id);
  }
  const nyHost = await api('/v2/users', adminToken, { email: 'ny@bench.dev', name: 'NY', password: 'bench-host-password', timezone: 'America/New_York' });
  const nyType = await api('/v2/event-types', adminToken, {
    owner_id: nyHost.id, title: 'Slots', slug: 'slots', duration_minutes: 30, slot_interval_minutes: 15, booking_window_days: 365,
  });

  const days = weekdays(new Date(Date.now() + 7 * 86_400_000), 60);
  const slotStarts = days.flatMap((d) => Array.from({ length: 16 }, (_, k) => `${d}T${String(9 + Math.floor(k / 2)).padStart(2, '0')}:${k % 2 ? '30' : '00'}:00Z`));
  const bookingBody = (eventTypeId: number, start: string, i: number) =>
    JSON.stringify({ event_type_id: eventTypeId, start, attendee: { name: `Guest ${i}`, email: `guest${i}@bench.dev`, timezone: 'Europe/Berlin' } });
  const post = (body: string) => timedFetch('/v2/bookings', { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  const monthStart = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10) + 'T00:00:00Z';
  const monthEnd = new Date(Date.parse(monthStart) + 31 * 86_400_000).toISOString();
  const slotsPath = `/v2/slots/available?event_type_id=${nyType.id}&start_time=${monthStart}&end_time=${monthEnd}&timezone=Europe/Berlin`;

  // Warm up both paths so the first measured request does not pay for compilation.
  await load(50, 4, 10_000, () => timedFetch('/health'));
  await load(20, 4, 10_000, () => timedFetch(slotsPath));

  const phases: Phase[] = [];
  // Latency without queueing: one request at a time, health and slots interleaved so both see the same machine.
  // The 1-day query has the same D1 read and almost no output: the gap to 31 days is slot computation and JSON.
  const oneDayPath = slotsPath.replace(`end_time=${monthEnd}`, `end_time=${new Date(Date.parse(monthStart) + 86_400_000).toISOString()}`);
  const sequential: Record<'health' | 'slots' | 'oneDay', Timed[]> = { health: [], slots: [], oneDay: [] };
  for (let i = 0; i < 300; i++) {
    sequential.health.push(await timedFetch('/health'));
    sequential.slots.push(await timedFetch(slotsPath));
    sequential.oneDay.push(await timedFetch(oneDayPath));
  }
  const sequentialPhase = (name: string, results: Timed[]) => phase(name, { results, seconds: results.reduce((s, r) => s + r.ms, 0) / 1000 });
  phases.push(sequentialPhase('GET /health, sequential', sequential.health));
  phases.push(sequentialPhase('GET /v2/slots/available (31 days), sequential', sequential.slots));
  phases.push(sequentialPhase('GET /v2/slots/available (1 day), sequential', sequential.oneDay));
  // Throughput under load: 8 in flight.
  phases.push(phase('GET /health, 8 in flight', await load(1000, 8, 20_000, () => timedFetch('/health'))));
  phases.push(phase('GET /v2/slots/available (31 days), 8 in flight', await load(500, 8, 30_000, () => timedFetch(slotsPath))));
  // Spread: request i goes to host i % 100, slot floor(i / 100): every request targets a free slot.
  phases.push(
    phase('POST /v2/bookings, 100 hosts', await load(2000, 16, 40_000, (i) => post(bookingBody(eventTypeIds[i % HOSTS]!, slotStarts[Math.floor(i / HOSTS)]!, i)))),
  );
  // One host: every request serializes through the same HostCalendar object; each targets its own free slot.
  const oneHost = eventTypeIds[HOSTS - 1]!;
  const oneHostSlots = slotStarts.slice(Math.ceil(2000 / HOSTS) + 1);
  phases.push(
    phase('POST /v2/bookings, 1 host', await load(Math.min(600, oneHostSlots.length), 16, 40_000, (i) => post(bookingBody(oneHost, oneHostSlots[i]!, i)))),
  );
  // A booking through a hold vs a plain booking, interleaved one at a time so both see the same machine. Hosts 0-98,
  // slots past those the phases above used; every request is a new client (the per-client hold cap is 3).
  const holdHosts = HOSTS - 1;
  const held: Record<'plain' | 'reserve' | 'withHold' | 'total', Timed[]> = { plain: [], reserve: [], withHold: [], total: [] };
  const json = { 'content-type': 'application/json' };
  for (let i = 0; i < 300; i++) {
    const host = eventTypeIds[i % holdHosts]!;
    held.plain.push(await post(bookingBody(host, slotStarts[100 + Math.floor(i / holdHosts)]!, 10_000 + i)));
    const start = slotStarts[200 + Math.floor(i / holdHosts)]!;
    const ip = nextIp();
    const t0 = performance.now();
    const res = await fetch(`${BASE}/v2/slots/reservations`, {
      method: 'POST',
      headers: { ...json, 'cf-connecting-ip': ip },
      body: JSON.stringify({ event_type_id: host, slot_start: start }),
    });
    const hold = (await res.json()) as { uid: string };
    const reserved = { status: res.status, ms: performance.now() - t0 };
    held.reserve.push(reserved);
    const body = JSON.stringify({ ...JSON.parse(bookingBody(host, start, 20_000 + i)), reservation_uid: hold.uid });
    const booked = await timedFetch('/v2/bookings', { method: 'POST', headers: { ...json, 'cf-connecting-ip': ip }, body });
    held.withHold.push(booked);
    held.total.push({ status: booked.status, ms: reserved.ms + booked.ms });
  }
  phases.push(sequentialPhase('POST /v2/bookings (no hold), sequential', held.plain));
  phases.push(sequentialPhase('POST /v2/slots/reservations, sequential', held.reserve));
  phases.push(sequentialPhase('POST /v2/bookings with reservation_uid, sequential', held.withHold));
  phases.push(sequentialPhase('hold + booking (sum of the two), sequential', held.total));
  phases.push(phase('GET /health, 8 in flight (again)', await load(1000, 8, 20_000, () => timedFetch('/health'))));
  // Contention: 100 requests at once for one slot of a fresh host's event type.
  const contended = eventTypeIds[0]!;
  const contendedSlot = slotStarts[slotStarts.length - 1]!;
  const race = await Promise.all(Array.from({ length: 100 }, (_, i) => post(bookingBody(contended, contendedSlot, i))));
  phases.push(phase('100 parallel POSTs, one slot', { results: race, seconds: 1 }));

  // Each phase is divided by the health median measured the same way (sequential or 8 in flight).
  const healthOf = (p: Phase) => (p.name.includes('sequential') ? phases[0]! : phases[3]!).summary.median;
  const rows = phases.map((p) => ({
    phase: p.name,
    requests: p.summary.count,
    'req/s': p.name.startsWith('100 parallel') ? '-' : p.perSecond.toFixed(0),
    'median ms': p.summary.median.toFixed(2),
    'p99 ms': p.summary.p99.toFixed(2),
    '÷ health median': (p.summary.median / healthOf(p)).toFixed(2),
    statuses: Object.entries(p.statuses).map(([s, n]) => `${s}×${n}`).join(' '),
  }));
  console.table(rows);
  const fiveHundreds = phases.reduce((n, p) => n + Object.entries(p.statuses).filter(([s]) => Number(s) >= 500).reduce((m, [, c]) => m + c, 0), 0);
  console.log(`5xx responses: ${fiveHundreds}; contention winners: ${phases.at(-1)!.statuses[201] ?? 0}; total ${(Date.now() - startedAt) / 1000}s`);
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/http.json', JSON.stringify({ at: new Date().toISOString(), rows, fiveHundreds }, null, 2));
} finally {
  await server.stop();
  clearTimeout(hardStop);
}
process.exit(0);
