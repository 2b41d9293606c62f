import { app } from './app';
import { CALENDAR_SYNC_QUEUE, consumeCalendarBatch, sweepCalendars } from './calendars/queue';
import { getDb } from './db/client';
import { purgeExpiredRows } from './housekeeping';
import type { Bindings, CalendarSyncMessage, WebhookMessage } from './env';
import { consumeWebhookBatch, DEAD_LETTER_QUEUE, settleDeadLetters } from './webhooks/consumer';
import { sweepOutbox } from './webhooks/sweep';

export { HostCalendar } from './bookings/host-calendar';

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue === CALENDAR_SYNC_QUEUE) await consumeCalendarBatch(batch as MessageBatch<unknown> as MessageBatch<CalendarSyncMessage>, env);
    else if (batch.queue === DEAD_LETTER_QUEUE) await settleDeadLetters(batch, env);
    else await consumeWebhookBatch(batch, env);
  },
  async scheduled(_controller, env) {
    const now = Date.now();
    await sweepOutbox(env, now);
    await sweepCalendars(env, now);
    await purgeExpiredRows(getDb(env.DB), now);
  },
} satisfies ExportedHandler<Bindings, WebhookMessage>;
