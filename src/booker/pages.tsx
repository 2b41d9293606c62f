// The public pages' views: host page, booker (month + day), booking form, booking page, reschedule and cancel forms.
// Plain links and forms that work with JavaScript off; the only script is the nonce'd zone detection on the booker.
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import { formatMoney } from '../payments/money';
import { paymentJson } from '../payments/checkout';
import { raw } from 'hono/html';
import type { BookingStatus, EventType } from '../db/schema';
import { labelledAnswers, SMS_CONSENT } from '../event-types/booking-fields';
import type { ErrorIssue } from '../lib/errors';
import { Badge, ErrorSummary, FlashMessage, type Tone } from '../web/components';
import { Document } from '../web/document';
import type { Flash } from '../web/http';
import { googleCalendarUrl, office365Url, outlookLiveUrl } from './calendar-links';
import { fieldOfIssue, inputId, inputName, type FormValues } from './form';
import type { BookingPageData, PublicEventType, PublicHost } from './repo';
import { EMBED_STYLE, LANG_NAV_STYLE, PUBLIC_DARK, PUBLIC_STYLES, TEL_INPUT_STYLE } from './styles';
import { themeStyles } from '../branding/theme';
import type { Translator } from '../i18n/catalogue';
import { LOCALES } from '../i18n/locales';
import { LANGUAGE_NAMES, useUi } from './ui';
import { embedPageScript, type EmbedEvent } from '../embed/protocol';
import { logoPath } from '../branding/logo';
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
  weekdayHeaders,
  type HourFormat,
  type ViewState,
} from './view-state';
import type { BookingField } from '../db/json-types';

const LOCATION_KEYS = { google_meet: 'locGoogleMeet', ms_teams: 'locMsTeams', zoom: 'locZoom', phone: 'locPhone', in_person: 'locInPerson' } as const;
export const locationLabel = (kind: string | null, t: Translator) =>
  kind ? (kind in LOCATION_KEYS ? t.t(LOCATION_KEYS[kind as keyof typeof LOCATION_KEYS]) : kind) : t.t('locNone');

