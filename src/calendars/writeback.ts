// The write-back consumer (issue #28): makes the destination calendar's copy of a booking match its calendar_writes row.
//
// Exactly once, in place:
//  - one row per (booking, destination), one provider resource per booking, named by a key derived from the booking
//    (CalDAV: `<host event uid>.ics` with If-None-Match on create), so a retried or duplicated create never makes a
//    second event;
//  - a claim with a lease lets one run write a row at a time; a change arriving meanwhile (a reschedule racing the
//    create) bumps the row's target SEQUENCE, the run sees it when it settles and writes again at once, so the last
//    write is always the latest event;
//  - a crash leaves the row pending with its lease running out: the cron sweep sends it again.
// Failures: transient ones (network, 5xx, 408, 429 with its Retry-After) retry with the webhook backoff, up to
// CALENDAR_WRITE_MAX_ATTEMPTS; permanent ones (credentials refused, calendar gone) fail at once. `last_error` says why
// in our words; details go to the Worker log with the row id only.
import { OUTBOX_LEASE_GRACE_MS, sendInChunks } from '../db/outbox';
import type { Bindings, CalendarWriteMessage } from '../env';
import { siteOf } from '../invites/site';
import { retryDelaySeconds, retrySettingsOf } from '../webhooks/backoff';
import { privateUrlsAllowed } from '../webhooks/url-guard';
import { caldavWrite, type CalendarWritePayload, type WriteOutcome } from './caldav-write';
import type { Fetcher } from './fetch-feed';
import { accessTokenOf, ReauthRequired } from './oauth';
import { afterMeetingLinkWrite } from './meeting-link-settle';
import { googleWrite, graphWrite, type ProviderOutcome, type ProviderWrite } from './provider-write';
import { decryptSecret } from './secrets';
import { claimLostWrites, claimWrite, settleFailed, settleWritten, type ClaimedWrite } from './writeback-repo';

export const CALENDAR_WRITES_QUEUE = 'calflare-calendar-writes';
/** One attempt's claim: longer than a provider call's timeout (10 s), so a live write is never taken over. */
export const WRITE_LEASE_MS = 60_000;
/** Rows younger than this without a message are probably being enqueued right now by the change that wrote them. */
export const WRITE_SWEEP_GRACE_MS = 60_000;
const WRITE_SWEEP_MAX_ROWS = 1_000;
/** Writes of one row in one run: each is the latest event; more means the booking keeps changing under us. */
const MAX_PASSES = 5;

export function writeRetrySettings(env: Pick<Bindings, 'CALENDAR_WRITE_MAX_ATTEMPTS' | 'CALENDAR_WRITE_RETRY_BASE_SECONDS'>) {
  return retrySettingsOf(env.CALENDAR_WRITE_MAX_ATTEMPTS, env.CALENDAR_WRITE_RETRY_BASE_SECONDS, { maxAttempts: 8, baseSeconds: 60 });
}

export type WriteSettlement = { outcome: 'synced' | 'failed' | 'skipped' } | { outcome: 'retry'; delaySeconds: number };

export interface WriteOptions {
  fetcher?: Fetcher;
  clock?: () => number;
  random?: () => number;
}

/** Runs one row to the provider; says how to settle its queue message. */
export async function runCalendarWrite(env: Bindings, id: number, opts: WriteOptions = {}): Promise<WriteSettlement> {
  const clock = opts.clock ?? Date.now;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const now = clock();
    const claimed = await claimWrite(env.DB, id, now, WRITE_LEASE_MS);
    // Settled, gone, or in another run's hands (which writes any newer change itself).
    if (!claimed) return { outcome: 'skipped' };
    const result = await writeOnce(env, claimed, opts, now);
    await afterMeetingLinkWrite(env, claimed, result, clock());
    if (result.ok) {
      const status = await settleWritten(env.DB, id, claimed.targetSequence, result.ref, clock());
      if (status !== 'pending') return { outcome: 'synced' };
      continue; // a change came in during the write: write the newer event now
    }
    if (result.detail) console.error(JSON.stringify({ level: 'error', msg: 'calendar write failed', write_id: id, reason: result.message, detail: result.detail.slice(0, 500) }));
    const settings = writeRetrySettings(env);
    const final = result.permanent || claimed.attempts >= settings.maxAttempts;
    const delaySeconds = result.retryAfterSeconds ?? retryDelaySeconds(claimed.attempts, settings.baseSeconds, opts.random);
    const message = final && !result.permanent ? `${result.message} (gave up after ${claimed.attempts} attempts)` : result.message;
    const settled = await settleFailed(env.DB, id, claimed.targetSequence, message, final ? null : clock() + delaySeconds * 1000, clock());
    if (!settled) continue; // a newer change started the attempts afresh: write it now
    return final ? { outcome: 'failed' } : { outcome: 'retry', delaySeconds };
  }
  // Still changing after MAX_PASSES writes: the row is pending with no live claim; the next message or sweep goes on.
  return { outcome: 'retry', delaySeconds: 1 };
}

