/**
 * What booking limits, first-slot-only, recurring series and seats cost the slots endpoint over HTTP, against the plain
 * case, on a real `wrangler dev` (workerd, local D1) on 127.0.0.1 only. Run: npx tsx bench/slots-features-http.ts
 * (about a minute; bounded in requests and time; stops by itself).
 *
 * One New York host per case (Mon-Fri 09:00-17:00) with a 30-minute event type with the same rules, each with 20 of its
 * own bookings spread over the month (the seated one: 3 seats in each of 20 slots). Each case asks for the same
 * 31 days viewed from Berlin; the cases and GET /health (the no-op baseline) are interleaved one request at a time,
 * 300 rounds, so they see the same machine. Results: a table, and bench/out/slots-features-http.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { hardStopAfter, interleaved, startBenchWorker } from './lib/worker';
import { summarize } from './lib/stats';

const ROUNDS = 300;
const hardStop = hardStopAfter(240_000);

const worker = await startBenchWorker();
try {
  const { api, adminToken } = worker;
  const base = { duration_minutes: 30, booking_window_days: 365 };
  const variants: Record<string, { body: Record<string, unknown>; query?: string; seats?: number }> = {
    plain: { body: {} },
    'count limits day 6 / week 20 / month 60 + duration week 600 min': {
      body: { booking_limits_count: { day: 6, week: 20, month: 60 }, booking_limits_duration: { week: 600 } },
    },
    'only the first slot of each day': { body: { only_show_first_available_slot: true } },
    'recurring weekly x4, recurrence_count=4': { body: { recurring_event: { freq: 'weekly', interval: 1, count: 4 } }, query: '&recurrence_count=4' },
    'seats: 10 per slot, 20 slots with 3 taken': { body: { seats_per_time_slot: 10 }, seats: 3 },
  };
  const now = Date.now();
  const monthStart = new Date(now + 7 * 86_400_000).toISOString().slice(0, 10) + 'T00:00:00Z';
  const monthEnd = new Date(Date.parse(monthStart) + 31 * 86_400_000).toISOString();
  const range = `start_time=${monthStart}&end_time=${monthEnd}&timezone=Europe/Berlin`;
  const paths: Record<string, string> = { 'GET /health (baseline)': '/health' };
  const skipped: string[] = [];
  const bookedPerCase: Record<string, number> = {};
  for (const [i, [name, v]] of Object.entries(variants).entries()) {
    // A host per case, so one case's bookings do not take another's times.
    const host = await api('/v2/users', adminToken, { email: `ny${i}@bench.dev`, name: `NY ${i}`, password: 'bench-host-password', timezone: 'America/New_York' });
    let et;
    try {
      et = await api('/v2/event-types', adminToken, { ...base, ...v.body, owner_id: host.id, title: name.slice(0, 60), slug: `case-${i}` });
    } catch (error) {
      // A feature this build does not have yet (the 400 names the unknown field): leave its case out.
      skipped.push(`${name}: ${String(error).slice(0, 160)}`);
      continue;
    }
    const offered = Object.values((await api(`/v2/slots/available?event_type_id=${et.id}&${range}`, null)).slots as Record<string, { start: string }[]>).flat();
    // Bookings spread over the month, from the first half of the offered starts (a series reaches 3 weeks further).
    // A start the case's own rules refuse by now (a limit reached, first-slot-only moving on) is simply skipped.
    let booked = 0;
    for (let k = 0; k < 20; k++) {
      const slot = offered[Math.floor((k * offered.length) / 40)]!;
      for (let seat = 0; seat < (v.seats ?? 1); seat++) {
        const attendee = { name: `Guest ${k}`, email: `g${i}-${k}-${seat}@bench.dev`, timezone: 'UTC' };
        booked += await api('/v2/bookings', null, { event_type_id: et.id, start: slot.start, attendee, ...(v.query ? { recurrence_count: 1 } : {}) }).then(
          () => 1,
          () => 0,
        );
      }
    }
    bookedPerCase[name] = booked;
    paths[name] = `/v2/slots/available?event_type_id=${et.id}&${range}${v.query ?? ''}`;
  }
  const { samples, statuses } = await interleaved(worker, paths, ROUNDS);
  const health = summarize(samples['GET /health (baseline)']!).median;
  const plain = summarize(samples.plain!).median;
  const rows = Object.entries(samples).map(([name, ms]) => {
    const s = summarize(ms);
    return { case: name, 'median ms': s.median.toFixed(2), 'p95 ms': s.p95.toFixed(2), '÷ /health': (s.median / health).toFixed(2), '÷ plain': (s.median / plain).toFixed(2) };
  });
  console.table(rows);
  console.log(`statuses: ${JSON.stringify(statuses)}`);
  console.log(`bookings made per case: ${JSON.stringify(bookedPerCase)}`);
  if (skipped.length) console.log(`left out:\n  ${skipped.join('\n  ')}`);
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/slots-features-http.json', JSON.stringify({ at: new Date().toISOString(), rows, statuses, bookedPerCase, skipped }, null, 2));
} finally {
  await worker.stop();
  clearTimeout(hardStop);
}
process.exit(0);
