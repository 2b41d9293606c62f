// The public pages' views: host page, booker (month + day), booking form, booking page, reschedule and cancel forms.
// Plain links and forms that work with JavaScript off; the only script is the nonce'd zone detection on the booker.
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import { raw } from 'hono/html';
import type { BookingStatus, EventType } from '../db/schema';
import { labelledAnswers } from '../event-types/booking-fields';
import type { ErrorIssue } from '../lib/errors';
import { Badge, ErrorSummary, FlashMessage, type Tone } from '../web/components';
import { Document } from '../web/document';
import type { Flash } from '../web/http';
import { googleCalendarUrl, office365Url, outlookLiveUrl } from './calendar-links';
import { fieldOfIssue, inputId, inputName, type FormValues } from './form';
import type { BookingPageData, PublicEventType, PublicHost } from './repo';
import { PUBLIC_STYLES, TEL_INPUT_STYLE } from './styles';
import { isLive } from '../bookings/occupancy';
import {
  allTimeZones,
  formatClock,
  formatInstant,
  formatLongDate,
  formatMonth,
  localParts,
  minuteOfIso,
  monthWeeks,
  offsetLabel,
  WEEKDAY_HEADERS,
  type HourFormat,
  type ViewState,
} from './view-state';
import type { BookingField } from '../db/json-types';

const LOCATION_LABELS: Record<string, string> = { google_meet: 'Google Meet', zoom: 'Zoom', phone: 'Phone call', in_person: 'In person' };
export const locationLabel = (kind: string | null) => (kind ? (LOCATION_LABELS[kind] ?? kind) : 'Details follow from the host');

export const PublicLayout: FC<PropsWithChildren<{ nonce: string; title: string; script?: string }>> = (p) => (
  <Document title={`${p.title} · calflare`} nonce={p.nonce} extraStyles={PUBLIC_STYLES + TEL_INPUT_STYLE} bodyClass="public" robots="noindex">
    <main>{p.children}</main>
    <footer>Scheduling by calflare</footer>
    {p.script && <script nonce={p.nonce}>{raw(p.script)}</script>}
  </Document>
);

export const MessagePage: FC<{ nonce: string; title: string; message: Child; status?: number; back?: { href: string; label: string } }> = (p) => (
  <PublicLayout nonce={p.nonce} title={p.title}>
    <div class="card">
      {p.status && <p class="host">{p.status === 404 ? 'Not found' : `Error ${p.status}`}</p>}
      <h1>{p.title}</h1>
      <p>{p.message}</p>
      {p.back && (
        <a class="btn" href={p.back.href}>
          {p.back.label}
        </a>
      )}
    </div>
  </PublicLayout>
);

// ---- Host page ----

const minutes = (n: number) => (n % 60 === 0 && n >= 60 ? `${n / 60} h` : `${n} min`);

/** A host's (or a team's, with `basePath` `/team/{slug}`) public event types. */
export const HostPage: FC<{ nonce: string; host: PublicHost; eventTypes: PublicEventType[]; basePath?: string }> = ({ nonce, host, eventTypes, basePath }) => (
  <PublicLayout nonce={nonce} title={host.name}>
    <div class="card">
      <h1>{host.name}</h1>
      <p class="sub">Choose what you would like to book.</p>
    </div>
    <div class="card">
      {eventTypes.length === 0 ? (
        <p>{host.name} has nothing to book right now.</p>
      ) : (
        <ul class="et" id="event-types">
          {eventTypes.map((et) => (
            <li>
              <a class="et-link" href={`${basePath ?? `/${host.username}`}/${et.slug}`}>
                {et.title}
              </a>
              <ul class="meta">
                <li>{minutes(et.durationMinutes)}</li>
                <li>{locationLabel(et.locationType)}</li>
              </ul>
              {et.description && <p class="desc">{et.description}</p>}
            </li>
          ))}
        </ul>
      )}
    </div>
  </PublicLayout>
);

// ---- Booker ----

