// One sync of one connection, run by the queue consumer (never on the slots or booking path): fetch the ICS feed
// (conditional GET) or ask the CalDAV server (caldav.ts), expand its busy time over [now - 1 day, now + the host's longest booking window], replace the
// stored spans in one batch. A failure keeps the last good busy set and records a readable reason.
import { siteOf } from '../invites/site';
import { getDb } from '../db/client';
import type { Bindings } from '../env';
import { privateUrlsAllowed } from '../webhooks/url-guard';
import { caldavBusy } from './caldav';
import { fetchFeed, FeedError, type Fetcher, type Validators } from './fetch-feed';
import { icsBusy, IcsError, MAX_INSTANCES, type BusyResult } from './ics-busy';
import { loadForSync, savePushChannels, writeNotModified, writeSyncFailure, writeSyncSuccess } from './repo';
import { ensureChannels } from './push';
import { decryptSecret } from './secrets';
import { accessTokenOf, ReauthRequired } from './oauth';
import { googleBusy, graphBusy, ProviderUnauthorized, type BusyQuery, type ProviderBusy } from './provider-busy';
import type { CalendarConnection } from '../db/schema';

const DAY_MS = 86_400_000;
/** Used when the host has no active event type yet (DESIGN's default booking window). */
const DEFAULT_WINDOW_DAYS = 60;
/** Expanded this far past the booking window, so a 304 stays trustworthy for about a day before a full fetch. */
const EXPANSION_MARGIN_MS = 2 * DAY_MS;

export type SyncOutcome = 'synced' | 'not_modified' | 'failed' | 'skipped';

export interface SyncOptions {
  fetcher?: Fetcher;
}

export async function syncConnection(env: Bindings, connectionId: number, now: number, opts: SyncOptions = {}): Promise<SyncOutcome> {
  const db = getDb(env.DB);
  const loaded = await loadForSync(db, connectionId);
  if (!loaded || !loaded.connection.enabled) return 'skipped';
  const { connection } = loaded;
  const windowDays = loaded.longestWindowDays ?? DEFAULT_WINDOW_DAYS;
  const window = { start: now - DAY_MS, end: now + windowDays * DAY_MS + EXPANSION_MARGIN_MS };
  // A 304 only says the feed is unchanged; recurring events still walk into the window as time passes.
  const expansionStillCovers = (connection.expandedUntil ?? 0) >= now + windowDays * DAY_MS + DAY_MS;
  try {
    const busyOptions = { hostTimeZone: loaded.hostTimeZone, window, includeTransparent: connection.includeTransparent, ownUidDomain: siteOf(env).domain };
    const fetchOptions = { allowPrivate: privateUrlsAllowed(env), fetcher: opts.fetcher };
    if (connection.kind === 'google' || connection.kind === 'microsoft') {
      const calendars = chosenCalendars(connection);
      const { busy: read, token } = await providerBusyOf(env, connection, {
        calendars,
        window,
        hostTimeZone: loaded.hostTimeZone,
        includeTransparent: connection.includeTransparent,
        syncState: connection.syncState ?? {},
        mayKeep: expansionStillCovers,
      }, now);
      if (read.status === 'unchanged') await writeNotModified(env.DB, connection.id, now);
      else await writeSyncSuccess(env.DB, connection, { spans: read.spans, etag: null, lastModified: null, expandedUntil: window.end, capped: false, note: null, syncState: read.syncState }, now);
      // Push channels made or renewed while they have less than a day left: the cron's syncs keep them alive.
      const channels = await ensureChannels(env, connection, calendars, token, now);
      if (channels) await savePushChannels(env.DB, connection.id, channels);
      return read.status === 'unchanged' ? 'not_modified' : 'synced';
    }
    const secret = await decryptSecret(env, connection.secret);
    let result: BusyResult;
    let validators: Validators = { etag: null, lastModified: null };
    if (connection.kind === 'caldav') {
      // The server answers for the window asked: nothing to validate, every sync asks afresh.
      result = await caldavBusy(
        { url: secret.url, username: secret.username ?? '', password: secret.password ?? '' },
        { ...busyOptions, holdsOwnEvents: Boolean(loaded.holdsOwnEvents) },
        fetchOptions,
      );
    } else {
      const known = expansionStillCovers ? { etag: connection.etag, lastModified: connection.lastModified } : { etag: null, lastModified: null };
      const fetched = await fetchFeed(secret.url, known, fetchOptions);
      if (fetched.status === 'not_modified') {
        await writeNotModified(env.DB, connection.id, now);
        return 'not_modified';
      }
      validators = fetched.validators;
      result = icsBusy(fetched.text, busyOptions);
    }
    const note = expansionNote(result);
    await writeSyncSuccess(
      env.DB,
      connection,
      { spans: result.spans, etag: validators.etag, lastModified: validators.lastModified, expandedUntil: window.end, capped: result.capped, note },
      now,
    );
    return 'synced';
  } catch (error) {
    const known = error instanceof FeedError || error instanceof IcsError || error instanceof ReauthRequired;
    // The host reads a coarse reason; the details (a runtime error, the line a parser choked on) go to the log only,
    // with the connection id and never the address or credentials.
    const message = known ? error.message : 'The calendar could not be synced because of an internal error';
    const detail = error instanceof FeedError || error instanceof IcsError ? error.detail : known ? undefined : error instanceof Error ? error.message : String(error);
    if (!known || detail) console.error(JSON.stringify({ level: 'error', msg: 'calendar sync failed', connection_id: connectionId, reason: message, detail: detail?.slice(0, 500) }));
    await writeSyncFailure(env.DB, connection.id, message, now);
    return 'failed';
  }
}

