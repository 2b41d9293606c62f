// Booking questions: what an event type asks the person booking, Cal.com-shaped, and the server-side check of the
// answers. Pure: no I/O, no Hono, no drizzle. Used by the event type API (the field list), the bookings API and the
// public booking form (the answers), and the webhook payload (`responses`).
//
// The contract (docs/DESIGN.md, "Booking questions"):
// - An event type's `booking_fields` is an ordered list. The built-ins `name`, `email`, `notes` and `guests` are always
//   in it: a list that leaves one out gets it back at its default place. Their type is fixed; `name` and `email` are
//   always required and shown; `notes` and `guests` may be required or hidden (`guests` is hidden by default).
// - Custom fields have unique slug names (not a built-in's) and one of FIELD_TYPES; choice types need `options`.
// - Answers: `name`, `email` and `notes` travel in the attendee; every other shown field is answered in
//   `booking_fields_responses` by name. Unknown names and answers to hidden fields are refused; a required field must be
//   answered (a required `boolean` must be true); choices must be among the options; lengths within the bounds.
import { z } from 'zod';
import type { ErrorIssue } from '../lib/errors';
import { toE164 } from '../sms/phone';
import { FIELD_TYPES, type BookingField, type BookingFieldAnswer, type BookingFieldResponses, type FieldType } from '../db/json-types';


/** Types whose answer is one or more of the field's options. */
export const CHOICE_TYPES: ReadonlySet<FieldType> = new Set(['select', 'multiselect', 'checkbox', 'radio']);
/** Types whose answer is free text, where min_length / max_length apply. */
const TEXT_TYPES: ReadonlySet<FieldType> = new Set(['text', 'textarea', 'phone', 'url', 'email']);

export const BUILT_IN_FIELDS: readonly BookingField[] = [
  { name: 'name', type: 'text', label: 'Your name', required: true },
  { name: 'email', type: 'email', label: 'Email address', required: true },
  { name: 'notes', type: 'textarea', label: 'Additional notes', required: false, placeholder: 'Anything that helps prepare for the meeting' },
  { name: 'guests', type: 'multiemail', label: 'Additional guests', required: false, hidden: true },
];
const BUILT_IN = new Map(BUILT_IN_FIELDS.map((f) => [f.name, f]));
/** Answered in the attendee, not in booking_fields_responses. */
export const ATTENDEE_FIELDS: ReadonlySet<string> = new Set(['name', 'email', 'notes']);

export const MAX_FIELDS = 30;
/**
 * The answer that records the attendee's explicit consent to SMS reminders (`true` only when they ticked the box
 * under the phone field marked `sms_consent`). Reserved: no question may take this name.
 */
export const SMS_CONSENT = 'sms_consent';

/** The phone question whose number SMS reminders go to (with consent), if the event type asks one. */
export const smsPhoneField = (fields: readonly BookingField[] | null | undefined) => (fields ?? []).find((f) => f.type === 'phone' && f.sms_consent && !f.hidden);
const MAX_TEXT = 2000;
const MAX_LIST = 50;
const MAX_GUESTS = 10;

// Names every plain object already answers to (`constructor`, ...): as a question's name they would read as an answer
// where none was given. Refused at save time; answers also live in maps without a prototype (`answerMap`), so one stored
// before this rule still works.
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** An empty map of answers by field name, without a prototype: only what was answered is in it. */
export const answerMap = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/** The answer given under a name: own properties only, never one the object inherits. */
export const ownAnswer = (map: Record<string, unknown>, name: string): unknown => (Object.hasOwn(map, name) ? map[name] : undefined);

const optionSchema = z.strictObject({
  value: z.string().trim().min(1).max(100),
  label: z.string().trim().min(1).max(200),
});

const fieldSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(40)
    .regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, 'Use lowercase letters, digits and single dashes or underscores')
    .refine((name) => !PROTOTYPE_NAMES.has(name) && name !== SMS_CONSENT, 'This name is reserved: choose another'),
  type: z.enum(FIELD_TYPES),
  label: z.string().trim().min(1).max(200),
  required: z.boolean().default(false),
  placeholder: z.string().trim().max(200).optional(),
  options: z.array(optionSchema).min(1).max(MAX_LIST).optional(),
  min_length: z.number().int().min(0).max(MAX_TEXT).optional(),
  max_length: z.number().int().min(1).max(MAX_TEXT).optional(),
  hidden: z.boolean().optional(),
  sms_consent: z.boolean().optional().describe('A `phone` field only: the form asks for explicit consent to SMS reminders (answer `sms_consent: true`)'),
});

/**
 * The `booking_fields` an API client or the admin form sends, checked and completed with the built-ins it left out.
 * Output: the full ordered list as stored and answered.
 */
