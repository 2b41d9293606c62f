// The OpenAPI description of the SMS routes (src/sms/routes.ts).
import { z } from 'zod';
import type { ResourceDocs } from '../openapi/types';
import { phoneResponse, setPhoneBody, twilioInboundForm, verifyPhoneBody } from './schemas';

export const smsDocs: ResourceDocs = {
  requestSchemas: { SetPhoneBody: setPhoneBody, VerifyPhoneBody: verifyPhoneBody, TwilioInboundForm: twilioInboundForm },
  responseSchemas: { Phone: phoneResponse },
  operations: [
    {
      operationId: 'getMyPhone',
      method: 'get',
      path: '/v2/me/phone',
      tag: 'Auth',
      summary: 'Your number for SMS reminders',
      auth: 'session',
      success: { status: 200, description: 'The number and whether it is verified', schema: phoneResponse },
    },
    {
      operationId: 'setMyPhone',
      method: 'post',
      path: '/v2/me/phone',
      tag: 'Auth',
      summary: 'Set your number for `sms_host` reminders and text it a code',
      description:
        'The number must be valid E.164 in a country of `SMS_ALLOWED_COUNTRIES`. A 6-digit code, valid 15 minutes, is texted once per number: ' +
        'another goes only after that one expired or five wrong tries, and at most three a day. The text counts against the SMS limits (per number, per host) and is ' +
        'never sent to a number that replied STOP.',
      auth: 'session',
      body: { schema: setPhoneBody },
      success: { status: 202, description: 'The code is on its way; verify it with POST /v2/me/phone/verify', schema: phoneResponse },
      errors: {
        conflict: 'The number is already verified, a code sent to it is still waiting, or the SMS limits refused the text',
        rate_limited: 'Three codes were already texted for you in the last 24 hours',
      },
    },
    {
      operationId: 'verifyMyPhone',
      method: 'post',
      path: '/v2/me/phone/verify',
      tag: 'Auth',
      summary: 'Verify your number with the code texted to it',
      description: 'A wrong code is a 400 and uses one of five tries.',
      auth: 'session',
      body: { schema: verifyPhoneBody },
      success: { status: 200, description: 'Verified', schema: phoneResponse },
      errors: { conflict: 'The number is already verified' },
    },
    {
      operationId: 'deleteMyPhone',
      method: 'delete',
      path: '/v2/me/phone',
      tag: 'Auth',
      summary: 'Remove your number',
      description: '`sms_host` reminders are not sent (recorded as suppressed) until a number is verified again.',
      auth: 'session',
      success: { status: 204, description: 'Removed' },
    },
    {
      operationId: 'twilioInbound',
      method: 'post',
      path: '/v2/sms/twilio/inbound',
      tag: 'Webhooks',
      summary: "Twilio's inbound message webhook (STOP opts out)",
      description:
        "Set it as the \"A message comes in\" webhook (HTTP POST) of the Twilio number or Messaging Service. Only requests whose `X-Twilio-Signature` " +
        "is valid for this URL and the deployment's `TWILIO_AUTH_TOKEN` are read (403 otherwise). A message that is exactly STOP, STOPALL, " +
        'UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE or OPTOUT (any case) opts its sender out of every SMS from this deployment, for good. ' +
        'Answers empty TwiML.',
      auth: 'public',
      headers: [{ name: 'X-Twilio-Signature', schema: z.string(), description: "Twilio's HMAC-SHA1 of the URL and the form parameters", required: true }],
      body: { schema: twilioInboundForm, mediaType: 'application/x-www-form-urlencoded' },
      success: { status: 200, description: 'Empty TwiML', mediaType: 'text/xml' },
      errors: { forbidden: 'The signature is missing or wrong' },
    },
  ],
};
