// The SMS routes: the host's own number (/v2/me/phone: set it, which texts a code once; verify it; read; remove) and
// Twilio's inbound webhook (/v2/sms/twilio/inbound), where a STOP reply opts the sender out for good. The webhook is
// form-encoded and signed by Twilio (X-Twilio-Signature): it is mounted ahead of the API's JSON-only rule.
import { Hono } from 'hono';
import { currentUser, requireUser } from '../auth/middleware';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { validate } from '../lib/validation';
import { clearHostPhone, optOut, phoneJson, setHostPhone, verifyHostPhone } from './host-phone';
import { toE164 } from './phone';
import { setPhoneBody, verifyPhoneBody } from './schemas';
import { optOutKeyword, verifyTwilioSignature } from './twilio';

export const hostPhoneRoutes = new Hono<AppEnv>()
  .get('/', requireUser, (c) => c.json(phoneJson(currentUser(c), Date.now())))
  .post('/', requireUser, validate('json', setPhoneBody), async (c) => {
    return c.json(await setHostPhone(c.env, c.env.DB, currentUser(c), c.req.valid('json').phone_number, Date.now()), 202);
  })
  .post('/verify', requireUser, validate('json', verifyPhoneBody), async (c) => {
    return c.json(await verifyHostPhone(c.env.DB, currentUser(c), c.req.valid('json').code, Date.now()));
  })
  .delete('/', requireUser, async (c) => {
    await clearHostPhone(c.env.DB, currentUser(c).id, Date.now());
    return c.body(null, 204);
  });

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export const smsInboundRoutes = new Hono<AppEnv>().post('/twilio/inbound', async (c) => {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new ApiError('unsupported_media_type', 'Twilio posts application/x-www-form-urlencoded');
  const params = [...new URLSearchParams(await c.req.text())];
  // Twilio signs the URL it called, exactly: ours as the request reached us.
  const signed = await verifyTwilioSignature(c.env.TWILIO_AUTH_TOKEN ?? '', c.req.url, params, c.req.header('x-twilio-signature'));
  if (!signed) throw new ApiError('forbidden', 'Invalid X-Twilio-Signature');
  const form = new Map(params);
  const keyword = optOutKeyword(form.get('Body') ?? '');
  const from = toE164(form.get('From') ?? '') ?? form.get('From');
  if (keyword && from) await optOut(c.env.DB, from, keyword, Date.now());
  // An empty TwiML answer: Twilio sends its own opt-out confirmation for STOP; we reply nothing.
  return c.body(EMPTY_TWIML, 200, { 'Content-Type': 'text/xml; charset=utf-8' });
});
