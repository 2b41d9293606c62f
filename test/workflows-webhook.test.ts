// A workflow's `webhook` step: the host's webhooks subscribed to MEETING_REMINDER get one signed delivery when the step
// is due (the queue consumer POSTs it like any other), others get none.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { processDelivery } from '../src/webhooks/consumer';
import { meetingReminderEnvelopeSchema } from '../src/webhooks/envelopes';
import { deliverDueReminders } from '../src/workflows/delivery';
import { api, book, hostWithEventType, upcomingDate } from './helpers';
import { cleanUpWebhooks, createWebhook, stubSubscribers, type DeliveryRow } from './webhooks-helpers';

afterEach(cleanUpWebhooks);

describe('webhook steps', () => {
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
