// The Messages tab: every email the outbox holds, newest first, with its status, attempts and last error, and a way
// to send a settled one again; and, on its SMS channel (?channel=sms), every text with its status, attempts, Twilio's
// message SID and last error.
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { NOTIFICATION_STATUSES, SMS_STATUSES, type EmailAttempt, type EmailNotification, type NotificationStatus, type SmsMessage, type SmsStatus } from '../db/schema';
import { listSms } from '../sms/repo';
import { notFound } from '../lib/errors';
import { pageById } from '../lib/pagination';
import { listNotifications, resendNotification } from '../notifications/repo';
import { idOf, listParams, pageOf, redirectWith, type AdminEnv, type Page } from './http';
import { Badge, Empty, Layout, PageHead, Pager, PostButton, type Tone } from './layout';

const LIST = '/admin/emails';
const PAGE_SIZE = 50;

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

const STATUS_TONE: Record<NotificationStatus | SmsStatus, Tone> = { pending: 'warn', sending: 'warn', sent: 'ok', failed: 'bad', suppressed: 'plain' };

const Attempts: FC<{ log: EmailAttempt[] }> = ({ log }) =>
  log.length > 0 ? (
    <details class="inline">
      <summary>{log.length === 1 ? '1 attempt' : `${log.length} attempts`}</summary>
      <ol class="attempts">
        {log.map((a) => (
          <li>
            #{a.attempt} · {utc(a.at)} · {a.duration_ms} ms · {a.error ? `${a.permanent ? 'permanent: ' : ''}${a.error}` : 'sent'}
          </li>
        ))}
      </ol>
    </details>
  ) : null;

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
      <Attempts log={n.attemptLog} />
    </td>
    <td class="actions">{n.status !== 'pending' && <PostButton action={`${LIST}/${n.id}/resend`} csrf={csrf} label="Resend" />}</td>
  </tr>
);

/** The text as listed: a verification code is the host's alone (kept only as a hash on the user), so it is masked. */
const listedText = (m: SmsMessage) => {
  const text = m.kind === 'verification' ? m.body.replace(/\d/g, '•') : m.body;
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
};

const SmsRow: FC<{ m: SmsMessage }> = ({ m }) => (
  <tr id={`sms-${m.id}`}>
    <td class="stack">
      <div class="nowrap">{utc(m.createdAt)}</div>
      <div class="muted small mono">{m.messageKey}</div>
    </td>
    <td class="stack">
      <Badge tone="info">{m.kind}</Badge>
      <div class="muted small">{listedText(m)}</div>
    </td>
    <td class="stack">
      <div class="mono nowrap">{m.toNumber || '(none)'}</div>
      <div class="muted small">{m.recipientRole}</div>
    </td>
    <td>
      <Badge tone={STATUS_TONE[m.status]}>{m.status}</Badge>
    </td>
    <td class="num">{m.attempts}</td>
    <td class="stack">
      {m.providerId ? <div class="small mono">{m.providerId}</div> : <span class="muted small">None</span>}
    </td>
    <td class="stack">
      {m.lastError ? <div class="small">{m.lastError}</div> : <span class="muted small">None</span>}
      {m.nextAttemptAt !== null && m.status === 'pending' && m.attempts > 0 && <div class="muted small">Next attempt {utc(m.nextAttemptAt)}</div>}
      <Attempts log={m.attemptLog} />
    </td>
  </tr>
);

type Channel = 'email' | 'sms';

const Filters: FC<{ channel: Channel; active?: string }> = ({ channel, active }) => {
  const base = channel === 'sms' ? `${LIST}?channel=sms` : LIST;
  const join = channel === 'sms' ? '&' : '?';
  return (
    <>
      <nav class="chips" aria-label="Channel">
        <a class={channel === 'email' ? 'badge info' : 'badge'} href={LIST}>
          Email
        </a>
        <a class={channel === 'sms' ? 'badge info' : 'badge'} href={`${LIST}?channel=sms`}>
          SMS
        </a>
      </nav>
      <nav class="chips" aria-label="Filter by status">
        <a class={active ? 'badge' : 'badge info'} href={base}>
          All
        </a>
        {(channel === 'sms' ? SMS_STATUSES : NOTIFICATION_STATUSES).map((s) => (
          <a class={s === active ? 'badge info' : 'badge'} href={`${base}${join}status=${s}`}>
            {s}
          </a>
        ))}
      </nav>
    </>
  );
};

const SmsList: FC<{ page: Page; rows: SmsMessage[]; status?: SmsStatus; next: string | null; first: string | null }> = (p) => (
  <Layout page={p.page} title="Messages · SMS" tab="emails">
    <PageHead title="Messages" sub="Text messages (reminders and number verification codes), newest first. Suppressed ones were never sent: the reason says why.">
      <Filters channel="sms" active={p.status} />
    </PageHead>
    <div class="table-wrap">
      {p.rows.length === 0 ? (
        <Empty title="No text messages">SMS steps of reminder workflows and hosts' verification codes show here.</Empty>
      ) : (
        <table id="sms">
          <thead>
            <tr>
              <th>Created</th>
              <th>Kind and text</th>
              <th>To</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Provider id</th>
              <th>Last error and attempts</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((m) => (
              <SmsRow m={m} />
            ))}
          </tbody>
        </table>
      )}
    </div>
    <Pager count={p.rows.length} next={p.next} first={p.first} />
  </Layout>
);

const EmailList: FC<{ page: Page; rows: EmailNotification[]; status?: NotificationStatus; next: string | null; first: string | null }> = (p) => (
  <Layout page={p.page} title="Messages" tab="emails">
    <PageHead title="Messages" sub="Emails (booking notifications and reminders), newest first. Failed and sent ones can be sent again (as a new message).">
      <Filters channel="email" active={p.status} />
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
const isSmsStatus = (v: string | undefined): v is SmsStatus => (SMS_STATUSES as readonly string[]).includes(v ?? '');

export const emailPages = new Hono<AdminEnv>()
  .get('/', async (c) => {
    const raw = c.req.query('status');
    const sms = c.req.query('channel') === 'sms';
    const status = sms ? (isSmsStatus(raw) ? raw : undefined) : isStatus(raw) ? raw : undefined;
    const { cursor, limit, link } = listParams(c, LIST, PAGE_SIZE);
    // Page links keep the channel and the status filter.
    const keep = (href: string) => {
      const url = new URL(href, 'http://admin.invalid');
      if (sms) url.searchParams.set('channel', 'sms');
      if (status) url.searchParams.set('status', status);
      return url.pathname + url.search;
    };
    if (sms) {
      const texts = await pageById({ limit, cursor }, (beforeId, take) => listSms(c.var.db, { status: status as SmsStatus | undefined, beforeId: beforeId ?? null, limit: take }));
      const nextSms = texts.next_cursor ? keep(link(texts.next_cursor)) : null;
      return c.html(<SmsList page={pageOf(c)} rows={texts.data} status={status as SmsStatus | undefined} next={nextSms} first={cursor ? keep(link()) : null} />);
    }
    const result = await pageById({ limit, cursor }, (beforeId, take) => listNotifications(c.var.db, { status: status as NotificationStatus | undefined, beforeId: beforeId ?? null, limit: take }));
    const next = result.next_cursor ? keep(link(result.next_cursor)) : null;
    return c.html(<EmailList page={pageOf(c)} rows={result.data} status={status as NotificationStatus | undefined} next={next} first={cursor ? keep(link()) : null} />);
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
