// The booking form <-> the API's request body. A form only sends strings; they become the JSON shape POST
// /v2/bookings takes (createBookingBody), so the page and the API refuse the same things with the same messages.
import { answerMap, ATTENDEE_FIELDS, SMS_CONSENT } from '../event-types/booking-fields';
import type { ErrorIssue } from '../lib/errors';
import type { BookingField } from '../db/json-types';

/** What the form shows again after a failed submission: exactly what was typed (a map without a prototype). */
export type FormValues = Record<string, string | string[] | boolean>;

/** The form control name of a field: built-ins answered in the attendee keep their name, the rest get a prefix. */
export const inputName = (f: BookingField) => (ATTENDEE_FIELDS.has(f.name) ? f.name : `q_${f.name}`);
/** The id of a field's (first) control, which labels and the error summary point at. */
export const inputId = (f: BookingField) => `f-${f.name}`;

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
};

export function valuesFromForm(fields: readonly BookingField[], form: FormData): FormValues {
  const values = answerMap<FormValues[string]>();
  for (const f of fields) {
    if (f.hidden) continue;
    const name = inputName(f);
    if (f.type === 'multiselect' || f.type === 'checkbox') values[f.name] = form.getAll(name).filter((v): v is string => typeof v === 'string');
    else if (f.type === 'boolean') values[f.name] = form.has(name);
    else values[f.name] = text(form, name);
    // The explicit SMS consent box under the phone field that asks for it (unticked unless the visitor ticks it).
    if (f.sms_consent) values[SMS_CONSENT] = form.has(`q_${SMS_CONSENT}`);
  }
  return values;
}

/**
 * A form prefilled from the URL (the embed's and any link's `?name=&email=&<question name>=`): only the event type's
 * own visible questions, as typed; a boolean by `true`/`1`/`on`/`yes`, a multiple choice comma-separated.
 */
export function valuesFromQuery(fields: readonly BookingField[], query: Record<string, string>): FormValues {
  const values = answerMap<FormValues[string]>();
  for (const f of fields) {
    const v = Object.hasOwn(query, f.name) ? query[f.name]! : undefined;
    if (f.hidden || v === undefined) continue;
    if (f.type === 'multiselect' || f.type === 'checkbox') values[f.name] = v.split(',').map((s) => s.trim()).filter(Boolean);
    else if (f.type === 'boolean') values[f.name] = /^(true|1|on|yes)$/i.test(v);
    else values[f.name] = v;
  }
  return values;
}

/** The API body's attendee and booking_fields_responses from what was typed. Blank answers are left out. */
export function bodyFromValues(fields: readonly BookingField[], values: FormValues, timezone: string) {
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : '');
  const responses = answerMap<unknown>();
  for (const f of fields) {
    if (f.hidden || ATTENDEE_FIELDS.has(f.name)) continue;
    const v = values[f.name];
    if (f.type === 'boolean') {
      if (v === true || f.required) responses[f.name] = v === true;
    } else if (f.type === 'multiemail') {
      const list = str(f.name).split(/[\s,;]+/).filter(Boolean);
      if (list.length) responses[f.name] = list;
    } else if (Array.isArray(v)) {
      if (v.length) responses[f.name] = v;
    } else if (typeof v === 'string' && v.trim() !== '') responses[f.name] = v;
  }
  if (values[SMS_CONSENT] === true) responses[SMS_CONSENT] = true;
  const notes = str('notes').trim();
  return {
    attendee: { name: str('name'), email: str('email'), timezone, ...(notes ? { notes } : {}) },
    booking_fields_responses: responses,
  };
}

/** An API issue path ("attendee.email", "booking_fields_responses.company") to the field it is about. */
export function fieldOfIssue(issue: ErrorIssue): string {
  const [head, name] = issue.path.split('.');
  return (head === 'attendee' || head === 'booking_fields_responses') && name ? name : issue.path;
}
