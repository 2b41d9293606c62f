// Per-client rate limits with the Workers Rate Limiting binding (wrangler.toml `[[ratelimits]]`). The client is the
// network of its IP as Cloudflare reports it (CF-Connecting-IP, which a client cannot set through Cloudflare): the
// IPv4 address or the IPv6 /64 (src/lib/ip.ts), and every key holds only a hash of it: no raw IP or email ever
// reaches the limiter's keys.
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { sha256Hex } from './crypto';
import { clientNetwork } from './ip';
import type { AppEnv, Bindings } from '../env';
import { ApiError } from './errors';

export type Limiter = 'LOGIN_RATE_LIMIT' | 'WRITE_RATE_LIMIT' | 'SLOTS_RATE_LIMIT';

/** Every binding in wrangler.toml uses a 60-second period; the binding does not say when its window ends. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

type Ctx = Pick<Context<AppEnv>, 'env' | 'req'>;

export function clientIp(c: Pick<Context<AppEnv>, 'req'>): string | null {
  return c.req.header('cf-connecting-ip')?.trim() || null;
}

/**
 * The client as stored and counted: SHA-256 of its network (`clientNetwork`: the IPv4 address or the IPv6 /64), so
 * rotating addresses inside one IPv6 network is one client for every rate limit and the hold cap. Requests without
 * CF-Connecting-IP (only tests and local tools calling the Worker directly; Cloudflare always sets it) share one client.
 */
export async function clientHash(c: Pick<Context<AppEnv>, 'req'>): Promise<string> {
  return sha256Hex(`net:${clientNetwork(clientIp(c))}`);
}

/** clientHash, or null when the request names no client (no CF-Connecting-IP: tests and local tools). */
export async function namedClientHash(c: Pick<Context<AppEnv>, 'req'>): Promise<string | null> {
  return clientIp(c) ? clientHash(c) : null;
}

/**
 * Counts one request of this client against `limiter` under `scope` (e.g. `booking`, `slots:12`), and throws a 429
 * with Retry-After once the limit is reached. Without CF-Connecting-IP nothing is counted: that header is always
 * present in production, and tests call the Worker without it.
 */
export async function enforceRateLimit(c: Ctx, limiter: Limiter, scope: string): Promise<void> {
  if (!clientIp(c)) return;
  const binding: RateLimit = (c.env as Bindings)[limiter];
  const { success } = await binding.limit({ key: `${scope}:${await clientHash(c)}` });
  if (!success) {
    throw new ApiError('rate_limited', `Too many requests from this client; try again in ${RATE_LIMIT_PERIOD_SECONDS} seconds`, undefined, {
      'Retry-After': String(RATE_LIMIT_PERIOD_SECONDS),
    });
  }
}

/**
 * Counts `units` more requests of this client against `limiter` under `scope`, after the fact and without refusing:
 * a recurring series spends one unit per occurrence (issue #25), known once it is booked; its request paid the first.
 */
export async function chargeRateLimit(c: Ctx, limiter: Limiter, scope: string, units: number): Promise<void> {
  if (!clientIp(c) || units <= 0) return;
  const binding: RateLimit = (c.env as Bindings)[limiter];
  const key = `${scope}:${await clientHash(c)}`;
  await Promise.all(Array.from({ length: units }, () => binding.limit({ key })));
}

/** The middleware form, for routes whose scope does not depend on the request. */
export const rateLimit = (limiter: Limiter, scope: string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    await enforceRateLimit(c, limiter, scope);
    await next();
  });
