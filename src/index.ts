import { app } from './app';
import { getDb } from './db/client';
import { purgeExpiredRows } from './housekeeping';
import type { Bindings, WebhookMessage } from './env';
import { consumeWebhookBatch, DEAD_LETTER_QUEUE, settleDeadLetters } from './webhooks/consumer';
import { sweepOutbox } from './webhooks/sweep';

export { HostCalendar } from './bookings/host-calendar';

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue === DEAD_LETTER_QUEUE) await settleDeadLetters(batch, env);
    else await consumeWebhookBatch(batch, env);
  },
  async scheduled(_controller, env) {
    const now = Date.now();
    await sweepOutbox(env, now);
    await purgeExpiredRows(getDb(env.DB), now);
  },
} satisfies ExportedHandler<Bindings, WebhookMessage>;