async function writeOnce(env: Bindings, claimed: ClaimedWrite, opts: WriteOptions, now: number): Promise<WriteOutcome> {
  // `enabled` is about reading busy time: a host who stops that still chose this calendar for their bookings.
  const { connection } = claimed;
  try {
    const payload = JSON.parse(claimed.payload) as CalendarWritePayload;
    if (connection.kind === 'google' || connection.kind === 'microsoft') {
      const write: ProviderWrite = { payload, created: claimed.writtenSequence !== null, ref: claimed.remoteRef, calendarId: claimed.calendarId, site: siteOf(env) };
      const send = connection.kind === 'google' ? googleWrite : graphWrite;
      return await withToken(env, connection, now, (token) => send(token, write, now));
    }
    const secret = await decryptSecret(env, connection.secret);
    const fetchOpts = { allowPrivate: privateUrlsAllowed(env), fetcher: opts.fetcher };
    if (connection.kind === 'caldav') {
      const target = { url: secret.url, username: secret.username ?? '', password: secret.password ?? '' };
      return await caldavWrite(target, { payload, created: claimed.writtenSequence !== null, site: siteOf(env) }, fetchOpts, now);
    }
    return { ok: false, permanent: true, message: `A ${connection.kind} calendar cannot be written to` };
  } catch (error) {
    if (error instanceof ReauthRequired) return { ok: false, permanent: true, message: error.message };
    return { ok: false, permanent: false, message: 'The calendar could not be written because of an internal error', detail: error instanceof Error ? error.message : String(error) };
  }
}

/** One provider call with the connection's access token; a 401 refreshes the token and tries once more. */
async function withToken(
  env: Bindings,
  connection: ClaimedWrite['connection'],
  now: number,
  send: (token: string) => Promise<ProviderOutcome>,
): Promise<WriteOutcome> {
  const first = await send(await accessTokenOf(env.DB, env, connection, now));
  if (first.ok || !('unauthorized' in first)) return first;
  const second = await send(await accessTokenOf(env.DB, env, connection, now, true));
  if (second.ok || !('unauthorized' in second)) return second;
  return { ok: false, permanent: false, message: 'The calendar provider refused a freshly renewed access token (HTTP 401)' };
}

/** The queue consumer: every message settled on its own (ack, or retry after the backoff). */
export async function consumeCalendarWriteBatch(batch: MessageBatch<CalendarWriteMessage>, env: Bindings): Promise<void> {
  for (const message of batch.messages) {
    const id = Number(message.body?.write_id);
    if (!Number.isSafeInteger(id) || id <= 0) {
      message.ack();
      continue;
    }
    const settlement = await runCalendarWrite(env, id);
    if (settlement.outcome === 'retry') message.retry({ delaySeconds: settlement.delaySeconds });
    else message.ack();
  }
}

/** The cron half: rows never enqueued, or whose message was lost, are sent again (their lease renewed). */
export async function sweepCalendarWrites(env: Bindings, now: number): Promise<number> {
  const ids = await claimLostWrites(env.DB, now, WRITE_SWEEP_GRACE_MS, OUTBOX_LEASE_GRACE_MS, WRITE_SWEEP_MAX_ROWS);
  if (ids.length) {
    console.warn('calendar write sweep re-enqueues writes', { count: ids.length });
    await sendInChunks(env.CALENDAR_WRITES, ids, (id) => ({ write_id: id }), async () => undefined, {
      message: 'calendar write re-enqueue failed; the next sweep will retry',
      idsKey: 'writeIds',
    });
  }
  return ids.length;
}
