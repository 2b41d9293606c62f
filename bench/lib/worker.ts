// A benchmark's own Worker: `wrangler dev` on a free 127.0.0.1 port over a fresh migrated state with a super admin
// (scripts/lib/processes.ts), plus the request helpers every HTTP benchmark needs. Every request carries its own
// CF-Connecting-IP: the per-IP rate limits would otherwise stop a benchmark from one address.
import { hashPassword } from '../../src/auth/crypto';
import { randomToken, sha256Hex } from '../../src/lib/crypto';
import { provisionUserStatements, type SqlStatement } from '../../src/users/provision';
import { execute } from '../../scripts/lib/d1';
import { startWranglerDev, type DevWorker } from '../../scripts/lib/processes';

export interface BenchWorker extends DevWorker {
  adminToken: string;
  /** A JSON call that must succeed (throws with the answer otherwise). */
  api: (path: string, token: string | null, body?: unknown) => Promise<any>;
  /** One timed GET (the body read to the end). */
  timed: (path: string) => Promise<{ status: number; ms: number }>;
}

let clients = 0;
/** A new client address per request (10.0.0.0/8). */
export const nextIp = () => {
  const n = ++clients;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

/** The seed of a benchmark's state: a super admin whose session token is `adminToken`. */
export function benchAdminSeed(adminToken: string, extra: SqlStatement[] = []) {
  return async (state: string) => {
    const now = Date.now();
    execute(
      [
        ...provisionUserStatements(
          { email: 'bench-admin@calflare.dev', name: 'Bench Admin', role: 'super_admin', timezone: 'UTC', passwordHash: await hashPassword('bench-admin-password') },
          now,
        ),
        {
          sql: `INSERT INTO sessions (token_hash, user_id, expires_at, created_at) SELECT ?, id, ?, ? FROM users WHERE email = ?`,
          params: [await sha256Hex(adminToken), now + 86_400_000, now, 'bench-admin@calflare.dev'],
        },
        ...extra,
      ],
      { persistTo: state },
    );
  };
}

/** `seed`: more rows for the fresh state, written with the admin's before the Worker starts. */
export async function startBenchWorker(seed: SqlStatement[] = []): Promise<BenchWorker> {
  const adminToken = randomToken();
  const worker = await startWranglerDev({ seed: benchAdminSeed(adminToken, seed), logLevel: 'error' });
  const api = async (path: string, token: string | null, body?: unknown) => {
    const res = await fetch(`${worker.base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', 'cf-connecting-ip': nextIp() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as any;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const timed = async (path: string) => {
    const t0 = performance.now();
    const res = await fetch(`${worker.base}${path}`, { headers: { 'cf-connecting-ip': nextIp() } });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - t0 };
  };
  return { ...worker, adminToken, api, timed };
}

/** Interleaved rounds of GETs (one request at a time, every case per round) after a warm-up: samples per case. */
export async function interleaved(worker: BenchWorker, paths: Record<string, string>, rounds: number, warmup = 20) {
  for (const path of Object.values(paths)) for (let i = 0; i < warmup; i++) await worker.timed(path);
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(paths).map((k) => [k, []]));
  const statuses: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, path] of Object.entries(paths)) {
      const t = await worker.timed(path);
      samples[name]!.push(t.ms);
      statuses[t.status] = (statuses[t.status] ?? 0) + 1;
    }
  }
  return { samples, statuses };
}

/** Ends the benchmark process with exit code 2 if it is still running after `ms`: every benchmark stops by itself. */
export function hardStopAfter(ms: number): NodeJS.Timeout {
  return setTimeout(() => {
    console.error('bench: hard deadline reached, stopping');
    process.exit(2);
  }, ms);
}
