// Push notifications from Google and Microsoft (issue #28): a change in a chosen calendar queues a sync at once, so it
// reaches the slots within seconds; the 15-minute poll stays the fallback.
//  - Google: an `events.watch` channel per chosen calendar (web_hook to /v2/calendar-push/google, our id
//    `cf-<connection>-<random>` and a random token, echoed in X-Goog-Channel-Token); expiry up to 7 days.
//  - Microsoft: a Graph subscription per chosen calendar (created, updated, deleted on its events; notificationUrl
//    /v2/calendar-push/microsoft; clientState `<connection>.<random>`), at most about 3 days; Graph first checks the URL
//    with a validationToken we echo.
// Channels are made or renewed after each successful sync when missing or expiring within a day, so the cron's
// 15-minute syncs renew them before expiry. Only the SHA-256 of each secret is stored. A push with a wrong secret,
// an unknown channel or a connection that is gone is ignored (answered as accepted, telling nothing).
import type { D1Queryable } from '../db/client';
import type { CalendarConnection } from '../db/schema';
import type { Bindings } from '../env';
import { siteOf } from '../invites/site';
import { randomToken, sha256Hex } from '../lib/crypto';
import { claimRefresh } from './repo';
import { GOOGLE_API, GRAPH_API } from './provider-write';

import type { CalendarPushChannel as PushChannel } from '../db/json-types';

const DAY_MS = 86_400_000;
const RENEW_BEFORE_MS = DAY_MS;
const GOOGLE_TTL_S = 7 * 86_400;
/** Graph allows 4,230 minutes for events subscriptions; a little less. */
const GRAPH_TTL_MS = 4_200 * 60_000;
/**
 * Pushes arrive in bursts (one per changed event): while a queued sync has not run yet (for up to a minute) they join
 * it; once it ran, the next push queues another, so a change right after a sync is never left to the poll.
 */
const PUSH_PENDING_MS = 60_000;

export const pushAddress = (env: Pick<Bindings, 'APP_URL'>, provider: 'google' | 'microsoft') => `${siteOf(env).baseUrl}/v2/calendar-push/${provider}`;