/** The calendars of a Google or Microsoft account that count: those chosen, else its primary / default one. */
export function chosenCalendars(connection: CalendarConnection): string[] {
  const chosen = (connection.sources ?? []).filter((s) => s.selected).map((s) => s.id);
  return chosen.length ? chosen : [connection.kind === 'google' ? 'primary' : 'default'];
}

/** One read with the connection's access token; a 401 refreshes it and tries once more. */
async function providerBusyOf(env: Bindings, connection: CalendarConnection, q: BusyQuery, now: number): Promise<{ busy: ProviderBusy; token: string }> {
  const read = async (token: string) => ({ busy: connection.kind === 'google' ? await googleBusy(token, q) : await graphBusy(token, q), token });
  try {
    return await read(await accessTokenOf(env.DB, env, connection, now));
  } catch (error) {
    if (!(error instanceof ProviderUnauthorized)) throw error;
  }
  try {
    return await read(await accessTokenOf(env.DB, env, connection, now, true));
  } catch (error) {
    if (error instanceof ProviderUnauthorized) throw new FeedError('The calendar provider refused a freshly renewed access token (HTTP 401)');
    throw error;
  }
}

/** What the host reads about an expansion that was cut short (coarse: never a line of the feed). */
function expansionNote(result: BusyResult): string | null {
  const notes: string[] = [];
  if (result.capped && !result.budgetExhausted) {
    notes.push(`The calendar has more than ${MAX_INSTANCES.toLocaleString('en-US')} events in the booking window; only the first ${MAX_INSTANCES.toLocaleString('en-US')} block time`);
  }
  if (result.budgetExhausted) {
    notes.push('The calendar\'s repeating events took too long to expand: some of them block no time');
  } else if (result.runawayRules > 0) {
    const one = result.runawayRules === 1;
    notes.push(
      `${result.runawayRules} repeating event${one ? ' has a rule' : 's have rules'} that find${one ? 's' : ''} no date within the expansion limit: ${one ? 'it blocks' : 'they block'} no time past that point`,
    );
  }
  return notes.length ? notes.join('. ') : null;
}
