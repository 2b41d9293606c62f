// The Calendars tab: every host's external calendar connections with their sync status, and a refresh button.
// Addresses show scheme and host only (the rest is secret); hosts add connections on /settings/calendars or through the
// API (/v2/calendars).
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { refreshConnection } from '../calendars/service';
import { connectionStatus, findOwnedConnection, listConnections, type ConnectionStatus } from '../calendars/repo';
import { writeBackSummaries, type WriteBackSummary } from '../calendars/writeback-repo';
import type { CalendarConnection } from '../db/schema';
import { ApiError, foundOr404 } from '../lib/errors';
import { pageById } from '../lib/pagination';
import { peopleByIds, type Person } from './data';
import { idOf, listParams, pageOf, redirectWith, type AdminEnv, type Page } from './http';
import { Badge, Empty, Layout, PageHead, Pager, PostButton, type Tone } from './layout';

const LIST = '/admin/calendars';
const PAGE_SIZE = 50;

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const STATUS: Record<ConnectionStatus, { tone: Tone; label: string }> = {
  pending: { tone: 'info', label: 'Not synced yet' },
  ok: { tone: 'ok', label: 'Synced' },
  failing: { tone: 'warn', label: 'Failing' },
  stale: { tone: 'bad', label: 'Stale' },
  disabled: { tone: 'plain', label: 'Disabled' },
  reauth_required: { tone: 'bad', label: 'Sign-in needed again' },
};

/** The earliest expiry of the connection's push channels (Google / Microsoft), if it has any. */
const pushUntil = (c: CalendarConnection): number | null => {
  const expiries = Object.values(c.pushChannels ?? {}).map((p) => p.expiresAt);
  return expiries.length ? Math.min(...expiries) : null;
};

const WRITE_TONE: Record<string, Tone> = { synced: 'ok', pending: 'info', failed: 'bad' };

/** Write-back into this calendar: whether it is its host's destination, its writes by status, the latest ones. */
const WriteBack: FC<{ w?: WriteBackSummary }> = ({ w }) => {
  if (!w || (!w.destination && w.recent.length === 0)) return <div class="muted">No write-back</div>;
  const counts = (['synced', 'pending', 'failed'] as const).filter((s) => w.counts[s]).map((s) => `${w.counts[s]} ${s}`);
  return (
    <div class="stack">
      <div>{w.destination ? 'Bookings are written here' : 'No longer the destination'}</div>
      {counts.length > 0 && <div class="muted">{counts.join(' · ')}</div>}
      {w.recent.map((r) => (
        <div class="break">
          <Badge tone={WRITE_TONE[r.status] ?? 'plain'}>{r.status}</Badge> {r.title} ({utc(r.startAt)}){r.error ? `: ${r.error}` : ''}
        </div>
      ))}
    </div>
  );
};

const ConnectionRow: FC<{ c: CalendarConnection; owner?: Person; csrf: string; now: number; writes?: WriteBackSummary }> = ({ c, owner, csrf, now, writes }) => {
  const status = STATUS[connectionStatus(c, now)];
  return (
    <tr id={`calendar-${c.id}`}>
      <td class="stack">
        <div>{c.name ?? 'Unnamed calendar'}</div>
        <div class="mono break muted small">
          {c.kind.toUpperCase()} · {c.account ?? c.urlDisplay}
        </div>
      </td>
      <td class="stack">
        <div>{owner?.name ?? `User #${c.ownerId}`}</div>
        {owner && <div class="muted small nowrap">{owner.email}</div>}
      </td>
      <td class="stack">
        <Badge tone={status.tone}>{status.label}</Badge>
        {c.lastError && <div class="small break">{c.lastError}</div>}
        {c.consecutiveFailures > 0 && <div class="muted small">{c.consecutiveFailures} failed attempt(s) in a row</div>}
      </td>
      <td class="stack small">
        <div>{c.lastSyncedAt ? `Last good sync ${utc(c.lastSyncedAt)}` : 'Never synced'}</div>
        {pushUntil(c) !== null && <div class="muted">Push channel until {utc(pushUntil(c)!)}</div>}
        <div class="muted">
          {c.busyCount} busy span(s){c.capped ? ' · incomplete (see the note)' : ''}
          {c.includeTransparent ? ' · free events count' : ''}
        </div>
      </td>
      <td class="small">
        <WriteBack w={writes} />
      </td>
      <td>
        <div class="actions">{c.enabled && <PostButton action={`${LIST}/${c.id}/refresh`} csrf={csrf} label="Refresh now" />}</div>
      </td>
    </tr>
  );
};

const CalendarList: FC<{ page: Page; rows: CalendarConnection[]; owners: Map<number, Person>; writes: Map<number, WriteBackSummary>; next: string | null; first: string | null }> = (p) => {
  const now = Date.now();
  return (
    <Layout page={p.page} title="Calendars" tab="calendars">
      <PageHead
        title="Calendars"
        sub="External calendars whose busy time blocks their host's slots (synced every 15 minutes), and the write-back of bookings into each host's destination calendar. Hosts connect them on /settings/calendars or through the API."
      />
      <div class="table-wrap">
        {p.rows.length === 0 ? (
          <Empty title="No calendars connected">A host connects one on /settings/calendars or with POST /v2/calendars.</Empty>
        ) : (
          <table id="calendars">
            <thead>
              <tr>
                <th>Calendar</th>
                <th>Host</th>
                <th>Status</th>
                <th>Busy time</th>
                <th>Write-back</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((c) => (
                <ConnectionRow c={c} owner={p.owners.get(c.ownerId)} csrf={p.page.csrf} now={now} writes={p.writes.get(c.id)} />
              ))}
            </tbody>
          </table>
        )}
      </div>
      <Pager count={p.rows.length} next={p.next} first={p.first} />
    </Layout>
  );
};

export const calendarPages = new Hono<AdminEnv>()
  .get('/', async (c) => {
    const db = c.var.db;
    const { cursor, limit, link } = listParams(c, LIST, PAGE_SIZE);
    const result = await pageById({ limit, cursor }, (afterId = 0, take) => listConnections(db, c.get('user')!, { afterId, limit: take }));
    const [owners, writes] = await Promise.all([peopleByIds(db, result.data.map((r) => r.ownerId)), writeBackSummaries(db.$client, result.data.map((r) => r.id))]);
    const next = result.next_cursor ? link(result.next_cursor) : null;
    return c.html(<CalendarList page={pageOf(c)} rows={result.data} owners={owners} writes={writes} next={next} first={cursor ? link() : null} />);
  })
  .post('/:id/refresh', async (c) => {
    const found = await foundOr404('Calendar', findOwnedConnection(c.var.db, c.get('user')!, idOf(c, 'Calendar')));
    if (!found.enabled) return redirectWith(c, LIST, { kind: 'error', text: `Calendar #${found.id} is disabled.` });
    try {
      await refreshConnection(c.env, found, Date.now());
    } catch (error) {
      if (error instanceof ApiError) return redirectWith(c, LIST, { kind: 'error', text: `Calendar #${found.id}: ${error.message}.` });
      throw error;
    }
    return redirectWith(c, LIST, { kind: 'ok', text: `Calendar #${found.id} will sync in a moment; reload to see the result.` });
  });
