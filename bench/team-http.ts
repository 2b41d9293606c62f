/**
 * Team slots over HTTP against a real `wrangler dev` (workerd, local D1) on 127.0.0.1 only: a 31-day
 * GET /v2/slots/available for a team event type with 5 hosts, against the same request for one host's personal event
 * type. Run: npx tsx bench/team-http.ts   (about a minute; bounded in requests and time; stops by itself)
 *
 * Seed: 5 hosts Mon-Fri 09:00-17:00 in New York, Berlin, London, Chicago and UTC, each with 20 bookings in the month;
 * a team with all five; a collective and a round-robin event type over them; host 1's personal event type with the
 * same rules (30 minutes, every 30 minutes). The three requests are interleaved, one at a time, 300 rounds, so they
 * see the same machine. Results: a table, and bench/out/team-http.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { hardStopAfter, interleaved, startBenchWorker } from './lib/worker';
import { summarize } from './lib/stats';

const ROUNDS = 300;
const hardStop = hardStopAfter(240_000);

const worker = await startBenchWorker();
const { api, adminToken } = worker;
const now = Date.now();

try {
  const zones = ['America/New_York', 'Europe/Berlin', 'Europe/London', 'America/Chicago', 'UTC'];
  const hosts: { id: number }[] = [];
  for (const [i, timezone] of zones.entries()) {
    hosts.push(await api('/v2/users', adminToken, { email: `host${i}@bench.dev`, name: `Host ${i}`, password: 'bench-host-password', timezone }));
  }
  const team = await api('/v2/teams', adminToken, { name: 'Bench', slug: 'bench-team' });
  for (const h of hosts) await api(`/v2/teams/${team.id}/members`, adminToken, { user_id: h.id });
  const rules = { duration_minutes: 30, booking_window_days: 365 };
  const hostList = hosts.map((h) => ({ user_id: h.id }));
  const collective = await api(`/v2/teams/${team.id}/event-types`, adminToken, { ...rules, title: 'Collective', slug: 'collective', scheduling_type: 'collective', hosts: hostList });
  const roundRobin = await api(`/v2/teams/${team.id}/event-types`, adminToken, { ...rules, title: 'Round robin', slug: 'round-robin', scheduling_type: 'round_robin', hosts: hostList });
  const personal = hosts.map(() => 0);
  for (const [i, h] of hosts.entries()) personal[i] = (await api('/v2/event-types', adminToken, { ...rules, owner_id: h.id, title: 'Personal', slug: 'personal' })).id;

  const monthStart = new Date(now + 7 * 86_400_000).toISOString().slice(0, 10) + 'T00:00:00Z';
  const monthEnd = new Date(Date.parse(monthStart) + 31 * 86_400_000).toISOString();
  const range = `start_time=${monthStart}&end_time=${monthEnd}`;
  // 20 personal bookings per host, on its own first offered slots spread over the month.
  for (const [i] of hosts.entries()) {
    const offered = Object.values((await api(`/v2/slots/available?event_type_id=${personal[i]}&${range}`, null)).slots as Record<string, { start: string }[]>).flat();
    for (let k = 0; k < 20; k++) {
      const slot = offered[Math.floor((k * offered.length) / 20)]!;
      await api('/v2/bookings', null, { event_type_id: personal[i], start: slot.start, attendee: { name: `Guest ${k}`, email: `g${i}-${k}@bench.dev`, timezone: 'UTC' } });
    }
  }

  const paths = {
    '1 host (personal event type)': `/v2/slots/available?event_type_id=${personal[0]}&${range}`,
    '5 hosts, collective': `/v2/slots/available?event_type_id=${collective.id}&${range}`,
    '5 hosts, round robin': `/v2/slots/available?event_type_id=${roundRobin.id}&${range}`,
  };
  const { samples, statuses } = await interleaved(worker, paths, ROUNDS);
  const base = summarize(samples['1 host (personal event type)']!).median;
  const rows = Object.entries(samples).map(([name, ms]) => {
    const s = summarize(ms);
    return { case: name, 'median ms': s.median.toFixed(2), 'p95 ms': s.p95.toFixed(2), '÷ 1 host': (s.median / base).toFixed(2) };
  });
  console.table(rows);
  console.log(`statuses: ${JSON.stringify(statuses)}`);
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/team-http.json', JSON.stringify({ at: new Date().toISOString(), rows, statuses }, null, 2));
} finally {
  await worker.stop();
  clearTimeout(hardStop);
}
process.exit(0);
