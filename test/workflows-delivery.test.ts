// Sending scheduled workflow steps (src/workflows/delivery.ts): at the due time and not before, exactly once when the
// alarm and two cron sweeps race, in the reader's zone after a DST change, escaped, through the email outbox; and a
// `webhook` step's MEETING_REMINDER to the host's subscribed webhooks.
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { hostCalendar } from '../src/bookings/stub';
import type { HostCalendar } from '../src/bookings/host-calendar';
import { processNotification } from '../src/notifications/consumer';
import { MemoryTransport } from '../src/notifications/transports/memory';
import { EMAIL_SWEEP_GRACE_MS, sweepEmailOutbox } from '../src/notifications/sweep';
import type { Bindings } from '../src/env';
import { processDelivery } from '../src/webhooks/consumer';
import { meetingReminderEnvelopeSchema } from '../src/webhooks/envelopes';
import { deliverDueReminders, REMINDER_SWEEP_GRACE_MS, sweepReminders } from '../src/workflows/delivery';
import { api, ATTENDEE, book, hostWithEventType, upcomingDate } from './helpers';
import { cleanUpWebhooks, createWebhook, stubSubscribers, type DeliveryRow } from './webhooks-helpers';
import { hostWithReminders, reminderWorkflow } from './workflows-helpers';

const HOUR = 3_600_000;

interface Step { id: number; due_at: number; status: string }
const stepsOf = async (uid: string) =>
  (await env.DB.prepare(`SELECT r.id, r.due_at, r.status FROM booking_reminders r JOIN bookings b ON b.id = r.booking_id WHERE b.uid = ? ORDER BY r.due_at`).bind(uid).all<Step>()).results;
const emailsOf = async (uid: string) =>
  (
    await env.DB.prepare(`SELECT id, notification_id, recipient_email, payload, status FROM booking_email_notifications WHERE booking_uid = ? AND trigger_event = 'MEETING_REMINDER' ORDER BY id`)
      .bind(uid)
      .all<{ id: number; notification_id: string; recipient_email: string; payload: string; status: string }>()
  ).results;

