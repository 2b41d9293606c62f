// The Event Types tab: every host's event types; create (for any owner), edit, switch on and off, delete.
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { Db } from '../db/client';
import type { EventType, Schedule } from '../db/schema';
import { deleteEventType, findOwnedEventType, listEventTypes, updateEventType } from '../event-types/repo';
import { changeEventType, createEventType } from '../event-types/service';
import { LOCATION_TYPES } from '../event-types/schemas';
import { BUFFER_MINUTES, DURATION_MINUTES, SEATS_PER_TIME_SLOT, SLOT_INTERVAL_MINUTES } from '../event-types/limits';
import { ApiError, foundOr404, type ErrorIssue } from '../lib/errors';
import { pageById } from '../lib/pagination';
import { listSchedules } from '../schedules/repo';
import { findUserById } from '../users/repo';
import { activePeople, peopleByIds, type Person } from './data';
import {
  eventTypeValues,
  eventTypeValuesFrom,
  newEventTypeValues,
  parseEventTypeUpdate,
  parseNewEventType,
  LIMIT_KINDS,
  type EventTypeValues,
} from './forms';
import { formOf, idOf, listParams, pageOf, redirectWith, safeReturn, type AdminContext, type AdminEnv, type Page } from './http';
import { ActiveBadge, Badge, Checkbox, ConfirmDelete, CsrfField, Empty, ErrorSummary, ListTable, Field, Layout, PageHead, Pager, RowActions } from './layout';
import { LIMIT_PERIODS, type PeriodLimits } from '../db/json-types';

const LIST = '/admin/event-types';
const PAGE_SIZE = 50;

export const LOCATION_LABELS: Record<(typeof LOCATION_TYPES)[number], string> = {
  google_meet: 'Google Meet',
  ms_teams: 'Microsoft Teams',
  zoom: 'Zoom',
  phone: 'Phone',
  in_person: 'In person',
};

const minutes = (n: number) => `${n} min`;

/** "2/day · 5/week", or null without limits. */
function limitSummary(limits: PeriodLimits | null, unit: string): string | null {
  const parts = LIMIT_PERIODS.filter((p) => limits?.[p] !== undefined).map((p) => `${limits![p]}${unit}/${p}`);
  return parts.length ? parts.join(' · ') : null;
}

const RECURRENCE_UNITS = { weekly: 'week', monthly: 'month', yearly: 'year' } as const;

const LimitsCell: FC<{ et: EventType }> = ({ et }) => {
  const lines = [
    limitSummary(et.bookingLimitsCount, ''),
    limitSummary(et.bookingLimitsDuration, ' min'),
    et.maxActiveBookingsPerBooker === null ? null : `${et.maxActiveBookingsPerBooker} upcoming per booker`,
    et.onlyShowFirstAvailableSlot ? 'First slot of each day only' : null,
    et.seatsPerTimeSlot === null ? null : `${et.seatsPerTimeSlot} seats per slot`,
    et.recurringEvent ? `Series: ${et.recurringEvent.count} × every ${et.recurringEvent.interval === 1 ? RECURRENCE_UNITS[et.recurringEvent.freq] : `${et.recurringEvent.interval} ${RECURRENCE_UNITS[et.recurringEvent.freq]}s`}` : null,
  ].filter((l): l is string => l !== null);
  return <td class="stack small">{lines.length ? lines.map((l) => <div>{l}</div>) : <span class="muted">None</span>}</td>;
};

// ---- List ----

