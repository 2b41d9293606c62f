// Request and response shapes of the SMS routes: the host's own number (/v2/me/phone) and Twilio's inbound webhook.
import { z } from 'zod';

export const setPhoneBody = z.strictObject({
  phone_number: z.string().trim().min(2).max(40).describe('Your mobile number in E.164 (`+14155552671`); a code is sent to it once'),
});
export const verifyPhoneBody = z.strictObject({ code: z.string().trim().regex(/^\d{6}$/, 'The 6-digit code from the text message') });

export const phoneResponse = z.strictObject({
  phone_number: z.string().nullable().describe('E.164; null when none is set'),
  verified: z.boolean().describe('`sms_host` reminders go only to a verified number'),
  verified_at: z.iso.datetime().nullable(),
  code_expires_at: z.iso.datetime().nullable().describe('While a code is waiting to be entered'),
});

/**
 * What Twilio posts when a message reaches our number (form-encoded). Only these are read; Twilio sends many more,
 * all of which are part of the signature, so the handler reads the raw form rather than this schema.
 */
export const twilioInboundForm = z.looseObject({
  From: z.string().describe('The sender, E.164'),
  To: z.string().describe('Our Twilio number'),
  Body: z.string().describe('The text: STOP (or STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) opts the sender out for good'),
  MessageSid: z.string().optional(),
  AccountSid: z.string().optional(),
});