export interface BookerProps {
  nonce: string;
  host: PublicHost;
  eventType: Pick<PublicEventType, 'title' | 'description' | 'durationMinutes' | 'locationType'> &
    Partial<Pick<EventType, 'seatsPerTimeSlot' | 'seatsShowAvailabilityCount'>>;
  state: ViewState;
  /** Path the calendar's links and the zone form go to (the booker, or the reschedule page). */
  basePath: string;
  /** A seated slot that is partly booked carries its seat counts (when the event type shows them). */
  byDate: Record<string, { start: string; end: string; seats_remaining?: number }[]>;
  prevMonth: string | null;
  nextMonth: string | null;
  /** Where a time links to. */
  timeHref: (startUtcIso: string) => string;
  notice?: { kind: 'ok' | 'error'; text: string };
  rescheduling?: { name: string; email: string; currentStart: number };
  script?: string;
  /** A recurring event type: the series length chosen (`?occurrences=`, kept in every link) and its most. */
  series?: { summary: string; occurrences: number; max: number };
}

/** The URL of a booker view with the given state. Every piece of state is in it, so every view can be linked. */
export function viewUrl(basePath: string, state: Pick<ViewState, 'tz' | 'fmt'> & { month?: string; date?: string | null; occurrences?: number }): string {
  const q = new URLSearchParams();
  if (state.month) q.set('month', state.month);
  if (state.date) q.set('date', state.date);
  q.set('tz', state.tz);
  q.set('fmt', state.fmt);
  if (state.occurrences) q.set('occurrences', String(state.occurrences));
  return `${basePath}?${q}`;
}

const EventHead: FC<{ host: PublicHost; eventType: BookerProps['eventType']; children?: Child }> = ({ host, eventType, children }) => (
  <div class="card">
    <p class="host">{host.name}</p>
    <h1>{eventType.title}</h1>
    <ul class="meta">
      <li>{minutes(eventType.durationMinutes)}</li>
      <li>{locationLabel(eventType.locationType)}</li>
    </ul>
    {eventType.description && <p class="desc">{eventType.description}</p>}
    {children}
  </div>
);

/** "9 of 10 seats left" for a seated event type that shows the count (a slot without counts has every seat free). */
function seatsLeft(et: Partial<Pick<EventType, 'seatsPerTimeSlot' | 'seatsShowAvailabilityCount'>>, slot: { seats_remaining?: number }): string | null {
  if (!et.seatsPerTimeSlot || !et.seatsShowAvailabilityCount) return null;
  const left = slot.seats_remaining ?? et.seatsPerTimeSlot;
  return `${left} of ${et.seatsPerTimeSlot} ${et.seatsPerTimeSlot === 1 ? 'seat' : 'seats'} left`;
}

export const ZoneForm: FC<{ basePath: string; state: ViewState; at: number; occurrences?: number }> = ({ basePath, state, at, occurrences }) => (
  <div class="zone" id="zone">
    <p>
      Times in <strong id="zone-name">{state.tz}</strong> (<span id="zone-offset">{offsetLabel(state.tz, at)}</span>) ·{' '}
      <a href="#tz">change</a>
    </p>
    <form method="get" action={basePath}>
      <input type="hidden" name="month" value={state.month} />
      {state.date && <input type="hidden" name="date" value={state.date} />}
      {occurrences && <input type="hidden" name="occurrences" value={String(occurrences)} />}
      <div class="field">
        <label for="tz">Time zone</label>
        <select id="tz" name="tz">
          {allTimeZones(state.tz).map((zone) => (
            <option selected={zone === state.tz}>{zone}</option>
          ))}
        </select>
      </div>
      <fieldset class="fmt">
        <legend>Clock</legend>
        <label class="check">
          <input type="radio" name="fmt" value="12h" checked={state.fmt === '12h'} /> 1:00 PM
        </label>
        <label class="check">
          <input type="radio" name="fmt" value="24h" checked={state.fmt === '24h'} /> 13:00
        </label>
      </fieldset>
      <button type="submit" class="btn">
        Show times
      </button>
    </form>
  </div>
);