/** The page in the visitor's language and the host's colours (appended to the one nonce'd stylesheet). */
export const PublicLayout: FC<PropsWithChildren<{ nonce: string; title: string; script?: string; embedEvents?: EmbedEvent[] }>> = (p) => {
  const ui = useUi();
  const styles = PUBLIC_STYLES + TEL_INPUT_STYLE + LANG_NAV_STYLE + (ui.embed ? EMBED_STYLE : '') + themeStyles(ui.brand, PUBLIC_DARK);
  // Embedded (?embed=1): no language links (the embedding site chose the language), the events and height posted.
  const script = [p.script, ui.embed ? embedPageScript(ui.embed.origins, p.embedEvents ?? []) : undefined].filter(Boolean).join('\n');
  return (
    <Document title={ui.brand.hideBranding ? p.title : `${p.title} · calflare`} nonce={p.nonce} extraStyles={styles} bodyClass={ui.embed ? 'public embed' : 'public'} robots="noindex" lang={ui.locale} dir={ui.dir}>
      <main>
        {ui.brand.logo && <img class="logo" src={logoPath(ui.brand.logo)} alt="" height="48" />}
        {p.children}
      </main>
      <footer>
        {!ui.brand.hideBranding && <p>{ui.t.t('footer')}</p>}
        {ui.switchHref && !ui.embed && (
          <nav aria-label={ui.t.t('language')}>
            <ul>
              {LOCALES.map((l) => (
                <li>
                  <a href={ui.switchHref!(l)} lang={l} hreflang={l} aria-current={l === ui.locale ? 'true' : undefined}>
                    {LANGUAGE_NAMES[l]}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </footer>
      {script && <script nonce={p.nonce}>{raw(script)}</script>}
    </Document>
  );
};

export const MessagePage: FC<{ nonce: string; title: string; message: Child; status?: number; back?: { href: string; label: string } }> = (p) => {
  const { t } = useUi();
  return (
  <PublicLayout nonce={p.nonce} title={p.title}>
    <div class="card">
      {p.status && <p class="host">{p.status === 404 ? t.t('notFound') : t.t('errorStatus', { status: p.status })}</p>}
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
};

// ---- Host page ----

const minutes = (n: number, t: Translator) => (n % 60 === 0 && n >= 60 ? t.t('durationHours', { n: n / 60 }) : t.t('durationMinutes', { n }));

/** A host's (or a team's, with `basePath` `/team/{slug}`) public event types. */
export const HostPage: FC<{ nonce: string; host: PublicHost; eventTypes: PublicEventType[]; basePath?: string }> = ({ nonce, host, eventTypes, basePath }) => {
  const { t, keep } = useUi();
  const q = Object.keys(keep).length ? `?${new URLSearchParams(keep)}` : '';
  return (
  <PublicLayout nonce={nonce} title={host.name}>
    <div class="card">
      <h1>{host.name}</h1>
      <p class="sub">{t.t('chooseWhat')}</p>
    </div>
    <div class="card">
      {eventTypes.length === 0 ? (
        <p>{t.t('nothingToBook', { name: host.name })}</p>
      ) : (
        <ul class="et" id="event-types">
          {eventTypes.map((et) => (
            <li>
              <a class="et-link" href={`${basePath ?? `/${host.username}`}/${et.slug}${q}`}>
                {et.title}
              </a>
              <ul class="meta">
                <li>{minutes(et.durationMinutes, t)}</li>
                <li>{locationLabel(et.locationType, t)}</li>
              </ul>
              {et.description && <p class="desc">{et.description}</p>}
            </li>
          ))}
        </ul>
      )}
    </div>
  </PublicLayout>
  );
};

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
export function viewUrl(basePath: string, state: Pick<ViewState, 'tz' | 'fmt' | 'keep'> & { month?: string; date?: string | null; occurrences?: number }): string {
  const q = new URLSearchParams();
  if (state.month) q.set('month', state.month);
  if (state.date) q.set('date', state.date);
  q.set('tz', state.tz);
  q.set('fmt', state.fmt);
  if (state.occurrences) q.set('occurrences', String(state.occurrences));
  for (const [key, value] of Object.entries(state.keep ?? {})) q.set(key, value);
  return `${basePath}?${q}`;
}

const EventHead: FC<{ host: PublicHost; eventType: BookerProps['eventType']; children?: Child }> = ({ host, eventType, children }) => {
  const { t } = useUi();
  return (
    <div class="card">
      <p class="host">{host.name}</p>
      <h1>{eventType.title}</h1>
      <ul class="meta">
        <li>{minutes(eventType.durationMinutes, t)}</li>
        <li>{locationLabel(eventType.locationType, t)}</li>
      </ul>
      {eventType.description && <p class="desc">{eventType.description}</p>}
      {children}
    </div>
  );
};

/** "9 of 10 seats left" for a seated event type that shows the count (a slot without counts has every seat free). */
function seatsLeft(et: Partial<Pick<EventType, 'seatsPerTimeSlot' | 'seatsShowAvailabilityCount'>>, slot: { seats_remaining?: number }, t: Translator): string | null {
  if (!et.seatsPerTimeSlot || !et.seatsShowAvailabilityCount) return null;
  const left = slot.seats_remaining ?? et.seatsPerTimeSlot;
  return t.plural('seatsLeft', left, { total: et.seatsPerTimeSlot });
}

/** A catalogue text with JSX in its `{name}` places (the words around them stay in the language's order). */
function rich(template: string, parts: Record<string, Child>): Child[] {
  return template.split(/\{(\w+)\}/).map((piece, i) => (i % 2 === 1 ? (parts[piece] ?? `{${piece}}`) : piece));
}

/** The kept query (language, embed, prefill) as hidden inputs of a GET form, which replaces the action's query. */
const KeptInputs: FC<{ keep: Record<string, string> }> = ({ keep }) => (
  <>
    {Object.entries(keep).map(([name, value]) => (
      <input type="hidden" name={name} value={value} />
    ))}
  </>
);

export const ZoneForm: FC<{ basePath: string; state: ViewState; at: number; occurrences?: number }> = ({ basePath, state, at, occurrences }) => {
  const { t, keep } = useUi();
  return (
  <div class="zone" id="zone">
    <p>
      {rich(t.t('timesIn'), { zone: <strong id="zone-name">{state.tz}</strong>, offset: <span id="zone-offset">{offsetLabel(state.tz, at)}</span> })} ·{' '}
      <a href="#tz">{t.t('change')}</a>
    </p>
    <form method="get" action={basePath}>
      <input type="hidden" name="month" value={state.month} />
      {state.date && <input type="hidden" name="date" value={state.date} />}
      {occurrences && <input type="hidden" name="occurrences" value={String(occurrences)} />}
      <KeptInputs keep={keep} />
      <div class="field">
        <label for="tz">{t.t('timeZone')}</label>
        <select id="tz" name="tz">
          {allTimeZones(state.tz).map((zone) => (
            <option selected={zone === state.tz}>{zone}</option>
          ))}
        </select>
      </div>
      <fieldset class="fmt">
        <legend>{t.t('clock')}</legend>
        <label class="check">
          <input type="radio" name="fmt" value="12h" checked={state.fmt === '12h'} /> {formatClock(780, '12h', t.locale)}
        </label>
        <label class="check">
          <input type="radio" name="fmt" value="24h" checked={state.fmt === '24h'} /> {formatClock(780, '24h', t.locale)}
        </label>
      </fieldset>
      <button type="submit" class="btn">
        {t.t('showTimes')}
      </button>
    </form>
  </div>
  );
};

/** A recurring event type: how often it repeats, and a choice of how many meetings to book (times follow it). */
const SeriesForm: FC<{ basePath: string; state: ViewState; series: NonNullable<BookerProps['series']> }> = ({ basePath, state, series }) => {
  const { t, keep } = useUi();
  return (
  <form method="get" action={basePath} class="series" id="series">
    <p>
      <strong id="series-summary">{series.summary}</strong>. {t.t('seriesFree')}
    </p>
    <input type="hidden" name="month" value={state.month} />
    {state.date && <input type="hidden" name="date" value={state.date} />}
    <input type="hidden" name="tz" value={state.tz} />
    <input type="hidden" name="fmt" value={state.fmt} />
    <KeptInputs keep={keep} />
    <div class="field">
      <label for="occurrences">{t.t('meetingCount')}</label>
      <select id="occurrences" name="occurrences">
        {Array.from({ length: series.max }, (_, i) => i + 1).map((n) => (
          <option value={String(n)} selected={n === series.occurrences}>
            {n}
          </option>
        ))}
      </select>
    </div>
    <button type="submit" class="btn">
      {t.t('showTimes')}
    </button>
  </form>
  );
};

export const BookerPage: FC<BookerProps> = (p) => {
  const { state } = p;
  const { t, locale, dir, keep } = useUi();
  const [back, forward] = dir === 'rtl' ? ['→', '←'] : ['←', '→'];
  const monthName = (m: string) => formatMonth(m, locale);
  const longDate = (d: string) => formatLongDate(d, locale);
  const weeks = monthWeeks(state.month);
  const day = state.date;
  const daySlots = day ? (p.byDate[day] ?? []) : [];
  const at = day ? Date.parse(`${day}T12:00:00Z`) : Date.parse(`${state.month}-15T12:00:00Z`);
  const link = (over: { month?: string; date?: string | null }) =>
    viewUrl(p.basePath, { tz: state.tz, fmt: state.fmt, month: state.month, date: state.date, occurrences: p.series?.occurrences, keep, ...over });
  return (
    <PublicLayout
      nonce={p.nonce}
      title={`${p.eventType.title} · ${p.host.name}`}
      script={p.script}
      embedEvents={day ? [{ type: 'calflare:date_selected', data: { date: day } }] : undefined}
    >
      <EventHead host={p.host} eventType={p.eventType}>
        {p.rescheduling && (
          <p class="when-sub" id="rescheduling">
            {t.t('rescheduling', { name: p.rescheduling.name, email: p.rescheduling.email, when: formatInstant(state.tz, p.rescheduling.currentStart, state.fmt, locale) })}
          </p>
        )}
        {p.series && <SeriesForm basePath={p.basePath} state={state} series={p.series} />}
      </EventHead>
      {p.notice && <FlashMessage flash={p.notice} />}
      <div class={day ? 'booker has-day' : 'booker'}>
        <section class="card" aria-labelledby="month-heading">
          <div class="month-nav">
            <h2 id="month-heading">{monthName(state.month)}</h2>
            <div class="nav">
              {p.prevMonth ? (
                <a class="btn" href={link({ month: p.prevMonth, date: null })} aria-label={t.t('prevMonth', { month: monthName(p.prevMonth) })}>
                  {back}
                </a>
              ) : (
                <span class="off" aria-hidden="true">
                  {back}
                </span>
              )}
              {p.nextMonth ? (
                <a class="btn" href={link({ month: p.nextMonth, date: null })} aria-label={t.t('nextMonth', { month: monthName(p.nextMonth) })}>
                  {forward}
                </a>
              ) : (
                <span class="off" aria-hidden="true">
                  {forward}
                </span>
              )}
            </div>
          </div>
          <table class="cal" id="calendar">
            <caption class="trap">{t.t('daysOf', { month: monthName(state.month) })}</caption>
            <thead>
              <tr>
                {weekdayHeaders(locale).map((w) => (
                  <th scope="col" abbr={w.long}>
                    <span aria-hidden="true">{w.short}</span>
                    <span class="trap">{w.long}</span>
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
                          <a href={`${link({ date: d })}#day`} aria-current={d === day ? 'date' : undefined} aria-label={t.t('dayAvailable', { date: longDate(d) })} data-date={d}>
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
          {Object.keys(p.byDate).length === 0 && <p class="muted">{t.t('noTimesMonth', { month: monthName(state.month) })}</p>}
        </section>
        {day && (
          <section class="card" aria-labelledby="day-heading" id="day">
            <h2 id="day-heading">{longDate(day)}</h2>
            {daySlots.length === 0 ? (
              <p>{t.t('noTimesDay')}</p>
            ) : (
              <ul class="times" id="times">
                {daySlots.map((s) => {
                  const clock = formatClock(minuteOfIso(s.start), state.fmt, locale);
                  const utc = new Date(Date.parse(s.start)).toISOString().replace('.000Z', 'Z');
                  const seats = seatsLeft(p.eventType, s, t);
                  const label = t.t('timeAvailable', { date: longDate(day), time: clock });
                  return (
                    <li>
                      <a href={p.timeHref(utc)} rel="nofollow" aria-label={seats ? `${label}, ${seats}` : label} data-start={utc}>
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
  const { locale } = useUi();
  const s = localParts(tz, start);
  const e = localParts(tz, end);
  const endText = s.dateKey === e.dateKey ? formatClock(e.minute, fmt, locale) : formatInstant(tz, end, fmt, locale);
  return (
    <p class="when" id={id}>
      <time datetime={new Date(start).toISOString()}>{formatInstant(tz, start, fmt, locale)}</time> – <time datetime={new Date(end).toISOString()}>{endText}</time>
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
  const { t, locale } = useUi();
  const minutes = Math.max(1, Math.round((hold.expiresAt - now) / 60_000));
  const time = <time datetime={new Date(hold.expiresAt).toISOString()}>{formatClock(localParts(tz, hold.expiresAt).minute, fmt, locale)}</time>;
  return (
    <p class="hold-notice" id="hold-notice" role="status">
      {rich(t.plural('holding', minutes, { time: '{time}' }), { time })}
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
    <span class="opt"> {useUi().t.t('optional')}</span>
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
          {f.type === 'select' && <option value="">{useUi().t.t('choose')}</option>}
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
      {f.type === 'multiemail' && <span class="hint">{useUi().t.t('multiEmailHint')}</span>}
      {f.sms_consent && (
        <label class="check">
          <input type="checkbox" id={`${id}-sms-consent`} name={`q_${SMS_CONSENT}`} value="true" checked={values[SMS_CONSENT] === true} />
          {useUi().t.t('smsConsent')}
        </label>
      )}
      {error}
    </div>
  );
};

/** Every meeting of a series, in the visitor's zone. */
const SeriesList: FC<{ summary: string; starts: number[]; tz: string; fmt: HourFormat }> = ({ summary, starts, tz, fmt }) => {
  const { locale } = useUi();
  return (
  <div id="series">
    <p>
      <strong>{summary}</strong>:
    </p>
    <ol class="series-list" id="occurrences">
      {starts.map((start) => (
        <li>
          <time datetime={new Date(start).toISOString()}>{formatInstant(tz, start, fmt, locale)}</time>
        </li>
      ))}
    </ol>
  </div>
  );
};

/** The system questions in the visitor's language while they keep their default English wording (a host's own stays). */
const SYSTEM_FIELDS: Record<string, { label: string; key: 'fieldName' | 'fieldEmail' | 'fieldNotes' | 'fieldGuests' }> = {
  name: { label: 'Your name', key: 'fieldName' },
  email: { label: 'Email address', key: 'fieldEmail' },
  notes: { label: 'Additional notes', key: 'fieldNotes' },
  guests: { label: 'Additional guests', key: 'fieldGuests' },
};
function localizedField(f: BookingField, t: Translator): BookingField {
  const system = SYSTEM_FIELDS[f.name];
  if (t.locale === 'en' || !system || f.label !== system.label) return f;
  const placeholder = f.name === 'notes' && f.placeholder === 'Anything that helps prepare for the meeting' ? t.t('fieldNotesPlaceholder') : f.placeholder;
  return { ...f, label: t.t(system.key), placeholder };
}

export const BookingFormPage: FC<BookingFormProps> = (p) => {
  const { t } = useUi();
  const shown = p.fields.filter((f) => !f.hidden).map((f) => localizedField(f, t));
  const fieldIds = Object.fromEntries(
    p.issues.map((i) => {
      const f = shown.find((x) => x.name === fieldOfIssue(i));
      return [i.path, f ? (f.type === 'radio' || f.type === 'checkbox' ? `${inputId(f)}-0` : inputId(f)) : ''];
    }),
  );
  return (
    <PublicLayout nonce={p.nonce} title={t.t('bookTitle', { title: p.eventType.title })}>
      <EventHead host={p.host} eventType={p.eventType}>
        <WhenLine start={p.start} end={p.end} tz={p.state.tz} fmt={p.state.fmt} id="when" />
        {p.series && <SeriesList summary={p.series.summary} starts={p.series.starts} tz={p.state.tz} fmt={p.state.fmt} />}
        <p>
          <a href={p.back}>{t.t('chooseAnother')}</a>
        </p>
      </EventHead>
      <div class="card">
        <h2>{t.t('yourDetails')}</h2>
        {p.hold && <HoldNotice hold={p.hold} tz={p.state.tz} fmt={p.state.fmt} now={Date.now()} />}
        <ErrorSummary
          message={p.message ?? (p.issues.length ? t.t('pleaseCorrect') : undefined)}
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
            <label for="website">{t.t('trapLabel')}</label>
            <input type="text" id="website" name="website" tabindex={-1} autocomplete="off" />
          </div>
          <div>
            <button type="submit" class="btn primary">
              {t.t('confirmBooking')}
            </button>
          </div>
        </form>
      </div>
    </PublicLayout>
  );
};

// ---- Booking page ----

const STATUS_TONE: Record<BookingStatus, Tone> = { accepted: 'ok', pending: 'warn', cancelled: 'plain', rejected: 'bad', awaiting_payment: 'warn', expired: 'plain' };
const STATUS_KEY = { accepted: 'statusAccepted', pending: 'statusPending', cancelled: 'statusCancelled', rejected: 'statusRejected', awaiting_payment: 'statusAwaitingPayment', expired: 'statusPaymentExpired' } as const satisfies Record<BookingStatus, string>;

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
  /** Embedded: what to tell the framing site (the booking just made). */
  embedEvents?: EmbedEvent[];
}

export interface SeriesMeeting {
  uid: string;
  startAt: number;
  endAt: number;
  status: BookingStatus;
}

/** The other meetings of a series, each a link to its own booking page; this one is marked. */
const SeriesCard: FC<{ series: SeriesMeeting[]; uid: string; tz: string; fmt: HourFormat }> = ({ series, uid, tz, fmt }) => {
  const { t, locale, keep } = useUi();
  const index = series.findIndex((m) => m.uid === uid);
  return (
    <div class="card">
      <h2>{t.t('meetingOf', { n: index + 1, total: series.length })}</h2>
      <ol class="series-list" id="series">
        {series.map((m) => (
          <li>
            <a href={`/booking/${m.uid}?${new URLSearchParams({ tz, fmt, ...keep })}`} aria-current={m.uid === uid ? 'page' : undefined}>
              <time datetime={new Date(m.startAt).toISOString()}>{formatInstant(tz, m.startAt, fmt, locale)}</time>
            </a>
            {m.status !== 'accepted' && <> ({t.t(STATUS_KEY[m.status]).toLocaleLowerCase(locale)})</>}
          </li>
        ))}
      </ol>
    </div>
  );
};

/** Cancel one meeting of a series, it and the later ones, or all that have not started (the API's `scope`). */
const ScopeChoice: FC = () => {
  const { t } = useUi();
  return (
    <fieldset class="scope">
      <legend>{t.t('whichMeetings')}</legend>
      <label class="check">
        <input type="radio" name="scope" value="this" checked /> {t.t('scopeThis')}
      </label>
      <label class="check">
        <input type="radio" name="scope" value="following" /> {t.t('scopeFollowing')}
      </label>
      <label class="check">
        <input type="radio" name="scope" value="all" /> {t.t('scopeAll')}
      </label>
    </fieldset>
  );
};

/**
 * A paid booking (issue #30): while unpaid, "Pay to confirm" with the amount, until when the time is held and the
 * minutes left, and the link to Stripe Checkout; once paid, what was paid and refunded.
 */
const PaymentCard: FC<{ b: BookingPageData['booking']; tz: string; fmt: HourFormat; now: number; awaiting: boolean }> = ({ b, tz, fmt, now, awaiting }) => {
  const { t, locale } = useUi();
  const p = b.payment!;
  const money = (amount: number) => formatMoney(amount, p.currency, locale);
  if (awaiting) {
    const until = b.paymentExpiresAt!;
    // An occurrence of a paid series: one checkout for the whole series.
    const due = p.series_amount ?? p.amount;
    return (
      <div class="card" id="payment">
        <h2>{t.t('payToConfirm')}</h2>
        <p id="pay-held">
          {t.t('payHeld', { time: formatInstant(tz, until, fmt, locale), amount: money(due) })} ({t.t('durationMinutes', { n: Math.max(1, Math.ceil((until - now) / 60_000)) })})
        </p>
        {p.checkout_url && (
          <p>
            <a class="btn solid" href={p.checkout_url} id="pay-link" target="_top" rel="noopener">
              {t.t('payToConfirm')} · {money(due)}
            </a>
          </p>
        )}
      </div>
    );
  }
  if (p.status === 'unpaid' || p.status === 'void') return null;
  return (
    <div class="card" id="payment">
      <p>{t.t('paidAmount', { amount: money(p.amount) })}</p>
      {p.refunded_amount > 0 && <p id="refunded">{t.t('refundedAmount', { amount: money(p.refunded_amount) })}</p>}
    </div>
  );
};

export const BookingPage: FC<BookingPageProps> = (p) => {
  const { t, locale, keep, brand } = useUi();
  const { booking: b, attendee: a, host, eventType } = p.data;
  // A payment deadline that passed reads as expired at once, sweep or no sweep (as the API's status does).
  const shownStatus: BookingStatus = b.status === 'awaiting_payment' && (b.paymentExpiresAt ?? 0) <= p.now ? 'expired' : b.status;
  const cancelRefund = b.payment && isLive(b.status) ? paymentJson(b.payment, b.status, b.paymentExpiresAt, b.startAt, p.now).cancel_refund_amount : null;
  const series = p.series && p.series.length > 1 ? p.series : null;
  const otherLiveMeetings = series ? series.filter((m) => m.uid !== b.uid && isLive(m.status) && m.startAt > p.now).length : 0;
  const live = isLive(b.status);
  // Once a booking has started only its host may change it (the bookings service refuses the attendee).
  const changeable = live && b.startAt > p.now;
  const canReschedule = changeable && eventType !== null;
  const title = eventType?.title ?? b.title;
  const answers = labelledAnswers(eventType?.bookingFields ?? null, b.bookingFieldsResponses);
  // A request keeps none of the host's location until they accept it (issue #25, storedLocation).
  const where = b.locationValue ?? (b.status === 'pending' && b.locationType ? t.t('locPending', { label: locationLabel(b.locationType, t) }) : locationLabel(b.locationType, t));
  const details = [brand.hideBranding ? null : t.t('calBookedWith'), p.links.manage ? t.t('calManage', { url: p.links.manage }) : null].filter(Boolean).join(' ');
  const calendar = { title: b.title, details, location: b.locationValue, start: b.startAt, end: b.endAt };
  return (
    <PublicLayout nonce={p.nonce} title={title} embedEvents={p.embedEvents}>
      {p.flash && <FlashMessage flash={p.flash} />}
      <div class="card">
        <p class="host">{host.name}</p>
        <h1>{title}</h1>
        <span class="status" id="status">
          <Badge tone={STATUS_TONE[shownStatus]}>{t.t(STATUS_KEY[shownStatus])}</Badge>
        </span>
        <WhenLine start={b.startAt} end={b.endAt} tz={p.tz} fmt={p.fmt} id="when" />
        {host.timezone !== p.tz && (
          <p class="when-sub" id="host-time">
            {t.t('forHost', { name: host.name, when: formatInstant(host.timezone, b.startAt, p.fmt, locale) })} ({host.timezone}, {offsetLabel(host.timezone, b.startAt)})
          </p>
        )}
      </div>
      {series && <SeriesCard series={series} uid={b.uid} tz={p.tz} fmt={p.fmt} />}
      {b.payment && <PaymentCard b={b} tz={p.tz} fmt={p.fmt} now={p.now} awaiting={shownStatus === 'awaiting_payment'} />}
      <div class="card">
        <h2>{t.t('details')}</h2>
        <dl class="kv" id="details">
          <dt>{t.t('what')}</dt>
          <dd>{b.title}</dd>
          <dt>{t.t('host')}</dt>
          <dd>{host.name}</dd>
          <dt>{t.t('attendee')}</dt>
          <dd>
            {a.name} ({a.email})
          </dd>
          <dt>{t.t('where')}</dt>
          <dd class="break">{where}</dd>
          {a.notes && (
            <>
              <dt>{t.t('notes')}</dt>
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
              <dt>{t.t('reason')}</dt>
              <dd>{b.cancellationReason}</dd>
            </>
          )}
        </dl>
      </div>
      {live && (
        <div class="card">
          <h2>{t.t('addToCalendar')}</h2>
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
                {t.t('downloadIcs')}
              </a>
            </li>
          </ul>
        </div>
      )}
      {!live && host.username && (
        <p>
          <a class="btn" href={`/${host.username}${Object.keys(keep).length ? `?${new URLSearchParams(keep)}` : ''}`} id="book-again">
            {t.t('bookAgain', { name: host.name })}
          </a>
        </p>
      )}
      {changeable && (
        <div class="card">
          <h2>{t.t('needChange')}</h2>
          {p.cancel ? (
            <form method="post" action={p.links.cancelAction} class="stack-form" id="cancel-form">
              <ErrorSummary message={p.cancelIssues?.length ? t.t('pleaseCorrect') : undefined} issues={p.cancelIssues ?? []} />
              {otherLiveMeetings > 0 && <ScopeChoice />}
              {cancelRefund !== null && b.payment && (
                <p id="cancel-refund">{t.t('cancelRefunds', { amount: formatMoney(cancelRefund, b.payment.currency, locale) })}</p>
              )}
              <div class="field">
                <label for="reason">
                  {t.t('cancelReason')}
                  <span class="opt"> {t.t('optional')}</span>
                </label>
                <textarea id="reason" name="reason" maxlength={1000}></textarea>
              </div>
              <div class="actions">
                <button type="submit" class="btn danger solid">
                  {t.t('cancelBooking')}
                </button>
                <a class="btn" href={p.links.self}>
                  {t.t('keepIt')}
                </a>
              </div>
            </form>
          ) : (
            <ul class="links" id="change-links">
              {canReschedule && (
                <li>
                  <a class="btn" href={p.links.reschedule}>
                    {t.t('reschedule')}
                  </a>
                </li>
              )}
              <li>
                <a class="btn danger" href={p.links.cancel}>
                  {t.t('cancel')}
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
}> = (p) => {
  const { t } = useUi();
  return (
  <PublicLayout nonce={p.nonce} title={t.t('rescheduleTitle', { title: p.data.eventType?.title ?? p.data.booking.title })}>
    <div class="card">
      <p class="host">{p.data.host.name}</p>
      <h1>{p.data.eventType?.title ?? p.data.booking.title}</h1>
      <p class="when-sub">{t.t('from')}</p>
      <WhenLine start={p.data.booking.startAt} end={p.data.booking.endAt} tz={p.state.tz} fmt={p.state.fmt} id="old-when" />
      <p class="when-sub">{t.t('to')}</p>
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
            {t.t('reason')}
            <span class="opt"> {t.t('optional')}</span>
          </label>
          <textarea id="reason" name="reason" maxlength={1000}></textarea>
        </div>
        <div class="actions">
          <button type="submit" class="btn primary">
            {t.t('confirmNewTime')}
          </button>
          <a class="btn" href={p.back}>
            {t.t('chooseAnother')}
          </a>
        </div>
      </form>
    </div>
  </PublicLayout>
  );
};