export const bookingFieldsSchema = z
  .array(fieldSchema)
  .max(MAX_FIELDS)
  .superRefine((fields, ctx) => {
    const seen = new Set<string>();
    fields.forEach((f, i) => {
      const at = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: [i, key], message });
      if (seen.has(f.name)) at('name', `Another field is already named ${f.name}`);
      seen.add(f.name);
      const builtIn = BUILT_IN.get(f.name);
      if (builtIn) {
        if (f.type !== builtIn.type) at('type', `The built-in ${f.name} field is of type ${builtIn.type}`);
        if ((f.name === 'name' || f.name === 'email') && (!f.required || f.hidden)) at('required', `The built-in ${f.name} field is always required and shown`);
      }
      if (CHOICE_TYPES.has(f.type)) {
        if (!f.options) at('options', `A ${f.type} field needs options`);
        else if (new Set(f.options.map((o) => o.value)).size !== f.options.length) at('options', 'Option values must be unique');
      } else if (f.options) at('options', `A ${f.type} field takes no options`);
      if ((f.min_length !== undefined || f.max_length !== undefined) && !TEXT_TYPES.has(f.type)) at('max_length', `A ${f.type} field takes no length bounds`);
      if (f.min_length !== undefined && f.max_length !== undefined && f.min_length > f.max_length) at('min_length', 'min_length must not exceed max_length');
      if (f.required && f.hidden) at('hidden', 'A required field cannot be hidden');
      if (f.sms_consent && f.type !== 'phone') at('sms_consent', 'Only a phone field asks for SMS consent');
    });
    if (fields.filter((f) => f.sms_consent).length > 1) ctx.addIssue({ code: 'custom', path: [], message: 'Only one phone field can ask for SMS consent' });
  })
  .transform(completeFields);

/** The full list: the given fields in their order, the built-ins they left out at their default places. */
export function completeFields(given: readonly BookingField[] | null | undefined): BookingField[] {
  const list = (given ?? []).map(tidy);
  const names = new Set(list.map((f) => f.name));
  const head = ['name', 'email'].filter((n) => !names.has(n)).map((n) => ({ ...BUILT_IN.get(n)! }));
  const tail = ['notes', 'guests'].filter((n) => !names.has(n)).map((n) => ({ ...BUILT_IN.get(n)! }));
  return [...head, ...list, ...tail];
}

/** Drops undefined keys, so stored JSON stays small and compares equal. */
function tidy(f: BookingField): BookingField {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as unknown as BookingField;
}

export const isShown = (f: BookingField) => !f.hidden;

// ---- Answers ----

const emailRe = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const phoneRe = /^\+?[0-9 ().-]{5,30}$/;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Empty answers count as "not answered": "", [], and an unticked optional boolean. */
function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

type Checked = { ok: true; value: BookingFieldAnswer } | { ok: false; message: string };

function checkAnswer(f: BookingField, raw: unknown): Checked {
  const bad = (message: string): Checked => ({ ok: false, message });
  const textBounds = (text: string): Checked => {
    const max = f.max_length ?? MAX_TEXT;
    if (text.length > max) return bad(`Use at most ${max} characters`);
    if (f.min_length !== undefined && text.length < f.min_length) return bad(`Use at least ${f.min_length} characters`);
    return { ok: true, value: text };
  };
  switch (f.type) {
    case 'text':
    case 'textarea':
    case 'phone':
    case 'url':
    case 'email': {
      if (typeof raw !== 'string') return bad('Expected text');
      const text = raw.trim();
      if (f.type === 'email' && !emailRe.test(text)) return bad('Enter an email address like name@example.com');
      if (f.type === 'phone' && !phoneRe.test(text)) return bad('Enter a phone number, like +1 555 010 0199');
      if (f.type === 'url' && !isHttpUrl(text)) return bad('Enter a web address starting with https://');
      return textBounds(text);
    }
    case 'number': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof n !== 'number' || !Number.isFinite(n)) return bad('Enter a number');
      return { ok: true, value: n };
    }
    case 'boolean': {
      if (typeof raw !== 'boolean') return bad('Expected true or false');
      if (f.required && !raw) return bad('This box must be ticked');
      return { ok: true, value: raw };
    }
    case 'select':
    case 'radio': {
      if (typeof raw !== 'string') return bad('Choose one of the options');
      if (!f.options!.some((o) => o.value === raw)) return bad('Choose one of the options');
      return { ok: true, value: raw };
    }
    case 'multiselect':
    case 'checkbox': {
      if (!Array.isArray(raw) || !raw.every((v) => typeof v === 'string')) return bad('Expected a list of options');
      const values = [...new Set(raw as string[])];
      if (!values.every((v) => f.options!.some((o) => o.value === v))) return bad('Choose only among the options');
      return { ok: true, value: values };
    }
    case 'multiemail': {
      if (!Array.isArray(raw) || !raw.every((v) => typeof v === 'string')) return bad('Expected a list of email addresses');
      const values = [...new Set((raw as string[]).map((v) => v.trim().toLowerCase()).filter((v) => v !== ''))];
      if (values.length > MAX_GUESTS) return bad(`At most ${MAX_GUESTS} addresses`);
      const wrong = values.find((v) => v.length > 254 || !emailRe.test(v));
      if (wrong) return bad(`Not an email address: ${wrong}`);
      return { ok: true, value: values };
    }
  }
}