const EventTypeRow: FC<{ et: EventType; owner?: Person; csrf: string; back: string }> = ({ et, owner, csrf, back }) => (
  <tr id={`event-type-${et.id}`} data-slug={et.slug}>
    <td class="stack">
      <strong>{et.title}</strong>
      <div class="muted small mono nowrap">
        /{et.slug} · #{et.id}
      </div>
    </td>
    <td class="stack">
      <div>{owner?.name ?? `User #${et.ownerId}`}</div>
      {owner && <div class="muted small nowrap">{owner.email}</div>}
    </td>
    <td class="num">{minutes(et.durationMinutes)}</td>
    <td class="num">
      {et.bufferBeforeMinutes} / {et.bufferAfterMinutes} min
    </td>
    <td class="num">{et.minimumNoticeHours} h</td>
    <td class="stack">
      <div>{et.locationType ? LOCATION_LABELS[et.locationType] : <span class="muted">None</span>}</div>
      {et.locationValue && <div class="muted small break">{et.locationValue}</div>}
      {et.generateMeetingLink && <div class="muted small">A new link per booking</div>}
    </td>
    <td>{et.requiresConfirmation ? <Badge tone="warn">Required</Badge> : <Badge tone="plain">Automatic</Badge>}</td>
    <LimitsCell et={et} />
    <td>
      <ActiveBadge active={et.isActive} />
    </td>
    <td>
      <RowActions href={`${LIST}/${et.id}`} active={et.isActive} csrf={csrf} back={back}>
        {et.seatsPerTimeSlot === null && (
          <a class="btn small" href={`${LIST}/${et.id}/reminders`}>
            Reminders
          </a>
        )}
      </RowActions>
    </td>
  </tr>
);

const EventTypeList: FC<{ page: Page; rows: EventType[]; owners: Map<number, Person>; next: string | null; first: string | null; back: string }> = (p) => (
  <Layout page={p.page} title="Event Types" tab="event-types">
    <PageHead title="Event Types" sub="Every host's event types. Inactive ones cannot be booked.">
      <a class="btn primary" href={`${LIST}/new`}>
        New event type
      </a>
    </PageHead>
    <ListTable
      id="event-types"
      count={p.rows.length}
      columns={['Event type', 'Owner', 'Duration', { label: 'Buffers', title: 'Buffer before / after the meeting' }, 'Notice', 'Location', 'Confirmation', { label: 'Limits', title: 'Booking limits in the schedule’s zone' }, 'Status', 'Actions']}
      empty={<Empty title="No event types yet">Create the first one with “New event type”.</Empty>}
    >
      {p.rows.map((et) => (
        <EventTypeRow et={et} owner={p.owners.get(et.ownerId)} csrf={p.page.csrf} back={p.back} />
      ))}
    </ListTable>
    <Pager count={p.rows.length} next={p.next} first={p.first} />
  </Layout>
);

// ---- Create and edit ----

interface FormProps {
  page: Page;
  mode: 'new' | 'edit';
  id?: number;
  values: EventTypeValues;
  issues: ErrorIssue[];
  message?: string;
  people: Person[];
  schedules: Schedule[];
  owner?: Person;
}

const NumberField: FC<{ label: string; name: keyof EventTypeValues; values: EventTypeValues; issues: ErrorIssue[]; hint?: string; min: number; max: number }> = (p) => (
  <Field label={p.label} name={p.name} issues={p.issues} hint={p.hint}>
    <input type="number" id={p.name} name={p.name} value={String(p.values[p.name])} min={p.min} max={p.max} step={1} />
  </Field>
);

