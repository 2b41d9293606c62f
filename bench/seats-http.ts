/**
 * Seated slots over HTTP against a real `wrangler dev` (workerd, local D1) on 127.0.0.1 only: a 31-day
 * GET /v2/slots/available for a seated event type (10 seats per slot) with partly filled and full slots, against the
 * same request for a plain event type with the same rules and bookings in the same places.
 * Run: npx tsx bench/seats-http.ts   (about a minute; bounded in requests and time; stops by itself)
 *
 * Seed: two hosts Mon-Fri 09:00-17:00 in New York, each with one event type (30 minutes, every 30 minutes, 365-day
 * window). The plain host has 20 bookings spread over the month; the seated host has seated slots at the same 20
 * places: 15 partly filled (1 to 9 seats) and 5 full (10 seats). The two requests are interleaved, one at a time, 300
 * rounds, so they see the same machine. Every request carries its own CF-Connecting-IP (the per-IP rate limits).
 * Results: a table, and bench/out/seats-http.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { hardStopAfter, interleaved, startBenchWorker } from './lib/worker';
import { summarize } from './lib/stats';

const ROUNDS = 300;
const hardStop = hardStopAfter(240_000);

const worker = await startBenchWorker();
try {
  const { api, adminToken } = worker;
  const slotsOf = async <T>(path: string) => Object.values((await api(path, null)).slots as Record<string, T[]>).flat();
  const hosts: { id: number }[] = [];
  for (const i of [0, 1]) {
    hosts.push(await api('/v2/users', adminToken, { email: `host${i}@bench.dev`, name: `Host ${i}`, password: 'bench-host-password', timezone: 'America/New_York' }));
  }
  const rules = { duration_minutes: 30, booking_window_days: 365 };
  const plain = (await api('/v2/event-types', adminToken, { ...rules, owner_id: hosts[0]!.id, title: 'Plain', slug: 'plain' })).id as number;
  const seated = (await api('/v2/event-types', adminToken, { ...rules, owner_id: hosts[1]!.id, title: 'Seated', slug: 'seated', seats_per_time_slot: 10 })).id as number;

  const monthStart = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10) + 'T00:00:00Z';
  const monthEnd = new Date(Date.parse(monthStart) + 31 * 86_400_000).toISOString();
  const range = `start_time=${monthStart}&end_time=${monthEnd}`;
  const PLAIN = 'plain event type, 20 bookings';
  const SEATED = 'seated (10 seats), 15 partly filled + 5 full';
  const paths = {
    [PLAIN]: `/v2/slots/available?event_type_id=${plain}&${range}`,
    [SEATED]: `/v2/slots/available?event_type_id=${seated}&${range}`,
  };
  const offered = await slotsOf<{ start: string }>(paths[PLAIN]);
  let seatsTaken = 0;
  for (let k = 0; k < 20; k++) {
    const slot = offered[Math.floor((k * offered.length) / 20)]!;
    await api('/v2/bookings', null, { event_type_id: plain, start: slot.start, attendee: { name: `Guest ${k}`, email: `p-${k}@bench.dev`, timezone: 'UTC' } });
    const seats = k < 15 ? 1 + (k % 9) : 10;
    for (let s = 0; s < seats; s++) {
      await api('/v2/bookings', null, { event_type_id: seated, start: slot.start, attendee: { name: `Guest ${k}.${s}`, email: `s-${k}-${s}@bench.dev`, timezone: 'UTC' } });
      seatsTaken++;
    }
  }
  const seatedSlots = await slotsOf<{ seats_booked?: number }>(paths[SEATED]);
  const seeded = { seats: seatsTaken, plainSlots: (await slotsOf(paths[PLAIN])).length, seatedSlots: seatedSlots.length, partlyBooked: seatedSlots.filter((s) => s.seats_booked).length };
  console.log(`seeded: ${JSON.stringify(seeded)}`);

  const { samples, statuses } = await interleaved(worker, paths, ROUNDS);
  const base = summarize(samples[PLAIN]!).median;
  const rows = Object.entries(samples).map(([name, ms]) => {
    const s = summarize(ms);
    return { case: name, 'median ms': s.median.toFixed(2), 'p95 ms': s.p95.toFixed(2), '÷ plain': (s.median / base).toFixed(2) };
  });
  console.table(rows);
  console.log(`statuses: ${JSON.stringify(statuses)}`);
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/seats-http.json', JSON.stringify({ at: new Date().toISOString(), seeded, rows, statuses }, null, 2));
} finally {
  await worker.stop();
  clearTimeout(hardStop);
}
process.exit(0);