/** A recurring event type: how often it repeats, and a choice of how many meetings to book (times follow it). */
const SeriesForm: FC<{ basePath: string; state: ViewState; series: NonNullable<BookerProps['series']> }> = ({ basePath, state, series }) => (
  <form method="get" action={basePath} class="series" id="series">
    <p>
      <strong id="series-summary">{series.summary}</strong>. The times below are free for every meeting of the series.
    </p>
    <input type="hidden" name="month" value={state.month} />
    {state.date && <input type="hidden" name="date" value={state.date} />}
    <input type="hidden" name="tz" value={state.tz} />
    <input type="hidden" name="fmt" value={state.fmt} />
    <div class="field">
      <label for="occurrences">Number of meetings</label>
      <select id="occurrences" name="occurrences">
        {Array.from({ length: series.max }, (_, i) => i + 1).map((n) => (
          <option value={String(n)} selected={n === series.occurrences}>
            {n}
          </option>
        ))}
      </select>
    </div>
    <button type="submit" class="btn">
      Show times
    </button>
  </form>
);

export const BookerPage: FC<BookerProps> = (p) => {
  const { state } = p;
  const weeks = monthWeeks(state.month);
  const day = state.date;
  const daySlots = day ? (p.byDate[day] ?? []) : [];
  const at = day ? Date.parse(`${day}T12:00:00Z`) : Date.parse(`${state.month}-15T12:00:00Z`);
  const link = (over: { month?: string; date?: string | null }) =>
    viewUrl(p.basePath, { tz: state.tz, fmt: state.fmt, month: state.month, date: state.date, occurrences: p.series?.occurrences, ...over });
  return (
    <PublicLayout nonce={p.nonce} title={`${p.eventType.title} · ${p.host.name}`} script={p.script}>
      <EventHead host={p.host} eventType={p.eventType}>
        {p.rescheduling && (
          <p class="when-sub" id="rescheduling">
            Rescheduling the booking of {p.rescheduling.name} ({p.rescheduling.email}), now on {formatInstant(state.tz, p.rescheduling.currentStart, state.fmt)}.
          </p>
        )}
        {p.series && <SeriesForm basePath={p.basePath} state={state} series={p.series} />}
      </EventHead>
      {p.notice && <FlashMessage flash={p.notice} />}
      <div class={day ? 'booker has-day' : 'booker'}>
        <section class="card" aria-labelledby="month-heading">
          <div class="month-nav">
            <h2 id="month-heading">{formatMonth(state.month)}</h2>
            <div class="nav">
              {p.prevMonth ? (
                <a class="btn" href={link({ month: p.prevMonth, date: null })} aria-label={`Previous month, ${formatMonth(p.prevMonth)}`}>
                  ←
                </a>
              ) : (
                <span class="off" aria-hidden="true">
                  ←
                </span>
              )}
              {p.nextMonth ? (
                <a class="btn" href={link({ month: p.nextMonth, date: null })} aria-label={`Next month, ${formatMonth(p.nextMonth)}`}>
                  →
                </a>
              ) : (
                <span class="off" aria-hidden="true">
                  →
                </span>
              )}
            </div>
          </div>
          <table class="cal" id="calendar">
            <caption class="trap">Days of {formatMonth(state.month)}; days with free times are links.</caption>
            <thead>
              <tr>
                {WEEKDAY_HEADERS.map((w) => (
                  <th scope="col" abbr={w}>
                    <span aria-hidden="true">{w.slice(0, 2)}</span>
                    <span class="trap">{w}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {weeks.map((week) => (
                <tr>
                  {week.map((d) =>
                    d === null ? (
                      <td></td>
                    ) : (
                      <td>
                        {p.byDate[d]?.length ? (
                          <a href={`${link({ date: d })}#day`} aria-current={d === day ? 'date' : undefined} aria-label={`${formatLongDate(d)}, available`} data-date={d}>
                            {Number(d.slice(8))}
                          </a>
                        ) : (
                          <span class="none" data-date={d}>
                            {Number(d.slice(8))}
                          </span>
                        )}
                      </td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {Object.keys(p.byDate).length === 0 && <p class="muted">No free times in {formatMonth(state.month)}. Try the next month.</p>}
        </section>
        {day && (
          <section class="card" aria-labelledby="day-heading" id="day">
            <h2 id="day-heading">{formatLongDate(day)}</h2>
            {daySlots.length === 0 ? (
              <p>No free times on this day. Choose another day.</p>
            ) : (
              <ul class="times" id="times">
                {daySlots.map((s) => {
                  const clock = formatClock(minuteOfIso(s.start), state.fmt);
                  const utc = new Date(Date.parse(s.start)).toISOString().replace('.000Z', 'Z');
                  const seats = seatsLeft(p.eventType, s);
                  return (
                    <li>
                      <a href={p.timeHref(utc)} rel="nofollow" aria-label={`${formatLongDate(day)}, ${clock}, available${seats ? `, ${seats}` : ''}`} data-start={utc}>
                        {clock}
                        {seats && <span class="seats">{seats}</span>}
                      </a>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        )}
      </div>
      <ZoneForm basePath={p.basePath} state={state} at={daySlots[0] ? Date.parse(daySlots[0].start) : at} occurrences={p.series?.occurrences} />
    </PublicLayout>
  );
};

/** Without ?tz= or a remembered zone: ask the browser once and reload with it (no JavaScript: the host's zone). */
export function zoneDetectionScript(hostZone: string): string {
  return `(function(){try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;var u=new URL(location.href);if(z&&z!==${JSON.stringify(hostZone)}&&!u.searchParams.has("tz")){u.searchParams.set("tz",z);location.replace(u.href)}}catch(e){}})();`;
}

// ---- When, printed the same way everywhere ----

export const WhenLine: FC<{ start: number; end: number; tz: string; fmt: HourFormat; id?: string }> = ({ start, end, tz, fmt, id }) => {
  const s = localParts(tz, start);
  const e = localParts(tz, end);
  const endText = s.dateKey === e.dateKey ? formatClock(e.minute, fmt) : formatInstant(tz, end, fmt);
  return (
    <p class="when" id={id}>
      <time datetime={new Date(start).toISOString()}>{formatInstant(tz, start, fmt)}</time> – <time datetime={new Date(end).toISOString()}>{endText}</time>
      <span class="when-sub">
        {' '}
        ({tz}, {offsetLabel(tz, start)})
      </span>
    </p>
  );
};

// ---- Booking form ----

export interface BookingFormProps {
  nonce: string;
  host: PublicHost;
  eventType: BookerProps['eventType'];
  fields: BookingField[];
  start: number;
  end: number;
  state: Pick<ViewState, 'tz' | 'fmt'>;
  action: string;
  back: string;
  values: FormValues;
  issues: ErrorIssue[];
  message?: string;
  /** A fresh random key per render: the Idempotency-Key of this submission, so a double submit books once. */
  submissionKey: string;
  /** The time held for this form, or null when no hold could be taken (the form still books free time). */
  hold: FormHold | null;
  /** A recurring event type: the series this form books, every start listed. */
  series?: { summary: string; starts: number[]; occurrences: number };
}

export interface FormHold {
  uid: string;
  expiresAt: number;
}

/** How long the time stays held, said in words and as a clock time in the visitor's zone (no script needed). */
const HoldNotice: FC<{ hold: FormHold; tz: string; fmt: HourFormat; now: number }> = ({ hold, tz, fmt, now }) => {
  const minutes = Math.max(1, Math.round((hold.expiresAt - now) / 60_000));
  return (
    <p class="hold-notice" id="hold-notice" role="status">
      We are holding this time for you for {minutes === 1 ? '1 more minute' : `${minutes} more minutes`}, until{' '}
      <time datetime={new Date(hold.expiresAt).toISOString()}>{formatClock(localParts(tz, hold.expiresAt).minute, fmt)}</time>.
    </p>
  );
};

const Req: FC<{ required: boolean }> = ({ required }) =>
  required ? (
    <span class="req" aria-hidden="true">
      {' '}
      *
    </span>
  ) : (
    <span class="opt"> (optional)</span>
  );

const Question: FC<{ f: BookingField; values: FormValues; issues: ErrorIssue[] }> = ({ f, values, issues }) => {
  const mine = issues.filter((i) => fieldOfIssue(i) === f.name);
  const id = inputId(f);
  const name = inputName(f);
  const errorId = `${id}-error`;
  const describedBy = mine.length ? errorId : undefined;
  const invalid = mine.length ? 'true' : undefined;
  const value = values[f.name];
  const text = typeof value === 'string' ? value : '';
  const list = Array.isArray(value) ? value : [];
  const error = mine.length ? (
    <span class="error" id={errorId}>
      {mine.map((i) => i.message).join(' ')}
    </span>
  ) : null;
  const inputType: Record<string, string> = { text: 'text', email: 'email', phone: 'tel', url: 'url', number: 'number' };

  if (f.type === 'radio' || f.type === 'checkbox') {
    return (
      <fieldset class={mine.length ? 'invalid' : undefined} aria-describedby={describedBy} id={id}>
        <legend>
          {f.label}
          <Req required={f.required} />
        </legend>
        {f.options!.map((o, i) => (
          <label class="check">
            <input
              type={f.type}
              name={name}
              value={o.value}
              id={i === 0 ? `${id}-0` : undefined}
              checked={f.type === 'radio' ? text === o.value : list.includes(o.value)}
              required={f.type === 'radio' && f.required}
            />
            {o.label}
          </label>
        ))}
        {error}
      </fieldset>
    );
  }
  if (f.type === 'boolean') {
    return (
      <div class={mine.length ? 'field invalid' : 'field'}>
        <label class="check">
          <input type="checkbox" id={id} name={name} value="true" checked={value === true} required={f.required} aria-invalid={invalid} aria-describedby={describedBy} />
          {f.label}
          <Req required={f.required} />
        </label>
        {error}
      </div>
    );
  }
  return (
    <div class={mine.length ? 'field invalid' : 'field'}>
      <label for={id}>
        {f.label}
        <Req required={f.required} />
      </label>
      {f.type === 'textarea' || f.type === 'multiemail' ? (
        <textarea id={id} name={name} required={f.required} placeholder={f.placeholder} maxlength={f.max_length ?? 2000} aria-invalid={invalid} aria-describedby={describedBy}>
          {text}
        </textarea>
      ) : f.type === 'select' || f.type === 'multiselect' ? (
        <select id={id} name={name} multiple={f.type === 'multiselect'} required={f.required} aria-invalid={invalid} aria-describedby={describedBy}>
          {f.type === 'select' && <option value="">Choose…</option>}
          {f.options!.map((o) => (
            <option value={o.value} selected={f.type === 'select' ? text === o.value : list.includes(o.value)}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          type={inputType[f.type] ?? 'text'}
          id={id}
          name={name}
          value={text}
          required={f.required}
          placeholder={f.placeholder}
          maxlength={f.type === 'number' ? undefined : (f.max_length ?? (f.name === 'name' ? 120 : 254))}
          autocomplete={f.name === 'name' || f.name === 'email' ? f.name : undefined}
          step={f.type === 'number' ? 'any' : undefined}
          aria-invalid={invalid}
          aria-describedby={describedBy}
        />
      )}
      {f.type === 'multiemail' && <span class="hint">One address per line, or separated by commas.</span>}
      {error}
    </div>
  );
};

/** Every meeting of a series, in the visitor's zone. */
const SeriesList: FC<{ summary: string; starts: number[]; tz: string; fmt: HourFormat }> = ({ summary, starts, tz, fmt }) => (
  <div id="series">
    <p>
      <strong>{summary}</strong>:
    </p>
    <ol class="series-list" id="occurrences">
      {starts.map((start) => (
        <li>
          <time datetime={new Date(start).toISOString()}>{formatInstant(tz, start, fmt)}</time>
        </li>
      ))}
    </ol>
  </div>
);

export const BookingFormPage: FC<BookingFormProps> = (p) => {
  const shown = p.fields.filter((f) => !f.hidden);
  const fieldIds = Object.fromEntries(
    p.issues.map((i) => {
      const f = shown.find((x) => x.name === fieldOfIssue(i));
      return [i.path, f ? (f.type === 'radio' || f.type === 'checkbox' ? `${inputId(f)}-0` : inputId(f)) : ''];
    }),
  );
  return (
    <PublicLayout nonce={p.nonce} title={`Book ${p.eventType.title}`}>
      <EventHead host={p.host} eventType={p.eventType}>
        <WhenLine start={p.start} end={p.end} tz={p.state.tz} fmt={p.state.fmt} id="when" />
        {p.series && <SeriesList summary={p.series.summary} starts={p.series.starts} tz={p.state.tz} fmt={p.state.fmt} />}
        <p>
          <a href={p.back}>Choose another time</a>
        </p>
      </EventHead>
      <div class="card">
        <h2>Your details</h2>
        {p.hold && <HoldNotice hold={p.hold} tz={p.state.tz} fmt={p.state.fmt} now={Date.now()} />}
        <ErrorSummary
          message={p.message ?? (p.issues.length ? 'Please correct the following:' : undefined)}
          issues={p.issues.map((i) => {
            const f = shown.find((x) => x.name === fieldOfIssue(i));
            return f ? { ...i, message: `${f.label}: ${i.message}` } : i;
          })}
          fieldIds={fieldIds}
          id="error-summary"
        />
        <form method="post" action={p.action} class="stack-form" id="booking-form" novalidate={p.issues.length > 0}>
          <input type="hidden" name="key" value={p.submissionKey} />
          {p.hold && <input type="hidden" name="reservation_uid" value={p.hold.uid} />}
          <input type="hidden" name="tz" value={p.state.tz} />
          <input type="hidden" name="fmt" value={p.state.fmt} />
          {shown.map((f) => (
            <Question f={f} values={p.values} issues={p.issues} />
          ))}
          <div class="trap" aria-hidden="true">
            <label for="website">Leave this field empty</label>
            <input type="text" id="website" name="website" tabindex={-1} autocomplete="off" />
          </div>
          <div>
            <button type="submit" class="btn primary">
              Confirm booking
            </button>
          </div>
        </form>
      </div>
    </PublicLayout>
  );
};

// ---- Booking page ----

const STATUS_TONE: Record<BookingStatus, Tone> = { accepted: 'ok', pending: 'warn', cancelled: 'plain', rejected: 'bad' };
const STATUS_TEXT: Record<BookingStatus, string> = {
  accepted: 'Confirmed',
  pending: 'Waiting for the host to confirm',
  cancelled: 'Cancelled',
  rejected: 'Declined by the host',
};

export interface BookingPageProps {
  nonce: string;
  data: BookingPageData;
  tz: string;
  fmt: HourFormat;
  flash: Flash | null;
  now: number;
  /** Show the cancel form. */
  cancel: boolean;
  cancelIssues?: ErrorIssue[];
  links: { reschedule: string; cancel: string; cancelAction: string; ics: string; self: string; manage: string | null };
  /** Every meeting of the booking's recurring series, by start (empty or absent for a single booking). */
  series?: SeriesMeeting[];
}

export interface SeriesMeeting {
  uid: string;
  startAt: number;
  endAt: number;
  status: BookingStatus;
}

/** The other meetings of a series, each a link to its own booking page; this one is marked. */
const SeriesCard: FC<{ series: SeriesMeeting[]; uid: string; tz: string; fmt: HourFormat }> = ({ series, uid, tz, fmt }) => {
  const index = series.findIndex((m) => m.uid === uid);
  return (
    <div class="card">
      <h2>
        Meeting {index + 1} of {series.length} in a series
      </h2>
      <ol class="series-list" id="series">
        {series.map((m) => (
          <li>
            <a href={`/booking/${m.uid}?${new URLSearchParams({ tz, fmt })}`} aria-current={m.uid === uid ? 'page' : undefined}>
              <time datetime={new Date(m.startAt).toISOString()}>{formatInstant(tz, m.startAt, fmt)}</time>
            </a>
            {m.status !== 'accepted' && <> ({STATUS_TEXT[m.status].toLowerCase()})</>}
          </li>
        ))}
      </ol>
    </div>
  );
};

/** Cancel one meeting of a series, it and the later ones, or all that have not started (the API's `scope`). */
const ScopeChoice: FC = () => (
  <fieldset class="scope">
    <legend>Which meetings?</legend>
    <label class="check">
      <input type="radio" name="scope" value="this" checked /> Only this one
    </label>
    <label class="check">
      <input type="radio" name="scope" value="following" /> This one and the later ones
    </label>
    <label class="check">
      <input type="radio" name="scope" value="all" /> Every meeting that has not started
    </label>
  </fieldset>
);

export const BookingPage: FC<BookingPageProps> = (p) => {
  const { booking: b, attendee: a, host, eventType } = p.data;
  const series = p.series && p.series.length > 1 ? p.series : null;
  const otherLiveMeetings = series ? series.filter((m) => m.uid !== b.uid && isLive(m.status) && m.startAt > p.now).length : 0;
  const live = isLive(b.status);
  // Once a booking has started only its host may change it (the bookings service refuses the attendee).
  const changeable = live && b.startAt > p.now;
  const canReschedule = changeable && eventType !== null;
  const title = eventType?.title ?? b.title;
  const answers = labelledAnswers(eventType?.bookingFields ?? null, b.bookingFieldsResponses);
  // A request keeps none of the host's location until they accept it (issue #25, storedLocation).
  const where = b.locationValue ?? (b.status === 'pending' && b.locationType ? `${locationLabel(b.locationType)}: the details are given once the host accepts` : locationLabel(b.locationType));
  const calendar = { title: b.title, details: p.links.manage ? `Booked with calflare. Manage: ${p.links.manage}` : 'Booked with calflare.', location: b.locationValue, start: b.startAt, end: b.endAt };
  return (
    <PublicLayout nonce={p.nonce} title={title}>
      {p.flash && <FlashMessage flash={p.flash} />}
      <div class="card">
        <p class="host">{host.name}</p>
        <h1>{title}</h1>
        <span class="status" id="status">
          <Badge tone={STATUS_TONE[b.status]}>{STATUS_TEXT[b.status]}</Badge>
        </span>
        <WhenLine start={b.startAt} end={b.endAt} tz={p.tz} fmt={p.fmt} id="when" />
        {host.timezone !== p.tz && (
          <p class="when-sub" id="host-time">
            For {host.name}: {formatInstant(host.timezone, b.startAt, p.fmt)} ({host.timezone}, {offsetLabel(host.timezone, b.startAt)})
          </p>
        )}
      </div>
      {series && <SeriesCard series={series} uid={b.uid} tz={p.tz} fmt={p.fmt} />}
      <div class="card">
        <h2>Details</h2>
        <dl class="kv" id="details">
          <dt>What</dt>
          <dd>{b.title}</dd>
          <dt>Host</dt>
          <dd>{host.name}</dd>
          <dt>Attendee</dt>
          <dd>
            {a.name} ({a.email})
          </dd>
          <dt>Where</dt>
          <dd class="break">{where}</dd>
          {a.notes && (
            <>
              <dt>Notes</dt>
              <dd>{a.notes}</dd>
            </>
          )}
          {answers.map((x) => (
            <>
              <dt>{x.label}</dt>
              <dd data-field={x.name}>{x.display}</dd>
            </>
          ))}
          {b.cancellationReason && (
            <>
              <dt>Reason</dt>
              <dd>{b.cancellationReason}</dd>
            </>
          )}
        </dl>
      </div>
      {live && (
        <div class="card">
          <h2>Add to your calendar</h2>
          <ul class="links" id="calendar-links">
            <li>
              <a class="btn" href={googleCalendarUrl(calendar)} rel="noopener noreferrer">
                Google Calendar
              </a>
            </li>
            <li>
              <a class="btn" href={outlookLiveUrl(calendar)} rel="noopener noreferrer">
                Outlook.com
              </a>
            </li>
            <li>
              <a class="btn" href={office365Url(calendar)} rel="noopener noreferrer">
                Office 365
              </a>
            </li>
            <li>
              <a class="btn" href={p.links.ics} download>
                Download .ics
              </a>
            </li>
          </ul>
        </div>
      )}
      {!live && host.username && (
        <p>
          <a class="btn" href={`/${host.username}`} id="book-again">
            Book another time with {host.name}
          </a>
        </p>
      )}
      {changeable && (
        <div class="card">
          <h2>Need a change?</h2>
          {p.cancel ? (
            <form method="post" action={p.links.cancelAction} class="stack-form" id="cancel-form">
              <ErrorSummary issues={p.cancelIssues ?? []} />
              {otherLiveMeetings > 0 && <ScopeChoice />}
              <div class="field">
                <label for="reason">
                  Reason for cancelling<span class="opt"> (optional)</span>
                </label>
                <textarea id="reason" name="reason" maxlength={1000}></textarea>
              </div>
              <div class="actions">
                <button type="submit" class="btn danger solid">
                  Cancel this booking
                </button>
                <a class="btn" href={p.links.self}>
                  Keep it
                </a>
              </div>
            </form>
          ) : (
            <ul class="links" id="change-links">
              {canReschedule && (
                <li>
                  <a class="btn" href={p.links.reschedule}>
                    Reschedule
                  </a>
                </li>
              )}
              <li>
                <a class="btn danger" href={p.links.cancel}>
                  Cancel
                </a>
              </li>
            </ul>
          )}
        </div>
      )}
    </PublicLayout>
  );
};

// ---- Reschedule confirmation ----

export const RescheduleConfirmPage: FC<{
  nonce: string;
  data: BookingPageData;
  start: number;
  end: number;
  state: Pick<ViewState, 'tz' | 'fmt'>;
  action: string;
  back: string;
  message?: string;
}> = (p) => (
  <PublicLayout nonce={p.nonce} title={`Reschedule ${p.data.eventType?.title ?? p.data.booking.title}`}>
    <div class="card">
      <p class="host">{p.data.host.name}</p>
      <h1>{p.data.eventType?.title ?? p.data.booking.title}</h1>
      <p class="when-sub">From</p>
      <WhenLine start={p.data.booking.startAt} end={p.data.booking.endAt} tz={p.state.tz} fmt={p.state.fmt} id="old-when" />
      <p class="when-sub">To</p>
      <WhenLine start={p.start} end={p.end} tz={p.state.tz} fmt={p.state.fmt} id="when" />
    </div>
    <div class="card">
      <ErrorSummary message={p.message} issues={[]} />
      <form method="post" action={p.action} class="stack-form" id="reschedule-form">
        <input type="hidden" name="start" value={new Date(p.start).toISOString()} />
        <input type="hidden" name="tz" value={p.state.tz} />
        <input type="hidden" name="fmt" value={p.state.fmt} />
        <div class="field">
          <label for="reason">
            Reason<span class="opt"> (optional)</span>
          </label>
          <textarea id="reason" name="reason" maxlength={1000}></textarea>
        </div>
        <div class="actions">
          <button type="submit" class="btn primary">
            Confirm new time
          </button>
          <a class="btn" href={p.back}>
            Choose another time
          </a>
        </div>
      </form>
    </div>
  </PublicLayout>
);