export type AnswersResult = { ok: true; responses: BookingFieldResponses } | { ok: false; issues: ErrorIssue[] };

/**
 * Checks the answers to an event type's questions. `notes` is the attendee's notes (a built-in answered there);
 * `responses` is booking_fields_responses as sent. Issue paths: `attendee.notes` and `booking_fields_responses.<name>`.
 */
export function checkAnswers(fields: readonly BookingField[], notes: string | null | undefined, responses: Record<string, unknown> | undefined): AnswersResult {
  const issues: ErrorIssue[] = [];
  const out = answerMap<BookingFieldAnswer>();
  const byName = new Map(fields.map((f) => [f.name, f]));
  const given = responses ?? answerMap();
  const smsField = smsPhoneField(fields);
  for (const name of Object.keys(given)) {
    if (name === SMS_CONSENT && smsField) continue;
    const f = byName.get(name);
    if (!f || ATTENDEE_FIELDS.has(name)) issues.push({ path: `booking_fields_responses.${name}`, message: ATTENDEE_FIELDS.has(name) ? `Answer ${name} in attendee.${name}` : 'Unknown field' });
    else if (f.hidden) issues.push({ path: `booking_fields_responses.${name}`, message: 'This field is not asked' });
  }
  for (const f of fields) {
    if (f.hidden || f.name === 'name' || f.name === 'email') continue;
    const path = f.name === 'notes' ? 'attendee.notes' : `booking_fields_responses.${f.name}`;
    const raw = f.name === 'notes' ? notes : ownAnswer(given, f.name);
    const blank = isBlank(typeof raw === 'string' ? raw.trim() : raw) || (f.type === 'boolean' && raw === false && !f.required);
    if (blank) {
      if (f.required) issues.push({ path, message: f.type === 'boolean' ? 'This box must be ticked' : 'This field is required' });
      continue;
    }
    const checked = checkAnswer(f, raw);
    if (!checked.ok) issues.push({ path, message: checked.message });
    else if (f.name !== 'notes') out[f.name] = checked.value;
  }
  if (smsField) checkSmsConsent(smsField, ownAnswer(given, SMS_CONSENT), out, issues);
  return issues.length ? { ok: false, issues } : { ok: true, responses: out };
}

/**
 * Consent is a plain `true`, given with a number that texts can reach (E.164, parsed with libphonenumber): the number
 * is stored in E.164 so reminders need no second guess. No consent, no SMS, whatever else was answered.
 */
function checkSmsConsent(field: BookingField, consent: unknown, out: Record<string, BookingFieldAnswer>, issues: ErrorIssue[]) {
  const path = `booking_fields_responses.${SMS_CONSENT}`;
  if (consent === undefined || consent === false) return;
  if (consent !== true) return void issues.push({ path, message: 'Expected true or false' });
  const number = ownAnswer(out, field.name);
  const e164 = typeof number === 'string' ? toE164(number) : null;
  if (!e164) return void issues.push({ path: `booking_fields_responses.${field.name}`, message: 'For text reminders, enter the number with its country code, like +1 415 555 2671' });
  out[field.name] = e164;
  out[SMS_CONSENT] = true;
}

/** Answers with their questions' labels, in the event type's order: for pages, the admin and webhooks. */
export function labelledAnswers(fields: readonly BookingField[] | null, responses: BookingFieldResponses | null): { name: string; label: string; value: BookingFieldAnswer; display: string }[] {
  if (!responses) return [];
  const list = completeFields(fields);
  const known = new Set(list.map((f) => f.name));
  const ordered = [...list.filter((f) => Object.hasOwn(responses, f.name)), ...Object.keys(responses).filter((n) => !known.has(n)).map((n) => ({ name: n, label: n === SMS_CONSENT ? 'Text reminders' : n }) as BookingField)];
  return ordered.map((f) => {
    const value = responses[f.name]!;
    const optionLabel = (v: string) => f.options?.find((o) => o.value === v)?.label ?? v;
    const display = Array.isArray(value) ? value.map(optionLabel).join(', ') : typeof value === 'boolean' ? (value ? 'Yes' : 'No') : typeof value === 'string' ? optionLabel(value) : String(value);
    return { name: f.name, label: f.label, value, display };
  });
}

// Documented shapes (OpenAPI).
export const bookingFieldResponseSchema = fieldSchema.extend({ required: z.boolean() });
export const bookingFieldAnswerSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
export const bookingFieldsResponsesSchema = z
  .record(z.string(), bookingFieldAnswerSchema)
  .describe('Answers to the booking questions other than name, email and notes (those are in attendee), by field name');