async function post(url: string, token: string, method: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/**
 * Makes or renews the channels of the chosen calendars (best effort: a failure is logged and tried at the next sync).
 * Answers the channels to store, or null when nothing changed.
 */
export async function ensureChannels(
  env: Pick<Bindings, 'APP_URL'>,
  connection: CalendarConnection,
  calendars: string[],
  accessToken: string,
  now: number,
): Promise<Record<string, PushChannel> | null> {
  const current = connection.pushChannels ?? {};
  const next: Record<string, PushChannel> = {};
  let changed = Object.keys(current).some((c) => !calendars.includes(c));
  for (const calendar of calendars) {
    const had = current[calendar];
    if (had && had.expiresAt - RENEW_BEFORE_MS > now) {
      next[calendar] = had;
      continue;
    }
    try {
      const made = connection.kind === 'google' ? await googleWatch(env, connection.id, calendar, accessToken, now) : await graphSubscribe(env, connection.id, calendar, accessToken, had, now);
      if (made) {
        next[calendar] = made;
        changed = true;
      } else if (had) next[calendar] = had;
    } catch (error) {
      console.warn(JSON.stringify({ level: 'warn', msg: 'calendar push channel not made', connection_id: connection.id, error: error instanceof Error ? error.name : 'unknown' }));
      if (had) next[calendar] = had;
    }
  }
  return changed ? next : null;
}

async function googleWatch(env: Pick<Bindings, 'APP_URL'>, connectionId: number, calendar: string, accessToken: string, now: number): Promise<PushChannel | null> {
  const id = `cf-${connectionId}-${randomToken().slice(0, 16)}`;
  const secret = randomToken();
  const res = await post(`${GOOGLE_API}/calendars/${encodeURIComponent(calendar)}/events/watch`, accessToken, 'POST', {
    id,
    type: 'web_hook',
    address: pushAddress(env, 'google'),
    token: secret,
    params: { ttl: String(GOOGLE_TTL_S) },
  });
  if (res.status !== 200) return null;
  return { id, resourceId: String(res.json?.resourceId ?? ''), tokenHash: await sha256Hex(secret), expiresAt: Number(res.json?.expiration ?? now + GOOGLE_TTL_S * 1000) };
}

async function graphSubscribe(
  env: Pick<Bindings, 'APP_URL'>,
  connectionId: number,
  calendar: string,
  accessToken: string,
  had: PushChannel | undefined,
  now: number,
): Promise<PushChannel | null> {
  const expirationDateTime = new Date(now + GRAPH_TTL_MS).toISOString();
  if (had) {
    const renewed = await post(`${GRAPH_API}/subscriptions/${encodeURIComponent(had.id)}`, accessToken, 'PATCH', { expirationDateTime });
    if (renewed.status === 200) return { ...had, expiresAt: now + GRAPH_TTL_MS };
  }
  const secret = randomToken();
  const res = await post(`${GRAPH_API}/subscriptions`, accessToken, 'POST', {
    changeType: 'created,updated,deleted',
    notificationUrl: pushAddress(env, 'microsoft'),
    resource: calendar === 'default' ? 'me/events' : `me/calendars/${calendar}/events`,
    expirationDateTime,
    clientState: `${connectionId}.${secret}`,
  });
  if (res.status !== 201) return null;
  return { id: String(res.json?.id), tokenHash: await sha256Hex(`${connectionId}.${secret}`), expiresAt: now + GRAPH_TTL_MS };
}

/** The push channels of these enabled connections, in one read. */
async function channelsOf(d1: D1Queryable, connectionIds: number[]): Promise<Map<number, PushChannel[]>> {
  const ids = connectionIds.filter((id) => Number.isSafeInteger(id) && id > 0);
  if (!ids.length) return new Map();
  const { results } = await d1
    .prepare('SELECT id, push_channels FROM calendar_connections WHERE id IN (SELECT value FROM json_each(?)) AND enabled = 1')
    .bind(JSON.stringify(ids))
    .all<{ id: number; push_channels: string | null }>();
  return new Map(results.map((r) => [r.id, Object.values(r.push_channels ? (JSON.parse(r.push_channels) as Record<string, PushChannel>) : {})]));
}

async function channelMatches(channels: PushChannel[] | undefined, channelId: string, secret: string): Promise<boolean> {
  if (!channels?.length) return false;
  const hash = await sha256Hex(secret);
  return channels.some((c) => c.id === channelId && c.tokenHash === hash);
}

/** Queues a sync of the connection (coalesced: a burst of notifications is one sync). */
async function queueSync(d1: D1Queryable, env: Bindings, connectionId: number, now: number): Promise<void> {
  const claim = await claimRefresh(d1, connectionId, now, 0, PUSH_PENDING_MS);
  if (claim?.claimed) await env.CALENDAR_SYNC.send({ connection_id: connectionId });
}

/** POST /v2/calendar-push/google: X-Goog-Channel-ID / -Token / X-Goog-Resource-State (`sync` is the channel's hello). */
export async function onGooglePush(d1: D1Queryable, env: Bindings, headers: { channelId?: string; token?: string; state?: string }, now: number): Promise<boolean> {
  if (!headers.channelId || !headers.token || headers.state === 'sync') return false;
  const connectionId = Number(/^cf-(\d+)-/.exec(headers.channelId)?.[1]);
  if (!(await channelMatches((await channelsOf(d1, [connectionId])).get(connectionId), headers.channelId, headers.token))) return false;
  await queueSync(d1, env, connectionId, now);
  return true;
}

/**
 * POST /v2/calendar-push/microsoft: a batch of change notifications (up to 100 read), each with its subscription and
 * clientState `<connection>.<secret>`. Anyone can post here, so the batch costs one D1 read whatever it names; only a
 * connection whose channel and secret match gets a write (its sync queued once).
 */
export async function onGraphPush(d1: D1Queryable, env: Bindings, body: unknown, now: number): Promise<number> {
  const value = (body as { value?: unknown })?.value;
  if (!Array.isArray(value)) return 0;
  const notes = value.slice(0, 100).flatMap((n) =>
    typeof n?.subscriptionId === 'string' && typeof n?.clientState === 'string'
      ? [{ subscriptionId: n.subscriptionId as string, state: n.clientState as string, connectionId: Number((n.clientState as string).split('.')[0]) }]
      : [],
  );
  const channels = await channelsOf(d1, [...new Set(notes.map((n) => n.connectionId))]);
  const matched = new Set<number>();
  for (const n of notes) {
    if (!matched.has(n.connectionId) && (await channelMatches(channels.get(n.connectionId), n.subscriptionId, n.state))) matched.add(n.connectionId);
  }
  for (const connectionId of matched) await queueSync(d1, env, connectionId, now);
  return matched.size;
}

/** Disconnect: stop the channels at the provider (best effort). */
export async function stopChannels(connection: CalendarConnection, accessToken: string): Promise<void> {
  for (const channel of Object.values(connection.pushChannels ?? {})) {
    try {
      if (connection.kind === 'google') await post(`${GOOGLE_API}/channels/stop`, accessToken, 'POST', { id: channel.id, resourceId: channel.resourceId });
      else await fetch(`${GRAPH_API}/subscriptions/${encodeURIComponent(channel.id)}`, { method: 'DELETE', headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(10_000) });
    } catch {
      // The channel expires by itself within days.
    }
  }
}
