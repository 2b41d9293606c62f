import { app } from './app';
import type { Bindings, CalendarSyncMessage, CalendarWriteMessage, EmailQueueMessage, WebhookMessage } from './env';
import { CALENDAR_SYNC_QUEUE, consumeCalendarBatch, sweepCalendars } from './calendars/queue';
import { CALENDAR_WRITES_QUEUE, consumeCalendarWriteBatch, sweepCalendarWrites } from './calendars/writeback';
import { consumeEmailBatch, EMAIL_DEAD_LETTER_QUEUE, EMAIL_QUEUE, settleEmailDeadLetters } from './notifications/consumer';
import { sweepEmailOutbox } from './notifications/sweep';
import { getDb } from './db/client';
import { purgeExpiredRows, retentionOf } from './housekeeping';
import { consumeWebhookBatch, DEAD_LETTER_QUEUE, settleDeadLetters } from './webhooks/consumer';
import { sweepOutbox } from './webhooks/sweep';
import { sweepReminders } from './workflows/delivery';
import { sweepSms } from './sms/sender';
import { sweepPayments } from './payments/service';

export { HostCalendar } from './bookings/host-calendar';

type QueueMessage = WebhookMessage | EmailQueueMessage | CalendarSyncMessage | CalendarWriteMessage;

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    // Each queue carries one kind of message (wrangler.toml).
    if (batch.queue === CALENDAR_SYNC_QUEUE) await consumeCalendarBatch(batch as MessageBatch<unknown> as MessageBatch<CalendarSyncMessage>, env);
    else if (batch.queue === CALENDAR_WRITES_QUEUE) await consumeCalendarWriteBatch(batch as MessageBatch<unknown> as MessageBatch<CalendarWriteMessage>, env);
    else if (batch.queue === EMAIL_QUEUE) await consumeEmailBatch(batch as MessageBatch<unknown> as MessageBatch<EmailQueueMessage>, env);
    else if (batch.queue === EMAIL_DEAD_LETTER_QUEUE) await settleEmailDeadLetters(batch as MessageBatch<unknown> as MessageBatch<EmailQueueMessage>, env);
    else if (batch.queue === DEAD_LETTER_QUEUE) await settleDeadLetters(batch as MessageBatch<unknown> as MessageBatch<WebhookMessage>, env);
    else await consumeWebhookBatch(batch as MessageBatch<unknown> as MessageBatch<WebhookMessage>, env);
  },
  async scheduled(_controller, env) {
    const now = Date.now();
    // Reminders first: the steps a lost timer missed go into the email outbox the sweep below drains.
    await sweepReminders(env, now);
    await Promise.all([sweepOutbox(env, now), sweepEmailOutbox(env, now), sweepCalendarWrites(env, now), sweepSms(env, now)]);
    await sweepCalendars(env, now);
    // Unpaid bookings past their deadline are stored `expired` and their checkout closed; unconfirmed refunds retried.
    await sweepPayments(env, now);
    await purgeExpiredRows(getDb(env.DB), now, retentionOf(env));
  },
} satisfies ExportedHandler<Bindings, QueueMessage>;
