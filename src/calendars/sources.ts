// The calendars of a Google or Microsoft account and which of them count as busy (GET/PATCH /v2/calendars/{id}/sources).
// The list is read live from the provider; the choice is stored on the connection (null: the primary calendar only).
import type { D1Queryable } from '../db/client';
import type { CalendarConnection, CalendarSource } from '../db/schema';
import type { Bindings } from '../env';
import { ApiError } from '../lib/errors';
import { accessTokenOf, ReauthRequired } from './oauth';
import { FeedError } from './fetch-feed';
import { googleCalendars, graphCalendars, ProviderUnauthorized } from './provider-busy';
import { saveSources } from './repo';
import { chosenCalendars } from './sync';

async function accountCalendars(d1: D1Queryable, env: Bindings, c: CalendarConnection, now: number) {
  if (c.kind !== 'google' && c.kind !== 'microsoft') throw new ApiError('conflict', 'Only Google and Microsoft calendars have sources to choose from');
  const read = (token: string) => (c.kind === 'google' ? googleCalendars(token) : graphCalendars(token));
  try {
    try {
      return await read(await accessTokenOf(d1, env, c, now));
    } catch (error) {
      if (!(error instanceof ProviderUnauthorized)) throw error;
      return await read(await accessTokenOf(d1, env, c, now, true));
    }
  } catch (error) {
    if (error instanceof ReauthRequired || error instanceof FeedError) throw new ApiError('conflict', error.message);
    if (error instanceof ProviderUnauthorized) throw new ApiError('conflict', 'The calendar provider refused access: connect the account again');
    throw error;
  }
}

/** Every calendar of the account with whether it counts now (the primary one alone until the host chooses). */
export async function listSources(d1: D1Queryable, env: Bindings, c: CalendarConnection, now: number): Promise<CalendarSource[]> {
  const chosen = new Set(chosenCalendars(c));
  const fallback = c.kind === 'google' ? 'primary' : 'default';
  return (await accountCalendars(d1, env, c, now)).map((cal) => ({ ...cal, selected: chosen.has(cal.id) || (cal.primary && chosen.has(fallback)) }));
}

export async function chooseSources(d1: D1Queryable, env: Bindings, c: CalendarConnection, selected: string[], now: number): Promise<CalendarSource[]> {
  const calendars = await accountCalendars(d1, env, c, now);
  const known = new Set(calendars.map((cal) => cal.id));
  const unknown = selected.findIndex((id) => !known.has(id));
  if (unknown >= 0) throw new ApiError('validation_failed', 'Request validation failed', [{ path: `selected.${unknown}`, message: 'Not a calendar of this account' }]);
  const picked = new Set(selected);
  const sources = calendars.map((cal) => ({ ...cal, selected: picked.has(cal.id) }));
  await saveSources(d1, c.id, sources, now);
  return sources;
}
