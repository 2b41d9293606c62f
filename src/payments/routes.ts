import { Hono } from 'hono';
import { currentUser, requireUser } from '../auth/middleware';
import type { AppEnv } from '../env';
import { validate } from '../lib/validation';
import { connectStripe, disconnectStripe, handleStripeWebhook, refundByHost, stripeAccount } from './service';
import { refundBody, stripeAccountBody } from './schemas';

export const paymentRoutes = new Hono<AppEnv>()
  // Stripe calls this: no session, the signature is the authentication (src/payments/service.ts).
  .post('/stripe/webhook', async (c) => {
    const answer = await handleStripeWebhook(c.var.d1, c.env, await c.req.text(), c.req.header('stripe-signature'));
    return c.json(answer.body, answer.status);
  })
  .get('/stripe/account', requireUser, async (c) => c.json(await stripeAccount(c.var.db, c.env, currentUser(c).id)))
  .post('/stripe/account', requireUser, validate('json', stripeAccountBody), async (c) => c.json(await connectStripe(c.var.db, c.env, currentUser(c).id, c.req.valid('json'))))
  .delete('/stripe/account', requireUser, async (c) => {
    await disconnectStripe(c.var.db, c.env, currentUser(c).id);
    return c.body(null, 204);
  })
  .post('/refunds', requireUser, validate('json', refundBody), async (c) => {
    const { booking_uid, amount } = c.req.valid('json');
    return c.json(await refundByHost(c.var.d1, c.env, currentUser(c), booking_uid, amount));
  });
