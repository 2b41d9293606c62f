import { describe, expect, it } from 'vitest';
import { bookingFieldsSchema, checkAnswers, completeFields, labelledAnswers } from '../src/event-types/booking-fields';
import { bookingEnvelopeSchemas } from '../src/webhooks/envelopes';
import { bookingEnvelope } from '../src/webhooks/payload';
import { api, ATTENDEE, book, createEventType, expectError, issuePaths, makeUser, upcomingDate } from './helpers';
import type { BookingField } from '../src/db/json-types';

const CUSTOM: BookingField[] = [
  { name: 'company', type: 'text', label: 'Company', required: true, max_length: 10 },
  { name: 'agenda', type: 'textarea', label: 'Agenda', required: false, min_length: 5 },
  { name: 'seats', type: 'number', label: 'Seats', required: false },
  { name: 'work_email', type: 'email', label: 'Work email', required: false },
  { name: 'phone', type: 'phone', label: 'Phone', required: false },
  { name: 'site', type: 'url', label: 'Website', required: false },
  { name: 'size', type: 'select', label: 'Team size', required: false, options: [{ value: 'small', label: '1-10' }, { value: 'big', label: '11+' }] },
  { name: 'topics', type: 'multiselect', label: 'Topics', required: false, options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
  { name: 'tools', type: 'checkbox', label: 'Tools', required: false, options: [{ value: 'x', label: 'X' }, { value: 'y', label: 'Y' }] },
  { name: 'slot', type: 'radio', label: 'Morning or afternoon', required: false, options: [{ value: 'am', label: 'Morning' }, { value: 'pm', label: 'Afternoon' }] },
  { name: 'terms', type: 'boolean', label: 'I accept the terms', required: true },
  { name: 'guests', type: 'multiemail', label: 'Guests', required: false, hidden: false },
];
const FIELDS = bookingFieldsSchema.parse(CUSTOM);

describe('booking_fields (pure)', () => {
  it('keeps the given order and adds the built-ins left out at their default places', () => {
    expect(FIELDS.map((f) => f.name)).toEqual(['name', 'email', ...CUSTOM.map((f) => f.name), 'notes']);
    expect(completeFields(null).map((f) => f.name)).toEqual(['name', 'email', 'notes', 'guests']);
  });

  it('refuses duplicate names, changed built-ins, options on the wrong types, hidden required fields', () => {
    const issues = (fields: unknown) => {
      const r = bookingFieldsSchema.safeParse(fields);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues([{ name: 'a1', type: 'text', label: 'A' }, { name: 'a1', type: 'text', label: 'B' }])).toEqual(['1.name: Another field is already named a1']);
    expect(issues([{ name: 'email', type: 'text', label: 'E', required: true }])).toEqual(['0.type: The built-in email field is of type email']);
    expect(issues([{ name: 'name', type: 'text', label: 'N', required: false }])).toEqual(['0.required: The built-in name field is always required and shown']);
    expect(issues([{ name: 'pick', type: 'select', label: 'P' }])).toEqual(['0.options: A select field needs options']);
    expect(issues([{ name: 'pick', type: 'text', label: 'P', options: [{ value: 'a', label: 'A' }] }])).toEqual(['0.options: A text field takes no options']);
    expect(issues([{ name: 'q', type: 'text', label: 'Q', required: true, hidden: true }])).toEqual(['0.hidden: A required field cannot be hidden']);
    expect(issues([{ name: 'Bad Name', type: 'text', label: 'Q' }])).toHaveLength(1);
    expect(issues([{ name: 'q', type: 'date', label: 'Q' }])).toHaveLength(1);
    expect(issues([{ name: 'q', type: 'text', label: 'Q', extra: 1 }])).toHaveLength(1);
  });

  it('accepts good answers of every type, normalised', () => {
    const r = checkAnswers(FIELDS, 'notes', {
      company: ' Acme ',
      agenda: 'Roadmap review',
      seats: '3',
      work_email: 'a@b.example',
      phone: '+49 30 1234567',
      site: 'https://acme.example',
      size: 'big',
      topics: ['a', 'b', 'a'],
      tools: ['y'],
      slot: 'pm',
      terms: true,
      guests: ['X@Example.com', ''],
    });
    expect(r).toEqual({
      ok: true,
      responses: { company: 'Acme', agenda: 'Roadmap review', seats: 3, work_email: 'a@b.example', phone: '+49 30 1234567', site: 'https://acme.example', size: 'big', topics: ['a', 'b'], tools: ['y'], slot: 'pm', terms: true, guests: ['x@example.com'] },
    });
  });

  it('names every bad answer: required, wrong option, too long, too short, wrong type, unknown or hidden field', () => {
    const r = checkAnswers(FIELDS, undefined, {
      company: 'A much too long company name',
      agenda: 'abc',
      seats: 'many',
      work_email: 'nope',
      phone: 'call me',
      site: 'javascript:alert(1)',
      size: 'huge',
      topics: ['c'],
      tools: 'x',
      slot: ['am'],
      unknown: 'x',
      name: 'Jane',
    });
    expect(r.ok).toBe(false);
    const issues = Object.fromEntries((r as { issues: { path: string; message: string }[] }).issues.map((i) => [i.path, i.message]));
    expect(issues).toEqual({
      'booking_fields_responses.unknown': 'Unknown field',
      'booking_fields_responses.name': 'Answer name in attendee.name',
      'booking_fields_responses.company': 'Use at most 10 characters',
      'booking_fields_responses.agenda': 'Use at least 5 characters',
      'booking_fields_responses.seats': 'Enter a number',
      'booking_fields_responses.work_email': 'Enter an email address like name@example.com',
      'booking_fields_responses.phone': 'Enter a phone number, like +1 555 010 0199',
      'booking_fields_responses.site': 'Enter a web address starting with https://',
      'booking_fields_responses.size': 'Choose one of the options',
      'booking_fields_responses.topics': 'Choose only among the options',
      'booking_fields_responses.tools': 'Expected a list of options',
      'booking_fields_responses.slot': 'Choose one of the options',
      'booking_fields_responses.terms': 'This box must be ticked',
    });
    const hidden = checkAnswers(completeFields(null), null, { guests: ['a@b.example'] });
    expect(hidden).toEqual({ ok: false, issues: [{ path: 'booking_fields_responses.guests', message: 'This field is not asked' }] });
    const notesRequired = completeFields([{ name: 'notes', type: 'textarea', label: 'Why?', required: true }]);
    expect(checkAnswers(notesRequired, '  ', {})).toEqual({ ok: false, issues: [{ path: 'attendee.notes', message: 'This field is required' }] });
  });

  it('labels answers for people and for Cal.com webhook `responses`', () => {
    expect(labelledAnswers(FIELDS, { size: 'big', terms: true, topics: ['a', 'b'] }).map((a) => `${a.label}: ${a.display}`)).toEqual([
      'Team size: 11+',
      'Topics: A, B',
      'I accept the terms: Yes',
    ]);
    const envelope = bookingEnvelope(
      {
        trigger: 'BOOKING_CREATED',
        hostId: 1,
        booking: { uid: 'u', title: 't', description: null, startAt: 0, endAt: 1_800_000, status: 'accepted', locationType: null, locationValue: null, metadata: null, cancellationReason: null, rejectionReason: null },
        answers: [{ name: 'size', label: 'Team size', value: 'big' }],
        eventType: { id: 1, slug: 's', durationMinutes: 30 },
        organizer: { id: 1, name: 'H', email: 'h@x.example', timezone: 'UTC' },
        attendee: { name: 'A', email: 'a@x.example', timezone: 'UTC', notes: null },
      },
      0,
    );
    expect(envelope.payload.responses).toEqual({
      name: { label: 'your_name', value: 'A' },
      email: { label: 'email_address', value: 'a@x.example' },
      notes: { label: 'additional_notes' },
      size: { label: 'Team size', value: 'big' },
    });
    // As documented in the OpenAPI document's webhook envelopes.
    expect(bookingEnvelopeSchemas.BOOKING_CREATED.safeParse(envelope).success).toBe(true);
  });
});

describe('a question named like an Object.prototype member (constructor, ...)', () => {
  const stored: BookingField[] = completeFields([{ name: 'constructor', type: 'text', label: 'Builder', required: false }]);

  it('is refused when saved: 400 naming the field', async () => {
    expect(bookingFieldsSchema.safeParse([{ name: 'constructor', type: 'text', label: 'Builder' }]).success).toBe(false);
    const { token } = await makeUser();
    const res = await api('POST', '/v2/event-types', { token, body: { title: 'Q', slug: 'q-proto', duration_minutes: 30, booking_fields: [{ name: 'constructor', type: 'text', label: 'Builder' }] } });
    expectError(res, 400, 'validation_failed');
    expect(issuePaths(res)).toEqual(['booking_fields.0.name']);
  });

  it('one stored before the rule can be left blank or answered, and is labelled', () => {
    expect(checkAnswers(stored, null, {})).toEqual({ ok: true, responses: {} });
    const answered = checkAnswers(stored, null, { constructor: 'Bob' });
    expect(answered).toEqual({ ok: true, responses: { constructor: 'Bob' } });
    expect(labelledAnswers(stored, {}).map((a) => a.name)).toEqual([]);
    expect(labelledAnswers(stored, answered.ok ? answered.responses : {}).map((a) => `${a.label}: ${a.display}`)).toEqual(['Builder: Bob']);
    expect(checkAnswers(completeFields(null), null, { toString: 'x' })).toEqual({ ok: false, issues: [{ path: 'booking_fields_responses.toString', message: 'Unknown field' }] });
  });
});

describe('booking_fields in the API', () => {
  it('stores the questions on the event type and enforces them on POST /v2/bookings', async () => {
    const { token } = await makeUser();
    const et = await createEventType(token, { booking_fields: [CUSTOM[0], CUSTOM[6], CUSTOM[10]] });
    expect(et.booking_fields).toEqual(completeFields([CUSTOM[0]!, CUSTOM[6]!, CUSTOM[10]!]));
    const start = `${upcomingDate(2, 7)}T10:00:00Z`;
    const missing = await book(et.id, start);
    expectError(missing, 400, 'validation_failed');
    expect(missing.json.error.issues).toEqual([
      { path: 'booking_fields_responses.company', message: 'This field is required' },
      { path: 'booking_fields_responses.terms', message: 'This box must be ticked' },
    ]);
    const badOption = await book(et.id, start, { booking_fields_responses: { company: 'Acme', terms: true, size: 'huge', extra: 1 } });
    expectError(badOption, 400, 'validation_failed');
    expect(issuePaths(badOption)).toEqual(['booking_fields_responses.extra', 'booking_fields_responses.size']);
    const ok = await book(et.id, start, { booking_fields_responses: { company: 'Acme', terms: true, size: 'small' } });
    expect(ok.status).toBe(201);
    expect(ok.json.booking_fields_responses).toEqual({ company: 'Acme', terms: true, size: 'small' });
    expect(ok.json.attendee).toEqual(ATTENDEE);
    const read = await api('GET', `/v2/bookings/${ok.json.uid}`);
    expect(read.json.booking_fields_responses).toEqual({ company: 'Acme', terms: true, size: 'small' });
  });

  it('updates and clears the questions; a bad list is a 400 naming the field', async () => {
    const { token } = await makeUser();
    const et = await createEventType(token);
    const bad = await api('PATCH', `/v2/event-types/${et.id}`, { token, body: { booking_fields: [{ name: 'pick', type: 'radio', label: 'Pick' }] } });
    expectError(bad, 400, 'validation_failed');
    expect(bad.json.error.issues).toEqual([{ path: 'booking_fields.0.options', message: 'A radio field needs options' }]);
    const set = await api('PATCH', `/v2/event-types/${et.id}`, { token, body: { booking_fields: [{ name: 'guests', type: 'multiemail', label: 'Guests', hidden: false }] } });
    expect(set.status).toBe(200);
    expect(set.json.booking_fields.find((f: BookingField) => f.name === 'guests')).toEqual({ name: 'guests', type: 'multiemail', label: 'Guests', required: false, hidden: false });
    const booked = await book(et.id, `${upcomingDate(3, 7)}T11:00:00Z`, { booking_fields_responses: { guests: ['Guest@Example.com'] } });
    expect(booked.json.booking_fields_responses).toEqual({ guests: ['guest@example.com'] });
    const cleared = await api('PATCH', `/v2/event-types/${et.id}`, { token, body: { booking_fields: [] } });
    expect(cleared.json.booking_fields).toEqual(completeFields(null));
  });
});
