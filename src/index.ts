import { app } from './app';
import type { Bindings, WebhookMessage } from './env';

export { HostCalendar } from './bookings/host-calendar';

export default {
  fetch: app.fetch,
  async queue(batch) {
    // Webhook delivery consumer: see src/webhooks (until it lands, messages are acknowledged one by one).
    for (const message of batch.messages) message.ack();
  },
  async scheduled() {
    // Outbox sweep: see src/webhooks.
  },
} satisfies ExportedHandler<Bindings, WebhookMessage>;
