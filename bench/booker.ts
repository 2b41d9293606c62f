/**
 * The booker page against the API for the same month: server-rendered HTML vs JSON from the same slot service.
 * Run: npx tsx bench/booker.ts     (about a minute; 4 x 300 sequential requests; a 180 s hard stop; stops by itself)
 *
 * Starts its own `wrangler dev` on a free 127.0.0.1 port with throwaway state (scripts/lib/processes.ts), seeds a New York host (username
 * bench-ny, Mon-Fri 09:00-17:00, 30-minute slots every 15 minutes), then times, interleaved one at a time so every
 * path sees the same machine:
 *   - GET /health (no I/O), the baseline;
 *   - GET /v2/slots/available for next month's Berlin-local month, in Europe/Berlin;
 *   - GET /bench-ny/slots?month=…&tz=Europe/Berlin&fmt=24h (the month view);
 *   - the same with &date= (month plus one day's times).
 *   - the day view again in Japanese and in Arabic (?lang=, issue #31);
 *   - the day view embedded (?embed=1), in English and Arabic (issue #31, session 6).
 * The host has branding on (a yellow brand colour, navy in dark, theme system: the largest stylesheet), a logo and two
 * embed origins. BENCH_BEFORE=1 seeds no logo or origins (for a checkout from before they existed; `embed=1` is then
 * an ignored parameter, so the same URLs are the "before" pages).
 * Prints a table (median, p95, ratio to the API request) and the page sizes, and the day view's size in every
 * language; writes bench/out/booker.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { hashPassword } from '../src/auth/crypto';
import { dayOfDateKey, ZoneCalendar } from '../src/lib/time';
import { provisionUserStatements } from '../src/users/provision';
import { execute } from '../scripts/lib/d1';
import { startWranglerDev } from '../scripts/lib/processes';
import { hardStopAfter } from './lib/worker';
import { summarize } from './lib/stats';

const ROUNDS = 300;
const hardStop = hardStopAfter(180_000);

// Next month, as Berlin sees it.
const d = new Date();
d.setUTCDate(1);
d.setUTCMonth(d.getUTCMonth() + 1);
const month = d.toISOString().slice(0, 7);
const [y, m] = month.split('-').map(Number) as [number, number];
const following = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
const berlin = new ZoneCalendar('Europe/Berlin');
const from = new Date(berlin.startOfLocalDay(dayOfDateKey(`${month}-01`))).toISOString();
const to = new Date(berlin.startOfLocalDay(dayOfDateKey(`${following}-01`))).toISOString();

async function seed(state: string) {
  const now = Date.now();
  const host = '(SELECT id FROM users WHERE email = ?)';
  execute(
    [
      ...provisionUserStatements(
        { email: 'ny@bench.dev', username: 'bench-ny', name: 'NY Host', role: 'user', timezone: 'America/New_York', passwordHash: await hashPassword('bench-host-password') },
        now,
      ),
      {
        sql: `INSERT INTO booking_event_types (owner_id, schedule_id, title, slug, duration_minutes, slot_interval_minutes, booking_window_days,
                created_at, updated_at)
              SELECT ${host}, s.id, 'Slots', 'slots', 30, 15, 365, ?, ? FROM booking_schedules s WHERE s.user_id = ${host} AND s.is_default = 1`,
        params: ['ny@bench.dev', now, now, 'ny@bench.dev'],
      },
      { sql: `UPDATE users SET brand_color = '#ffff00', brand_color_dark = '#000080', theme = 'system' WHERE email = ?`, params: ['ny@bench.dev'] },
      ...(process.env.BENCH_BEFORE === '1'
        ? []
        : [{ sql: `UPDATE users SET logo = ?, embed_origins = ? WHERE email = ?`, params: [`${'ab'.repeat(32)}.png`, JSON.stringify(['https://shop.example.com', 'http://127.0.0.1:8080']), 'ny@bench.dev'] }]),
    ],
    { persistTo: state },
  );
}

const server = await startWranglerDev({ seed, logLevel: 'error' });
const BASE = server.base;

async function timed(path: string): Promise<{ ms: number; status: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(`${BASE}${path}`);
  const body = await res.arrayBuffer();
  return { ms: performance.now() - t0, status: res.status, bytes: body.byteLength };
}

try {
  const types = (await (await fetch(`${BASE}/v2/event-types`)).json()) as { data: { id: number }[] };
  const id = types.data[0]!.id;
  const slots = (await (await fetch(`${BASE}/v2/slots/available?event_type_id=${id}&start_time=${from}&end_time=${to}&timezone=Europe/Berlin`)).json()) as {
    slots: Record<string, unknown[]>;
  };
  const firstDay = Object.keys(slots.slots)[0]!;
  const paths = {
    health: '/health',
    api: `/v2/slots/available?event_type_id=${id}&start_time=${from}&end_time=${to}&timezone=Europe/Berlin`,
    month: `/bench-ny/slots?month=${month}&tz=Europe/Berlin&fmt=24h`,
    day: `/bench-ny/slots?month=${month}&date=${firstDay}&tz=Europe/Berlin&fmt=24h`,
    'day ja': `/bench-ny/slots?month=${month}&date=${firstDay}&tz=Europe/Berlin&fmt=24h&lang=ja`,
    'day ar': `/bench-ny/slots?month=${month}&date=${firstDay}&tz=Europe/Berlin&fmt=24h&lang=ar`,
    'day embed': `/bench-ny/slots?month=${month}&date=${firstDay}&tz=Europe/Berlin&fmt=24h&embed=1`,
    'day ar embed': `/bench-ny/slots?month=${month}&date=${firstDay}&tz=Europe/Berlin&fmt=24h&lang=ar&embed=1`,
  };
  const samples = Object.fromEntries(Object.keys(paths).map((k) => [k, [] as { ms: number; status: number; bytes: number }[]])) as Record<
    keyof typeof paths,
    { ms: number; status: number; bytes: number }[]
  >;
  for (let i = 0; i < 30; i++) for (const p of Object.values(paths)) await timed(p); // warm-up
  for (let i = 0; i < ROUNDS; i++) for (const [k, p] of Object.entries(paths)) samples[k as keyof typeof paths].push(await timed(p));
  const api = summarize(samples.api.map((s) => s.ms));
  const health = summarize(samples.health.map((s) => s.ms));
  const rows = Object.entries(samples).map(([name, list]) => {
    const s = summarize(list.map((x) => x.ms));
    return {
      request: name,
      'median ms': s.median.toFixed(2),
      'p95 ms': s.p95.toFixed(2),
      '÷ API median': (s.median / api.median).toFixed(2),
      '÷ health median': (s.median / health.median).toFixed(2),
      bytes: list[0]!.bytes,
      statuses: [...new Set(list.map((x) => x.status))].join(' '),
    };
  });
  console.table(rows);
  console.log(`month ${month} (Berlin), ${Object.values(slots.slots).flat().length} slots on ${Object.keys(slots.slots).length} days`);
  const sizes: Record<string, { month: number; day: number; 'day embedded': number }> = {};
  for (const lang of ['en', 'de', 'fr', 'es', 'pt-BR', 'ja', 'ar']) {
    sizes[lang] = {
      month: (await timed(`${paths.month}&lang=${lang}`)).bytes,
      day: (await timed(`${paths.day}&lang=${lang}`)).bytes,
      'day embedded': (await timed(`${paths.day}&lang=${lang}&embed=1`)).bytes,
    };
  }
  console.table(sizes);
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/booker.json', JSON.stringify({ at: new Date().toISOString(), month, rows, sizes }, null, 2));
} finally {
  await server.stop();
  clearTimeout(hardStop);
}
process.exit(0);