describe('delivering scheduled steps', () => {
  it('sends each step at its due time, not a millisecond before, once, through the email outbox', async () => {
    const host = await hostWithReminders();
    const created = await book(host.eventType.id, `${upcomingDate(3)}T10:00:00Z`);
    const [day, hour] = await stepsOf(created.json.uid);
    expect((await deliverDueReminders(env, day!.due_at - 1, { hostId: host.user.id })).claimed).toBe(0);
    const run = await deliverDueReminders(env, day!.due_at, { hostId: host.user.id });
    // The alarm's next time is the other step.
    expect(run).toEqual({ claimed: 1, next: hour!.due_at });
    expect((await stepsOf(created.json.uid)).map((s) => s.status)).toEqual(['sent', 'pending']);
    const [email] = await emailsOf(created.json.uid);
    expect(email).toMatchObject({ notification_id: `rem_${day!.id}_${day!.due_at}`, recipient_email: ATTENDEE.email, status: 'pending' });
    // A second run at the same time finds nothing more to send.
    expect((await deliverDueReminders(env, day!.due_at, { hostId: host.user.id })).claimed).toBe(0);
    // The consumer sends it like any outbox email, as plain text and HTML, without a calendar part.
    const transport = new MemoryTransport();
    await processNotification(env, email!.id, { transport });
    expect(transport.sent).toHaveLength(1);
    expect(JSON.parse(email!.payload).subject).toMatch(/^Reminder: .* at \w+day, /);
    expect(transport.sent[0]!.raw).toContain(`Subject: ${JSON.parse(email!.payload).subject}`);
    expect(transport.sent[0]!.raw).toContain(`Message-ID: <rem_${day!.id}_${day!.due_at}@`);
    expect(transport.sent[0]!.raw).not.toContain('text/calendar');
  });

  it('two sweeps and the alarm racing for one step send one email', async () => {
    const host = await hostWithReminders();
    const created = await book(host.eventType.id, `${upcomingDate(3)}T10:00:00Z`);
    const [day] = await stepsOf(created.json.uid);
    // Time runs past the step's due time (and the sweep's grace): every runner sees it due at once.
    const late = day!.due_at + REMINDER_SWEEP_GRACE_MS + 1;
    const stub = hostCalendar(env, host.user.id);
    await runInDurableObject(stub, (obj) => void ((obj as unknown as HostCalendar).clock = () => late));
    const [, , alarmRan] = await Promise.all([sweepReminders(env, late), sweepReminders(env, late), runDurableObjectAlarm(stub)]);
    expect(alarmRan).toBe(true);
    expect((await emailsOf(created.json.uid)).map((e) => e.notification_id)).toEqual([`rem_${day!.id}_${day!.due_at}`]);
    expect((await stepsOf(created.json.uid))[0]!.status).toBe('sent');
    // The alarm waits for the next step.
    expect(await runInDurableObject(stub, (_obj, state) => state.storage.getAlarm())).toBe((await stepsOf(created.json.uid))[1]!.due_at);
  });

  it('a reschedule across the DST change keeps "1 hour before" in real time and prints the new local time', async () => {
    const host = await hostWithReminders({ booking_window_days: 730 });
    // 2027-03-12 is before the US change (March 14), 2027-03-15 after it; the attendee is in America/New_York.
    const created = await book(host.eventType.id, '2027-03-12T14:00:00Z');
    expect(created.status).toBe(201);
    expect((await api('PATCH', `/v2/bookings/${created.json.uid}`, { body: { start: '2027-03-15T14:00:00Z' } })).status).toBe(200);
    const hour = (await stepsOf(created.json.uid))[1]!;
    expect(hour.due_at).toBe(Date.parse('2027-03-15T14:00:00Z') - HOUR);
    await deliverDueReminders(env, hour.due_at, { hostId: host.user.id });
    const email = (await emailsOf(created.json.uid)).find((e) => e.notification_id === `rem_${hour.id}_${hour.due_at}`)!;
    const payload = JSON.parse(email.payload);
    expect(payload.subject).toBe('Reminder: ' + created.json.title + ' at Monday, March 15, 2027, 10:00 AM EDT');
    expect(payload.text).toContain('When: Monday, March 15, 2027, 10:00 AM EDT (America/New_York)');
  });

  it('an attendee named <script> is escaped in the HTML mail; a cancelled booking’s steps never go out', async () => {
    const host = await hostWithReminders();
    const day = upcomingDate(3);
    const created = await book(host.eventType.id, `${day}T10:00:00Z`, { attendee: { ...ATTENDEE, name: '<script>alert(1)</script>' } });
    const [first] = await stepsOf(created.json.uid);
    await deliverDueReminders(env, first!.due_at, { hostId: host.user.id });
    const payload = JSON.parse((await emailsOf(created.json.uid))[0]!.payload);
    expect(payload.html).not.toContain('<script>');
    expect(payload.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');

    const cancelled = await book(host.eventType.id, `${day}T12:00:00Z`);
    expect((await api('DELETE', `/v2/bookings/${cancelled.json.uid}`, { body: {} })).status).toBe(200);
    const steps = await stepsOf(cancelled.json.uid);
    await deliverDueReminders(env, steps[1]!.due_at + 1, { hostId: host.user.id });
    expect(await emailsOf(cancelled.json.uid)).toEqual([]);
  });

  it('an on_cancelled step goes to the host at the cancel, through the alarm it arms', async () => {
    const host = await hostWithReminders();
    const created = await reminderWorkflow(host.token, host.eventType.id, 0, {
      trigger: 'on_cancelled',
      steps: [{ action: 'email_host', subject: 'Cancelled: {event_title}', body: '{attendee_name} cancelled {start_local}' }],
    });
    expect(created.status).toBe(201);
    const booked = await book(host.eventType.id, `${upcomingDate(3)}T10:00:00Z`);
    expect((await api('DELETE', `/v2/bookings/${booked.json.uid}`, { body: {} })).status).toBe(200);
    // The cancel armed the alarm for now: it may be running already; this runs it if not. Either way it sends the step.
    await runDurableObjectAlarm(hostCalendar(env, host.user.id));
    for (let i = 0; i < 100 && (await stepsOf(booked.json.uid))[0]!.status !== 'sent'; i++) await scheduler.wait(20);
    const emails = await emailsOf(booked.json.uid);
    expect(emails.map((e) => e.recipient_email)).toEqual([host.user.email]);
    expect(JSON.parse(emails[0]!.payload).subject).toMatch(/^Cancelled: /);
    expect((await stepsOf(booked.json.uid)).map((s) => s.status)).toEqual(['sent', 'voided', 'voided']);
  });

  it('the attendee’s reminders count against the per-recipient email budget', async () => {
    const host = await hostWithReminders();
    const email = `budget-${Date.now()}@example.com`;
    const booked = await book(host.eventType.id, `${upcomingDate(3)}T10:00:00Z`, { attendee: { ...ATTENDEE, email } });
    const [day] = await stepsOf(booked.json.uid);
    // The address already got 10 emails in the hour before the step is due (the default hourly budget).
    for (let i = 0; i < 10; i++) {
      await env.DB.prepare(
        `INSERT INTO booking_email_notifications (notification_id, booking_uid, trigger_event, recipient_role, recipient_email, recipient_name, payload, status, created_at, updated_at)
         VALUES (?, 'other', 'BOOKING_CREATED', 'attendee', ?, 'X', '{}', 'sent', ?, ?)`,
      )
        .bind(`ntf_budget_${Date.now()}_${i}`, email, day!.due_at - 60_000, day!.due_at - 60_000)
        .run();
    }
    await deliverDueReminders(env, day!.due_at, { hostId: host.user.id });
    const [reminder] = await emailsOf(booked.json.uid);
    expect(reminder!.status).toBe('suppressed');
  });

  it('a crash between the claim and the queue send: the email outbox sweep sends that one email, the step is never claimed twice', async () => {
    const host = await hostWithReminders();
    const booked = await book(host.eventType.id, `${upcomingDate(3)}T10:00:00Z`);
    const [day] = await stepsOf(booked.json.uid);
    // The claim and its email row commit; the queue send after it fails (as if the Worker died there).
    const broken = { ...env, EMAILS: { sendBatch: () => Promise.reject(new Error('queue down')), send: () => Promise.reject(new Error('queue down')) } } as unknown as Bindings;
    expect((await deliverDueReminders(broken, day!.due_at, { hostId: host.user.id })).claimed).toBe(1);
    const [email] = await emailsOf(booked.json.uid);
    expect(await env.DB.prepare('SELECT enqueued_at FROM booking_email_notifications WHERE id = ?').bind(email!.id).first('enqueued_at')).toBeNull();
    // Another alarm or sweep finds nothing to claim; the email outbox's own sweep enqueues the row it left.
    expect((await sweepReminders(env, day!.due_at + 10 * 60_000)).claimed).toBe(0);
    await sweepEmailOutbox(env, day!.due_at + EMAIL_SWEEP_GRACE_MS + 1);
    expect(await env.DB.prepare('SELECT enqueued_at FROM booking_email_notifications WHERE id = ?').bind(email!.id).first('enqueued_at')).not.toBeNull();
    expect((await emailsOf(booked.json.uid)).length).toBe(1);
  });

  it("the host's stored 12/24-hour preference wins over the workflow's for what the host reads", async () => {
    const host = await hostWithReminders();
    expect((await reminderWorkflow(host.token, host.eventType.id, 0, { trigger: 'on_booked', steps: [{ action: 'email_host', subject: 'New: {start_local}' }, { action: 'email_attendee', subject: 'You: {start_local}' }] })).status).toBe(201);
    const me = await api('PATCH', '/v2/me', { token: host.token, body: { time_format: '24h' } });
    expect(me.json.time_format).toBe('24h');
    const booked = await book(host.eventType.id, `${upcomingDate(3)}T15:00:00Z`);
    const onBooked = (await stepsOf(booked.json.uid)).filter((s) => s.status === 'pending')[0]!;
    await deliverDueReminders(env, onBooked.due_at, { hostId: host.user.id });
    const subjects = (await emailsOf(booked.json.uid)).map((e) => JSON.parse(e.payload).subject as string);
    // The host (UTC) reads 15:00; the attendee (New York, the workflow's 12-hour clock) 10:00 AM.
    expect(subjects).toEqual([expect.stringMatching(/^New: \w+day, .*, 15:00 UTC$/), expect.stringMatching(/^You: \w+day, .*, 1[01]:00 AM E[SD]T$/)]);
  });
});

describe('webhook steps', () => {
  afterEach(cleanUpWebhooks);

  it('fire MEETING_REMINDER to the subscribed webhooks of the host once, when the step is due', async () => {
    const host = await hostWithEventType();
    const subscribed = await createWebhook(host.token, { event_triggers: ['MEETING_REMINDER'] });
    const other = await createWebhook(host.token, { event_triggers: ['BOOKING_CREATED'] });
    const workflow = await api('POST', `/v2/event-types/${host.eventType.id}/workflows`, {
      token: host.token,
      body: { name: 'Tell the CRM', trigger: 'before_start', offset_minutes: 30, steps: [{ action: 'webhook' }] },
    });
    expect(workflow.status).toBe(201);
    expect(workflow.json.steps).toEqual([{ action: 'webhook', subject: '', body: '' }]);
    stubSubscribers();
    const created = await book(host.eventType.id, `${upcomingDate(3)}T10:00:00Z`);
    const step = (await env.DB.prepare(`SELECT r.id, r.due_at FROM booking_reminders r JOIN bookings b ON b.id = r.booking_id WHERE b.uid = ?`).bind(created.json.uid).first<{ id: number; due_at: number }>())!;
    const reminders = () =>
      env.DB.prepare(`SELECT * FROM booking_webhook_deliveries WHERE trigger_event = 'MEETING_REMINDER' AND webhook_id IN (?, ?)`).bind(subscribed.id, other.id).all<DeliveryRow>();

    expect((await deliverDueReminders(env, step.due_at - 1, { hostId: host.user.id })).claimed).toBe(0);
    expect((await reminders()).results).toHaveLength(0);
    await Promise.all([deliverDueReminders(env, step.due_at, { hostId: host.user.id }), deliverDueReminders(env, step.due_at)]);
    const rows = (await reminders()).results;
    expect(rows.map((r) => [r.webhook_id, r.event_id])).toEqual([[subscribed.id, `rem_${step.id}_${step.due_at}_${subscribed.id}`]]);
    const envelope = JSON.parse(rows[0]!.payload);
    expect(meetingReminderEnvelopeSchema.parse(envelope)).toMatchObject({
      triggerEvent: 'MEETING_REMINDER',
      payload: {
        uid: created.json.uid,
        bookingId: rows[0]!.booking_id,
        organizer: { id: host.user.id },
        reminder: { workflowId: workflow.json.id, workflowName: 'Tell the CRM', trigger: 'before_start', step: 0, dueAt: new Date(step.due_at).toISOString() },
      },
    });
    // Delivered like any webhook: signed, with the step's key as webhook-id.
    const { received } = stubSubscribers();
    await processDelivery(env, rows[0]!.id);
    expect(received).toHaveLength(1);
    expect(received[0]!.headers.get('webhook-id')).toBe(`rem_${step.id}_${step.due_at}_${subscribed.id}`);
    expect(JSON.parse(received[0]!.body).triggerEvent).toBe('MEETING_REMINDER');
  });

  it('MEETING_REMINDER is a trigger webhooks can subscribe to', async () => {
    const host = await hostWithEventType();
    const res = await api('POST', '/v2/webhooks', { token: host.token, body: { subscriber_url: 'https://hooks.example.com/x', event_triggers: ['MEETING_REMINDER', 'BOOKING_CREATED'] } });
    expect(res.status).toBe(201);
    expect(res.json.event_triggers).toEqual(['MEETING_REMINDER', 'BOOKING_CREATED']);
    await api('DELETE', `/v2/webhooks/${res.json.id}`, { token: host.token });
  });
});
