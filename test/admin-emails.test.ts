// The admin's Messages tab: the email outbox with status, attempts and last error, and resend; the SMS outbox beside it.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { csrfToken } from '../src/web/csrf';
import { book, getPage, hostWithEventType, makeAdmin, makeUser, postForm, upcomingDate, waitFor } from './helpers';

function waitSettled(uid: string) {
  return waitFor(async () => {
    const { results } = await env.DB.prepare('SELECT id, status FROM booking_email_notifications WHERE booking_uid = ? ORDER BY id').bind(uid).all<{ id: number; status: string }>();
    return results.length > 0 && results.every((r) => r.status !== 'pending') && results;
  }, 'notifications settled', 8000);
}

describe('/admin/emails', () => {
  it('lists notifications with status, attempts and last error, filters by status, and resends a settled one as a new message', async () => {
    const admin = await makeAdmin();
    const cookie = `session=${admin.token}`;
    const { eventType } = await hostWithEventType();
    const { json: b } = await book(eventType.id, `${upcomingDate(2, 7)}T10:00:00Z`);
    const [first] = await waitSettled(b.uid);
    // One that failed, as a permanent failure leaves it.
    await env.DB.prepare(`UPDATE booking_email_notifications SET status = 'failed', attempts = 1, last_error = 'E_RECIPIENT_SUPPRESSED: suppressed' WHERE id = ?`).bind(first!.id).run();

    const list = await getPage('/admin/emails', cookie);
    expect(list.status).toBe(200);
    expect(list.html).toContain('aria-current="page">Messages<');
    expect(list.html).toContain(`id="email-${first!.id}"`);
    expect(list.html).toContain('E_RECIPIENT_SUPPRESSED: suppressed');
    expect(list.html).toContain(b.uid);

    const failedOnly = await getPage('/admin/emails?status=failed', cookie);
    expect(failedOnly.html).toContain(`id="email-${first!.id}"`);
    expect(failedOnly.html).not.toMatch(/<span class="badge ok">sent<\/span>/);

    const csrf = await csrfToken(admin.token, 'session');
    const resent = await postForm(`/admin/emails/${first!.id}/resend`, { _csrf: csrf }, { cookie });
    expect(resent.status).toBe(303);
    expect(resent.location).toBe('/admin/emails');
    const copies = await env.DB.prepare('SELECT id, notification_id, recipient_email, payload FROM booking_email_notifications WHERE booking_uid = ? ORDER BY id').bind(b.uid).all<Record<string, any>>();
    expect(copies.results).toHaveLength(3);
    const [orig, , copy] = copies.results;
    expect(copy!.recipient_email).toBe(orig!.recipient_email);
    expect(copy!.payload).toBe(orig!.payload);
    expect(copy!.notification_id).not.toBe(orig!.notification_id);
    const settled = await waitSettled(b.uid);
    expect(settled.at(-1)!.status).toBe('sent');
  });

  it('refuses to resend one still pending, needs the CSRF token, answers unknown ids with 404, and is for super admins only', async () => {
    const admin = await makeAdmin();
    const cookie = `session=${admin.token}`;
    const csrf = await csrfToken(admin.token, 'session');
    const now = Date.now();
    const pending = await env.DB.prepare(
      `INSERT INTO booking_email_notifications (notification_id, booking_uid, trigger_event, recipient_role, recipient_email, recipient_name, payload, status, attempts, attempt_log, created_at, updated_at)
       VALUES (?, 'bk_admin_pending_000001', 'BOOKING_CREATED', 'attendee', 'a@example.com', 'A', '{}', 'pending', 0, '[]', ?, ?) RETURNING id`,
    )
      .bind(`ntf_admin_${now}`, now, now)
      .first<{ id: number }>();
    const refused = await postForm(`/admin/emails/${pending!.id}/resend`, { _csrf: csrf }, { cookie });
    expect(refused.status).toBe(303);
    expect((await env.DB.prepare('SELECT COUNT(*) AS n FROM booking_email_notifications WHERE booking_uid = ?').bind('bk_admin_pending_000001').first<{ n: number }>())!.n).toBe(1);

    expect((await postForm(`/admin/emails/${pending!.id}/resend`, {}, { cookie })).status).toBe(403);
    expect((await postForm('/admin/emails/999999999/resend', { _csrf: csrf }, { cookie })).status).toBe(404);
    expect((await postForm('/admin/emails/abc/resend', { _csrf: csrf }, { cookie })).status).toBe(404);

    const user = await makeUser();
    expect((await getPage('/admin/emails', `session=${user.token}`)).status).toBe(403);
    expect((await getPage('/admin/emails', '')).status).toBe(302);
  });

  it('the event type form shows and saves the email switch', async () => {
    const admin = await makeAdmin();
    const cookie = `session=${admin.token}`;
    const { eventType } = await hostWithEventType({ email_notifications: false });
    const form = await getPage(`/admin/event-types/${eventType.id}/edit`, cookie);
    expect(form.status).toBe(200);
    expect(form.html).toMatch(/<input type="checkbox" name="email_notifications" value="on"\/?>/);
    const on = await hostWithEventType();
    expect((await getPage(`/admin/event-types/${on.eventType.id}/edit`, cookie)).html).toMatch(/name="email_notifications" value="on" checked/);
  });

  it('the SMS channel lists texts with status, attempts, provider id and error, and filters by status', async () => {
    const admin = await makeAdmin();
    const cookie = `session=${admin.token}`;
    const now = Date.now();
    const insert = (key: string, status: string, extra: { provider?: string; error?: string; attempts?: number }) =>
      env.DB.prepare(
        `INSERT INTO sms_messages (message_key, host_id, kind, recipient_role, to_number, body, status, attempts, attempt_log, last_error, provider_id, created_at, updated_at)
         VALUES (?, 1, 'reminder', 'attendee', '+14155550142', 'Reminder: <b>Intro</b> at 9:00 AM', ?, ?, '[]', ?, ?, ?, ?) RETURNING id`,
      )
        .bind(key, status, extra.attempts ?? 0, extra.error ?? null, extra.provider ?? null, now, now)
        .first<{ id: number }>();
    const sent = await insert(`adm_sent_${now}`, 'sent', { provider: 'SMadmin0000000000000000000000001', attempts: 1 });
    const suppressed = await insert(`adm_supp_${now}`, 'suppressed', { error: 'Not sent: this number replied STOP and is opted out' });
    const list = await getPage('/admin/emails?channel=sms', cookie);
    expect(list.status).toBe(200);
    expect(list.html).toContain('aria-current="page">Messages<');
    expect(list.html).toContain(`id="sms-${sent!.id}"`);
    expect(list.html).toContain('SMadmin0000000000000000000000001');
    expect(list.html).toContain('Not sent: this number replied STOP and is opted out');
    // The text a booker's answers went into is escaped.
    expect(list.html).toContain('Reminder: &lt;b&gt;Intro&lt;/b&gt; at 9:00 AM');
    // A host's verification code is theirs alone (stored only as a hash on the user): never shown here.
    await env.DB.prepare(
      `INSERT INTO sms_messages (message_key, host_id, kind, recipient_role, to_number, body, status, attempts, attempt_log, created_at, updated_at)
       VALUES (?, 1, 'verification', 'host', '+14155550143', 'Your calflare verification code is 482913. It expires in 15 minutes.', 'sent', 1, '[]', ?, ?)`,
    ).bind(`ver_adm_${now}`, now, now).run();
    expect((await getPage('/admin/emails?channel=sms', cookie)).html).not.toContain('482913');
    const only = await getPage('/admin/emails?channel=sms&status=suppressed', cookie);
    expect(only.html).toContain(`id="sms-${suppressed!.id}"`);
    expect(only.html).not.toContain(`id="sms-${sent!.id}"`);
  });
});