const EventTypeForm: FC<FormProps> = (p) => {
  const v = p.values;
  const title = p.mode === 'new' ? 'New event type' : `Edit “${v.title || 'event type'}”`;
  return (
    <Layout page={p.page} title={title} tab="event-types">
      <PageHead title={title} sub={p.mode === 'edit' && p.owner ? `Owner: ${p.owner.name} (${p.owner.email})` : undefined} />
      <div class="panel narrow">
        <ErrorSummary message={p.message} issues={p.issues} />
        <form method="post" action={p.mode === 'new' ? LIST : `${LIST}/${p.id}`} class="grid" id="event-type-form">
          <CsrfField token={p.page.csrf} />
          {p.mode === 'new' && (
            <Field label="Owner" name="owner_id" issues={p.issues} wide hint="The host whose calendar this event type books.">
              <select id="owner_id" name="owner_id">
                {p.people.map((u) => (
                  <option value={String(u.id)} selected={String(u.id) === v.owner_id}>
                    {`${u.name} (${u.email})`}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label="Title" name="title" issues={p.issues}>
            <input type="text" id="title" name="title" value={v.title} maxlength={200} required />
          </Field>
          <Field label="Slug" name="slug" issues={p.issues} hint="Lowercase letters, digits and dashes; unique per owner.">
            <input type="text" id="slug" name="slug" value={v.slug} maxlength={100} required pattern="[a-z0-9]+(-[a-z0-9]+)*" />
          </Field>
          <NumberField label="Duration (minutes)" name="duration_minutes" values={v} issues={p.issues} min={DURATION_MINUTES.min} max={DURATION_MINUTES.max} />
          <NumberField label="Buffer before (minutes)" name="buffer_before_minutes" values={v} issues={p.issues} min={BUFFER_MINUTES.min} max={BUFFER_MINUTES.max} />
          <NumberField label="Buffer after (minutes)" name="buffer_after_minutes" values={v} issues={p.issues} min={BUFFER_MINUTES.min} max={BUFFER_MINUTES.max} />
          <NumberField label="Minimum notice (hours)" name="minimum_notice_hours" values={v} issues={p.issues} min={0} max={8760} />
          <NumberField label="Slot interval (minutes)" name="slot_interval_minutes" values={v} issues={p.issues} min={SLOT_INTERVAL_MINUTES.min} max={SLOT_INTERVAL_MINUTES.max} hint="Blank: the duration." />
          <NumberField label="Booking window (days)" name="booking_window_days" values={v} issues={p.issues} min={1} max={730} />
          <Field label="Location" name="location_type" issues={p.issues}>
            <select id="location_type" name="location_type">
              <option value="" selected={v.location_type === ''}>
                None
              </option>
              {LOCATION_TYPES.map((t) => (
                <option value={t} selected={v.location_type === t}>
                  {LOCATION_LABELS[t]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Location details" name="location_value" issues={p.issues} hint="Link, address or phone number.">
            <input type="text" id="location_value" name="location_value" value={v.location_value} maxlength={500} />
          </Field>
          <Checkbox
            name="generate_meeting_link"
            label="Make a new Google Meet or Teams link for each booking (through the host's destination calendar; leave Location details empty)"
            checked={v.generate_meeting_link}
          />
          {p.mode === 'edit' && (
            <Field label="Schedule" name="schedule_id" issues={p.issues}>
              <select id="schedule_id" name="schedule_id">
                {p.schedules.map((s) => (
                  <option value={String(s.id)} selected={String(s.id) === v.schedule_id}>
                    {`${s.name} (${s.timezone})${s.isDefault ? ' · default' : ''}`}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label="Description" name="description" issues={p.issues} wide>
            <textarea id="description" name="description" maxlength={5000}>
              {v.description}
            </textarea>
          </Field>
          <Field
            label="Booking questions (JSON)"
            name="booking_fields"
            issues={p.issues}
            wide
            hint='An ordered list like [{"name": "company", "type": "text", "label": "Company", "required": true}]. Types: text, textarea, number, email, phone, url, select, multiselect, checkbox, radio (these four need "options": [{"value", "label"}]), boolean, multiemail. The built-ins name, email, notes and guests are always asked (guests only when listed with "hidden": false). Blank: the built-ins only.'
          >
            <textarea id="booking_fields" name="booking_fields" class="mono" rows={6} spellcheck={false}>
              {v.booking_fields}
            </textarea>
          </Field>
          {LIMIT_KINDS.map((kind) =>
            LIMIT_PERIODS.map((period) => (
              <Field
                label={kind === 'booking_limits_count' ? `Bookings per ${period}` : `Booked minutes per ${period}`}
                name={`${kind}.${period}`}
                issues={p.issues}
                hint={period === 'day' ? (kind === 'booking_limits_count' ? 'Limits in the schedule’s zone (weeks from Monday); blank: none.' : 'Day ≤ week ≤ month ≤ year.') : undefined}
              >
                <input type="number" id={`${kind}.${period}`} name={`${kind}.${period}`} value={v.limits[`${kind}.${period}`]} min={1} step={1} />
              </Field>
            )),
          )}
          <Field label="Recurring" name="recurring_event.freq" issues={p.issues} hint="Each booking books a series at the host’s wall-clock time.">
            <select id="recurring_event.freq" name="recurring_event.freq">
              {(['', 'weekly', 'monthly', 'yearly'] as const).map((f) => (
                <option value={f} selected={v['recurring_event.freq'] === f}>
                  {f === '' ? 'No (single bookings)' : f[0]!.toUpperCase() + f.slice(1)}
                </option>
              ))}
            </select>
          </Field>
          <NumberField label="Repeat every (weeks, months or years)" name="recurring_event.interval" values={v} issues={p.issues} min={1} max={12} />
          <NumberField label="Occurrences" name="recurring_event.count" values={v} issues={p.issues} min={2} max={52} />
          <NumberField label="Upcoming bookings per booker" name="max_active_bookings_per_booker" values={v} issues={p.issues} min={1} max={1000} hint="Per attendee email, this event type only. Blank: the host-wide cap." />
          <NumberField
            label="Seats per time slot"
            name="seats_per_time_slot"
            values={v}
            issues={p.issues}
            min={SEATS_PER_TIME_SLOT.min}
            max={SEATS_PER_TIME_SLOT.max}
            hint="Attendees share one booking of a slot. Blank: one attendee per booking. Not with confirmation or a series."
          />
          <div class="field wide">
            <Checkbox name="seats_show_attendees" label="Seat holders see the other attendees of their slot" checked={v.seats_show_attendees} />
            <Checkbox name="seats_show_availability_count" label="Show how many seats are left" checked={v.seats_show_availability_count} />
          </div>
          <div class="field wide">
            <Checkbox name="only_show_first_available_slot" label="Offer only the first free start of each day" checked={v.only_show_first_available_slot} />
            <Checkbox name="requires_confirmation" label="Bookings need the host's confirmation" checked={v.requires_confirmation} />
            <Checkbox name="email_notifications" label="Email the attendee and host about bookings (with calendar invites)" checked={v.email_notifications} />
            <Checkbox name="is_active" label="Active (can be booked)" checked={v.is_active} />
          </div>
          <div class="form-actions">
            <button type="submit" class="btn primary">
              {p.mode === 'new' ? 'Create event type' : 'Save changes'}
            </button>
            <a href={LIST}>Cancel</a>
          </div>
        </form>
      </div>
    </Layout>
  );
};

const DeletePage: FC<{ page: Page; et: EventType; owner?: Person }> = ({ page, et, owner }) => (
  <ConfirmDelete page={page} tab="event-types" title="Delete event type" heading={`Delete “${et.title}”?`} action={`${LIST}/${et.id}/delete`} label="Delete event type" back={LIST}>
    <p class="sub">
      /{et.slug} · owned by {owner ? `${owner.name} (${owner.email})` : `user #${et.ownerId}`}
    </p>
    <p>It can no longer be booked and this cannot be undone. Its existing bookings are kept, without the link to it.</p>
  </ConfirmDelete>
);

// ---- Handlers ----

async function loadEventType(c: AdminContext, db: Db): Promise<EventType> {
  return foundOr404('Event type', findOwnedEventType(db, c.get('user')!, idOf(c, 'Event type')));
}

async function renderForm(c: AdminContext, db: Db, props: Omit<FormProps, 'page' | 'people' | 'schedules' | 'owner'>, status: 200 | 400 | 409 = 200) {
  const ownerId = Number(props.values.owner_id);
  const [people, schedules, owner] = await Promise.all([
    props.mode === 'new' ? activePeople(db) : Promise.resolve([]),
    props.mode === 'edit' ? listSchedules(db, c.get('user')!, { userId: ownerId, afterId: 0, limit: 200 }) : Promise.resolve([]),
    props.mode === 'edit' ? findUserById(db, ownerId) : Promise.resolve(undefined),
  ]);
  return c.html(<EventTypeForm page={pageOf(c)} {...props} people={people} schedules={schedules} owner={owner} />, status);
}

/** A refusal of the shared event-type rules, shown in the form instead of the API's JSON error. */
function asFormError(error: unknown): { failure: { issues: ErrorIssue[]; message?: string }; status: 400 | 409 } {
  if (!(error instanceof ApiError) || (error.code !== 'validation_failed' && error.code !== 'conflict')) throw error;
  const failure = error.issues ? { issues: error.issues } : { issues: [], message: error.message };
  return { failure, status: error.code === 'conflict' ? 409 : 400 };
}

export const eventTypePages = new Hono<AdminEnv>()
  .get('/', async (c) => {
    const db = c.var.db;
    const { cursor, limit, link } = listParams(c, LIST, PAGE_SIZE);
    const result = await pageById({ limit, cursor }, (afterId = 0, take) => listEventTypes(db, c.get('user')!, { afterId, limit: take }));
    const owners = await peopleByIds(db, result.data.map((et) => et.ownerId));
    const next = result.next_cursor ? link(result.next_cursor) : null;
    return c.html(<EventTypeList page={pageOf(c)} rows={result.data} owners={owners} next={next} first={cursor ? link() : null} back={link(cursor)} />);
  })
  .get('/new', async (c) => renderForm(c, c.var.db, { mode: 'new', values: newEventTypeValues(c.get('user')!.id), issues: [] }))
  .post('/', async (c) => {
    const db = c.var.db;
    const values = eventTypeValuesFrom((await formOf(c))!);
    const parsed = parseNewEventType(values);
    if (!parsed.ok) return renderForm(c, db, { mode: 'new', values, issues: parsed.issues }, 400);
    const created = await createEventType(db, c.get('user')!, parsed.data).catch(asFormError);
    if ('failure' in created) return renderForm(c, db, { mode: 'new', values, ...created.failure }, created.status);
    const owners = await peopleByIds(db, [created.ownerId]);
    return redirectWith(c, LIST, { kind: 'ok', text: `Event type “${created.title}” created for ${owners.get(created.ownerId)?.name ?? 'its owner'}.` });
  })
  .get('/:id/edit', async (c) => {
    const db = c.var.db;
    const et = await loadEventType(c, db);
    return renderForm(c, db, { mode: 'edit', id: et.id, values: eventTypeValues(et), issues: [] });
  })
  .post('/:id', async (c) => {
    const db = c.var.db;
    const et = await loadEventType(c, db);
    // The owner cannot change (the API has no such update either); it only labels the form.
    const values = { ...eventTypeValuesFrom((await formOf(c))!), owner_id: String(et.ownerId) };
    const again = (failure: { issues: ErrorIssue[]; message?: string }, status: 400 | 409) =>
      renderForm(c, db, { mode: 'edit', id: et.id, values, ...failure }, status);
    const parsed = parseEventTypeUpdate(values);
    if (!parsed.ok) return again({ issues: parsed.issues }, 400);
    const updated = await changeEventType(db, et, parsed.data).catch(asFormError);
    if ('failure' in updated) return again(updated.failure, updated.status);
    return redirectWith(c, LIST, { kind: 'ok', text: `Event type “${updated.title}” saved.` });
  })
  .post('/:id/active', async (c) => {
    const db = c.var.db;
    const et = await loadEventType(c, db);
    const form = (await formOf(c))!;
    // The target state travels in the form, so a double click cannot flip it back.
    const active = form.get('active') === 'true';
    await updateEventType(db, et.id, { is_active: active });
    const back = safeReturn(form.get('back'), LIST);
    return redirectWith(c, back, { kind: 'ok', text: `“${et.title}” is now ${active ? 'active' : 'inactive'}.` });
  })
  .get('/:id/delete', async (c) => {
    const db = c.var.db;
    const et = await loadEventType(c, db);
    const owners = await peopleByIds(db, [et.ownerId]);
    return c.html(<DeletePage page={pageOf(c)} et={et} owner={owners.get(et.ownerId)} />);
  })
  .post('/:id/delete', async (c) => {
    const db = c.var.db;
    const et = await loadEventType(c, db);
    await deleteEventType(db, et.id);
    return redirectWith(c, LIST, { kind: 'ok', text: `Event type “${et.title}” deleted.` });
  });
