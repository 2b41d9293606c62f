// The Emails tab: every notification the outbox holds, newest first, with its status, attempts and last error, and a
// way to send a settled one again.
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { NOTIFICATION_STATUSES, type EmailNotification, type NotificationStatus } from '../db/schema';
import { notFound } from '../lib/errors';
import { pageById } from '../lib/pagination';
import { listNotifications, resendNotification } from '../notifications/repo';
import { idOf, listParams, pageOf, redirectWith, type AdminEnv, type Page } from './http';
import { Badge, Empty, Layout, PageHead, Pager, PostButton, type Tone } from './layout';

const LIST = '/admin/emails';
const PAGE_SIZE = 50;

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

const STATUS_TONE: Record<NotificationStatus, Tone> = { pending: 'warn', sent: 'ok', failed: 'bad', suppressed: 'plain' };

const EmailRow: FC<{ n: EmailNotification; csrf: string }> = ({ n, csrf }) => (
  <tr id={`email-${n.id}`}>
    <td class="stack">
      <div class="nowrap">{utc(n.createdAt)}</div>
      <div class="muted small mono">{n.notificationId}</div>
    </td>
    <td class="stack">
      <Badge tone="info">{n.triggerEvent}</Badge>
      <div class="muted small mono">{n.bookingUid}</div>
    </td>
    <td class="stack">
      <div>{n.recipientName}</div>
      <div class="muted small nowrap">
        {n.recipientEmail} · {n.recipientRole}
      </div>
    </td>
    <td>
      <Badge tone={STATUS_TONE[n.status]}>{n.status}</Badge>
    </td>
    <td class="num">{n.attempts}</td>
    <td class="stack">
      {n.lastError ? <div class="small">{n.lastError}</div> : <span class="muted small">None</span>}
      {n.nextAttemptAt !== null && n.status === 'pending' && <div class="muted small">Next attempt {utc(n.nextAttemptAt)}</div>}
      {n.attemptLog.length > 0 && (
        <details class="inline">
          <summary>{n.attemptLog.length === 1 ? '1 attempt' : `${n.attemptLog.length} attempts`}</summary>
          <ol class="attempts">
            {n.attemptLog.map((a) => (
              <li>
                #{a.attempt} · {utc(a.at)} · {a.duration_ms} ms · {a.error ? `${a.permanent ? 'permanent: ' : ''}${a.error}` : 'sent'}
              </li>
            ))}
          </ol>
        </details>
      )}
    </td>
    <td class="actions">{n.status !== 'pending' && <PostButton action={`${LIST}/${n.id}/resend`} csrf={csrf} label="Resend" />}</td>
  </tr>
);

const StatusFilter: FC<{ active?: NotificationStatus }> = ({ active }) => (
  <nav class="chips" aria-label="Filter by status">
    <a class={active ? 'badge' : 'badge info'} href={LIST}>
      All
    </a>
    {NOTIFICATION_STATUSES.map((s) => (
      <a class={s === active ? 'badge info' : 'badge'} href={`${LIST}?status=${s}`}>
        {s}
      </a>
    ))}
  </nav>
);

const EmailList: FC<{ page: Page; rows: EmailNotification[]; status?: NotificationStatus; next: string | null; first: string | null }> = (p) => (
  <Layout page={p.page} title="Emails" tab="emails">
    <PageHead title="Emails" sub="Booking notifications, newest first. Failed and sent ones can be sent again (as a new message).">
      <StatusFilter active={p.status} />
    </PageHead>
    <div class="table-wrap">
      {p.rows.length === 0 ? (
        <Empty title="No emails">Each booking change sends one to the attendee and, for most changes, one to the host.</Empty>
      ) : (
        <table id="emails">
          <thead>
            <tr>
              <th>Created</th>
              <th>Change</th>
              <th>Recipient</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Last error and attempts</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((n) => (
              <EmailRow n={n} csrf={p.page.csrf} />
            ))}
          </tbody>
        </table>
      )}
    </div>
    <Pager count={p.rows.length} next={p.next} first={p.first} />
  </Layout>
);

const isStatus = (v: string | undefined): v is NotificationStatus => (NOTIFICATION_STATUSES as readonly string[]).includes(v ?? '');

export const emailPages = new Hono<AdminEnv>()
  .get('/', async (c) => {
    const raw = c.req.query('status');
    const status = isStatus(raw) ? raw : undefined;
    const { cursor, limit, link } = listParams(c, LIST, PAGE_SIZE);
    // Page links keep the status filter.
    const keep = (href: string) => {
      if (!status) return href;
      const url = new URL(href, 'http://admin.invalid');
      url.searchParams.set('status', status);
      return url.pathname + url.search;
    };
    const result = await pageById({ limit, cursor }, (beforeId, take) => listNotifications(c.var.db, { status, beforeId: beforeId ?? null, limit: take }));
    const next = result.next_cursor ? keep(link(result.next_cursor)) : null;
    return c.html(<EmailList page={pageOf(c)} rows={result.data} status={status} next={next} first={cursor ? keep(link()) : null} />);
  })
  .post('/:id/resend', async (c) => {
    const id = idOf(c, 'Email');
    const outcome = await resendNotification(c.env, id, Date.now());
    if (!outcome.ok && outcome.reason === 'not_found') throw notFound('Email');
    return redirectWith(
      c,
      LIST,
      outcome.ok
        ? { kind: 'ok', text: `Email #${id} queued again as #${outcome.id}.` }
        : { kind: 'error', text: `Email #${id} is still being sent; it can be resent once it is sent or failed.` },
    );
  });
