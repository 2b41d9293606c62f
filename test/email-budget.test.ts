// Email bombing (issue #25 item 6): the notifications one recipient address receives are bounded over time, counted
// where the outbox row is written, across hosts and both the API and the pages. Beyond the budget the change still
// happens but its email is not sent: the row is `suppressed` with the reason, which the admin Emails tab shows.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { book, getPage, hostWithEventType, makeAdmin, page, publicHost, upcomingDate, waitFor } from './helpers';

const PER_HOUR = Number(env.EMAIL_RECIPIENT_MAX_PER_HOUR);
const day = (n: number) => upcomingDate(1 + (n % 5), 7 + 7 * Math.floor(n / 5));
const at = (n: number) => `${day(n)}T${String(9 + (n % 5)).padStart(2, '0')}:00:00Z`;

const rowsTo = async (email: string) =>
  (
    await env.DB.prepare('SELECT id, status, last_error, recipient_role FROM booking_email_notifications WHERE lower(recipient_email) = ? ORDER BY id')
      .bind(email)
      .all<{ id: number; status: string; last_error: string | null; recipient_role: string }>()
  ).results;

describe('per-recipient email budget', () => {
  it('the default is stated in [vars]', () => {
    expect(PER_HOUR).toBe(10);
    expect(Number(env.EMAIL_RECIPIENT_MAX_PER_DAY)).toBe(30);
  });

  it('beyond the hourly budget of one address (across hosts, API and pages) the booking is made but its email is suppressed, with the reason shown', async () => {
    const victim = `victim-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const hosts = [await hostWithEventType(), await hostWithEventType()];
    for (let i = 0; i < PER_HOUR - 1; i++) {
      const res = await book(hosts[i % 2]!.eventType.id, at(i), { attendee: { name: 'V', email: i % 3 === 0 ? victim.toUpperCase() : victim, timezone: 'UTC' } });
      expect(res.status).toBe(201);
    }
    // The budget's last email goes through the booking form of a third host; the next one is over it.
    const pageHost = await publicHost();
    const form = await page(`${pageHost.booker}/book?start=${at(20)}`, { form: { key: `k-${crypto.randomUUID()}`, name: 'V', email: victim, tz: 'UTC', fmt: '24h' } });
    expect(form.status).toBe(303);
    const over = await book(hosts[0]!.eventType.id, at(21), { attendee: { name: 'V', email: victim, timezone: 'UTC' } });
    expect(over.status).toBe(201);
    const rows = await rowsTo(victim);
    expect(rows).toHaveLength(PER_HOUR + 1);
    expect(rows.slice(0, PER_HOUR).every((r) => r.status !== 'suppressed')).toBe(true);
    const suppressed = rows[PER_HOUR]!;
    expect(suppressed.status).toBe('suppressed');
    expect(suppressed.last_error).toMatch(/^Not sent: this address already got 10 emails in the last hour/);
    // The host still hears of the booking; another address is unaffected.
    const hostRows = await env.DB.prepare("SELECT status FROM booking_email_notifications WHERE booking_uid = ? AND recipient_role = 'host'").bind(over.json.uid).all<{ status: string }>();
    expect(hostRows.results.map((r) => r.status)).not.toContain('suppressed');
    const other = `other-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await book(hosts[1]!.eventType.id, at(22), { attendee: { name: 'O', email: other, timezone: 'UTC' } });
    expect((await rowsTo(other)).map((r) => r.status)).not.toContain('suppressed');
    // Never sent: the consumer settles the others and leaves it suppressed.
    await waitFor(async () => (await rowsTo(victim)).slice(0, PER_HOUR).every((r) => r.status === 'sent'), 'the budget\'s emails sent', 8000);
    expect((await rowsTo(victim))[PER_HOUR]!.status).toBe('suppressed');
    // The admin Emails tab shows it and why, and filters by it.
    const admin = await makeAdmin();
    const tab = await getPage('/admin/emails?status=suppressed&limit=200', `session=${admin.token}`);
    expect(tab.status).toBe(200);
    const row = tab.html.slice(tab.html.indexOf(`id="email-${suppressed.id}"`));
    expect(row).toContain('suppressed');
    expect(row).toContain('Not sent: this address already got 10 emails in the last hour');
  });
});
