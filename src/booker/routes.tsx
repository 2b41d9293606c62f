// The public booking pages, mounted at the root by src/app.ts after every other area (docs/DESIGN.md, "Public
// booking pages", has the URL scheme):
//   /{username}                     host page
//   /{username}/{slug}              booker: ?month=YYYY-MM&date=YYYY-MM-DD&tz=<IANA>&fmt=12h|24h
//   /{username}/{slug}/book?start=  booking form (GET) and submission (POST)
//   /booking/{uid}                  booking page (?cancel=1: the cancel form), /booking/{uid}.ics, POST .../cancel
//   /reschedule/{uid}               the booker in reschedule mode (?start=: confirm), POST moves the booking
// Slots come from src/slots/service.ts and every write from src/bookings/service.ts (through src/dispatch/ for personal or team): the same code as the API, no
// HTTP calls to ourselves. Failures render pages, never JSON.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { SecureHeadersVariables } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { randomToken, sha256Hex } from '../lib/crypto';
import { cancelBody, createBookingBody, idempotencyKeySchema, reasonBody, uidParam } from '../bookings/schemas';
import { findSeries } from '../bookings/repo';
import { bookingPageUrl, siteOf, type Site } from '../invites/site';
import { scopedIdempotencyKey } from '../bookings/idempotency';
import { cancelBooking, getBookingIcs } from '../bookings/service';
import { createBooking, rescheduleBooking } from '../dispatch/bookings';
import { completeFields } from '../event-types/booking-fields';
import type { Bindings, Variables } from '../env';
import { ApiError, type ErrorIssue } from '../lib/errors';
import { chargeRateLimit, clientHash, enforceRateLimit, namedClientHash } from '../lib/rate-limit';
import { isoInstant, toIssues } from '../lib/validation';
import { findLiveHold } from '../reservations/repo';
import { holdForForm } from '../dispatch/holds';
import type { SlotOptions } from '../slots/service';
import { personalSlots, teamSlots, type BookerContext, type BookerSlots, type SlotSource } from './sources';
import { eventTypeRouting } from '../event-types/repo';
import { seriesStarts } from '../bookings/series';
import { seriesSummary } from '../slots/recurrence';
import { RESERVED_USERNAMES } from '../users/username';
import { field, formOf, setFlash, takeFlash } from '../web/http';
import { allowFormsTo, allowFramingBy, pageSecurityHeaders } from '../web/security';
import { checkoutOrigins } from '../payments/checkout';
import { openCheckout } from '../payments/service';
import { bodyFromValues, valuesFromForm, valuesFromQuery, type FormValues } from './form';
import { carriedParams, frameAncestors, utmMetadata, UTM_PARAMS, type EmbedEvent } from '../embed/protocol';
import { BookerPage, BookingFormPage, type FormHold, type SeriesMeeting, BookingPage, HostPage, MessagePage, RescheduleConfirmPage, viewUrl, zoneDetectionScript } from './pages';
import { findBookingLook, findBookingPage, findHostPage, findTeamPage, type BookingPageData } from './repo';
import { chooseLocale, LANG_COOKIE, supportedLocale } from '../i18n/locales';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { brandingOf, pageUi, UiContext, type HostLook, type PageUi } from './ui';
import { addMonths, isOutOfRange, occurrencesOf, FMT_COOKIE, localDateKey, readViewState, TZ_COOKIE, VIEW_YEARS, type HourFormat, type ViewState } from './view-state';

type PublicEnv = { Bindings: Bindings; Variables: Variables & SecureHeadersVariables };
type PublicContext = Context<PublicEnv>;

const MAX_FORM_BYTES = 32 * 1024;
const FLASH = { name: 'booking_flash', path: '/booking' };
const USERNAME = '{[a-z0-9-]{3,40}}';
const SLUG = '{[a-z0-9-]{1,100}}';
const UID = '{[A-Za-z0-9_-]{16,64}}';
const YEAR_S = 365 * 86_400;

const nonceOf = (c: PublicContext) => c.get('secureHeadersNonce') ?? '';

// ---- Language and branding (src/booker/ui.tsx) ----

/** The host whose colours and default language a request's page uses, once it is known (per request). */
const pageHosts = new WeakMap<PublicContext, HostLook>();
const setPageHost = (c: PublicContext, host: HostLook) => void pageHosts.set(c, host);

/** The language given in the URL (also in a form's action), kept in the links of the pages that follow. */
const langOf = (c: PublicContext) => supportedLocale(c.req.query('lang')) ?? undefined;

/** An embedded page (`?embed=1`, src/embed/): kept in every link, framed only by the host's embed origins. */
const isEmbed = (c: PublicContext) => c.req.query('embed') === '1';

/**
 * What this request's links and forms keep (ViewState.keep): the language, embed mode, and on the way to the booking
 * form (`prefill`) the prefill and UTM values. Booking, cancel and reschedule pages keep only the first two.
 */
function keptOf(c: PublicContext, opts: { prefill: boolean }): Record<string, string> {
  const lang = langOf(c);
  return {
    ...(lang ? { lang } : {}),
    ...(isEmbed(c) ? { embed: '1' } : {}),
    ...(opts.prefill ? carriedParams(new URL(c.req.url).searchParams) : {}),
  };
}

/** Whether this request's pages carry prefill values: every booker page but the booking and reschedule pages. */
const carriesPrefill = (c: PublicContext) => !/^\/(booking|reschedule)\//.test(c.req.path);

function uiOf(c: PublicContext): PageUi {
  const host = pageHosts.get(c);
  const { locale } = chooseLocale({ query: c.req.query('lang'), cookie: getCookie(c, LANG_COOKIE), acceptLanguage: c.req.header('accept-language'), hostDefault: host?.locale });
  const switchHref =
    c.req.method === 'GET'
      ? (l: string) => {
          const url = new URL(c.req.url);
          url.searchParams.set('lang', l);
          return `${url.pathname}${url.search}`;
        }
      : undefined;
  const embed = isEmbed(c) ? { origins: host?.embedOrigins ?? [] } : null;
  return pageUi(locale, brandingOf(host), { lang: langOf(c), switchHref, keep: keptOf(c, { prefill: carriesPrefill(c) }), embed });
}

const tOf = (c: PublicContext) => uiOf(c).t;

/** A page rendered in the request's language and the host's branding. */
function html(c: PublicContext, page: JSX.Element, status: ContentfulStatusCode = 200) {
  return c.html(<UiContext.Provider value={uiOf(c)}>{page}</UiContext.Provider>, status);
}

function messagePage(c: PublicContext, status: ContentfulStatusCode, title: string, message: string, back?: { href: string; label: string }) {
  return html(c, <MessagePage nonce={nonceOf(c)} title={title} message={message} status={status} back={back} />, status);
}

const notFoundPage = (c: PublicContext, message: string) => messagePage(c, 404, tOf(c).t('pageNotFound'), message);

/** The visitor's zone, format, month and day from the URL; a zone or format given in the URL is remembered. */
function viewState(c: PublicContext, hostZone: string): ViewState {
  const state = readViewState({
    query: { month: c.req.query('month'), date: c.req.query('date'), tz: c.req.query('tz'), fmt: c.req.query('fmt') },
    cookies: { tz: getCookie(c, TZ_COOKIE), fmt: getCookie(c, FMT_COOKIE) },
    acceptLanguage: c.req.header('accept-language'),
    hostZone,
    now: Date.now(),
  });
  remember(c, state);
  return { ...state, keep: keptOf(c, { prefill: carriesPrefill(c) }) };
}

function remember(c: PublicContext, state: Pick<ViewState, 'tz' | 'fmt'>) {
  const options = { path: '/', httpOnly: true, secure: true, sameSite: 'Lax' as const, maxAge: YEAR_S };
  const lang = langOf(c);
  if (lang && getCookie(c, LANG_COOKIE) !== lang) setCookie(c, LANG_COOKIE, lang, options);
  if (c.req.query('tz') === state.tz && getCookie(c, TZ_COOKIE) !== state.tz) setCookie(c, TZ_COOKIE, state.tz, options);
  if (c.req.query('fmt') === state.fmt && getCookie(c, FMT_COOKIE) !== state.fmt) setCookie(c, FMT_COOKIE, state.fmt, options);
}

/** Zone and format for pages outside the booker (form, booking page): the URL or form, else cookies, else defaults. */
function zoneAndFormat(c: PublicContext, defaultZone: string, given?: { tz?: string; fmt?: string }): Zone {
  const state = readViewState({
    query: { tz: given?.tz ?? c.req.query('tz'), fmt: given?.fmt ?? c.req.query('fmt') },
    cookies: { tz: getCookie(c, TZ_COOKIE), fmt: getCookie(c, FMT_COOKIE) },
    acceptLanguage: c.req.header('accept-language'),
    hostZone: defaultZone,
    now: Date.now(),
  });
  return { tz: state.tz, fmt: state.fmt, keep: keptOf(c, { prefill: carriesPrefill(c) }) };
}

/** A page's zone and clock, and the query its links keep (ViewState.keep). */
interface Zone {
  tz: string;
  fmt: HourFormat;
  keep: Record<string, string>;
}

/** The language and embed mode only: what the booking, cancel and reschedule pages keep. */
const pageKeep = (keep: Record<string, string>) => ({ ...(keep.lang ? { lang: keep.lang } : {}), ...(keep.embed ? { embed: keep.embed } : {}) });
/** The booking form's action: language, embed and the UTM values (stored in the booking's metadata). */
const actionKeep = (keep: Record<string, string>) => ({ ...pageKeep(keep), ...Object.fromEntries(UTM_PARAMS.flatMap((k) => (keep[k] ? [[k, keep[k]]] : []))) });
const pageQuery = (keep: Record<string, string>) => (Object.keys(pageKeep(keep)).length ? `?${new URLSearchParams(pageKeep(keep))}` : '');

const utcIso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

// ---- Booker (new bookings and reschedules) ----

interface BookerMode {
  /** A personal or a team event type's slots (src/booker/sources.ts). */
  source: SlotSource;
  basePath: string;
  /** The zone to show when the visitor has not chosen one. */
  defaultZone: (ctx: BookerContext) => string;
  timeHref: (state: ViewState, startIso: string, occurrences?: number) => string;
  rescheduling?: { name: string; email: string; currentStart: number; bookingId: number };
}

async function renderBooker(c: PublicContext, mode: BookerMode, opts: { date?: string; notice?: { kind: 'ok' | 'error'; text: string }; status?: ContentfulStatusCode } = {}) {
  if (isOutOfRange({ month: c.req.query('month'), date: opts.date ?? c.req.query('date') })) {
    const t = tOf(c);
    return messagePage(c, 400, t.t('outOfRange'), t.t('outOfRangeText', { first: VIEW_YEARS.first, last: VIEW_YEARS.last }), { href: mode.basePath, label: t.t('showThisMonth') });
  }
  let state: ViewState | undefined;
  const slotOptions: SlotOptions = { ignoreBookingId: mode.rescheduling?.bookingId };
  const guess = monthOf(c, opts.date);
  let found = await mode.source.month(
    c.var.db,
    guess,
    (ctx) => {
      state = viewState(c, mode.defaultZone(ctx));
      if (opts.date) state = { ...state, month: opts.date.slice(0, 7), date: opts.date };
      return state.tz;
    },
    slotOptions,
  );
  if (!found || !state) return null;
  setPageHost(c, found.ctx.host);
  // A recurring event type (new bookings only: a reschedule moves one occurrence) offers only the starts whose
  // series of the chosen length is free, as /v2/slots/available?recurrence_count=N does; known after the first read.
  const rule = mode.rescheduling ? null : found.ctx.eventType.recurringEvent;
  if (rule) slotOptions.recurrenceCount = occurrencesOf(c.req.query('occurrences'), rule);
  // Without ?month= the month is "this month" in a zone known only after the read: at a month's edge it can differ
  // from the guess (UTC's), and then the right month is read.
  const s0: ViewState = state;
  if (s0.month !== guess || rule) found = await mode.source.month(c.var.db, s0.month, () => s0.tz, slotOptions);
  if (!found) return null;
  // A visitor who named no month sees the first one with free times (this month's may be over or fully booked).
  const windowEnd = localDateKey(s0.tz, Date.now() + found.ctx.eventType.bookingWindowDays * 86_400_000).slice(0, 7);
  for (let tries = 0; !c.req.query('month') && !c.req.query('date') && !opts.date && tries < 2; tries++) {
    if (Object.keys(found.byDate).length > 0 || state.month >= windowEnd) break;
    const later: ViewState = { ...state, month: addMonths(state.month, 1), date: null };
    const next = await mode.source.month(c.var.db, later.month, () => later.tz, slotOptions);
    if (!next) break;
    [found, state] = [next, later];
  }
  const now = Date.now();
  const thisMonth = localDateKey(state.tz, now).slice(0, 7);
  const lastMonth = localDateKey(state.tz, now + found.ctx.eventType.bookingWindowDays * 86_400_000).slice(0, 7);
  const s = state;
  const occurrences = rule ? slotOptions.recurrenceCount : undefined;
  return html(
    c,
    <BookerPage
      nonce={nonceOf(c)}
      host={{ ...found.ctx.host }}
      eventType={found.ctx.eventType}
      state={s}
      basePath={mode.basePath}
      byDate={found.byDate}
      prevMonth={s.month > thisMonth ? addMonths(s.month, -1) : null}
      nextMonth={s.month < lastMonth ? addMonths(s.month, 1) : null}
      timeHref={(iso) => mode.timeHref(s, iso, occurrences)}
      series={rule && occurrences ? { summary: seriesSummary(rule, occurrences), occurrences, max: rule.count } : undefined}
      notice={opts.notice}
      rescheduling={mode.rescheduling}
      script={s.tzSource === 'host' ? zoneDetectionScript(s.tz) : undefined}
    />,
    opts.status ?? 200,
  );
}

/** The month asked for: from the URL (or the day being re-shown); validated and defaulted by readViewState later. */
function monthOf(c: PublicContext, date?: string): string {
  if (date) return date.slice(0, 7);
  const month = c.req.query('month');
  if (month && /^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return month;
  const day = c.req.query('date');
  if (day && /^\d{4}-(0[1-9]|1[0-2])-\d{2}$/.test(day)) return day.slice(0, 7);
  // This month in UTC; renderBooker reads again when the visitor's zone is already in another month.
  return new Date().toISOString().slice(0, 7);
}

/** The booker of a personal (`/{username}/{slug}`) or a team (`/team/{team slug}/{slug}`) event type. */
function newBookingMode(basePath: string, source: SlotSource): BookerMode {
  return {
    source,
    basePath,
    defaultZone: (ctx) => ctx.host.timezone,
    timeHref: (state, iso, occurrences) =>
      `${basePath}/book?${new URLSearchParams({ start: iso, tz: state.tz, fmt: state.fmt, ...(occurrences ? { occurrences: String(occurrences) } : {}), ...state.keep })}`,
  };
}

const personalBooker = (username: string, slug: string) => newBookingMode(`/${username}/${slug}`, personalSlots({ username, slug }));
const teamBooker = (teamSlug: string, slug: string) => newBookingMode(`/team/${teamSlug}/${slug}`, teamSlots({ teamSlug, slug }));

/** Whether a booking's event type is a team one (cached per isolate: an event type never changes sides). */
async function isTeamEventType(c: PublicContext, data: BookingPageData): Promise<boolean> {
  return data.eventType !== null && ((await eventTypeRouting(c.var.db, data.eventType.id))?.teamId ?? null) !== null;
}

/** `isTeam`: the booking's event type is a team one (its times come from every host's). */
function rescheduleMode(data: BookingPageData, isTeam: boolean): BookerMode {
  const basePath = `/reschedule/${data.booking.uid}`;
  const id = data.eventType!.id;
  return {
    source: isTeam ? teamSlots(id) : personalSlots(id),
    basePath,
    defaultZone: () => data.attendee.timezone,
    timeHref: (state, iso) => `${basePath}?${new URLSearchParams({ start: iso, tz: state.tz, fmt: state.fmt, ...pageKeep(state.keep ?? {}) })}`,
    // A seat's slot keeps its other seats: it still blocks its time (0 leaves no booking out).
    rescheduling: { name: data.attendee.name, email: data.attendee.email, currentStart: data.booking.startAt, bookingId: data.attendee.seatUid === null ? data.booking.id : 0 },
  };
}


// ---- Booking form ----

interface FormRender {
  /** The booker's path: `/{username}/{slug}` or `/team/{team slug}/{slug}`. */
  basePath: string;
  ctx: BookerContext;
  start: number;
  zone: Zone;
  values: FormValues;
  issues: ErrorIssue[];
  message?: string;
  status?: ContentfulStatusCode;
  /** The time held for this form (issue #14), shown with its expiry and sent back with the submission. */
  hold: FormHold | null;
  /** A recurring event type: how many occurrences this form books (the first is `start`). */
  occurrences?: number;
}

/** The booking form's hold lives in a cookie scoped to the form's path: one per browser and event type. */
const HOLD_COOKIE = 'booking_hold';
const holdCookiePath = (basePath: string) => `${basePath}/book`;
const holdUidOf = (value: string | undefined): string | null => (value && /^[A-Za-z0-9_-]{16,64}$/.test(value) ? value : null);

/** A live hold named by the form, as the form shows it; null when it has expired, was used or never existed. */
async function liveFormHold(c: PublicContext, uid: string | null): Promise<FormHold | null> {
  const hold = uid ? await findLiveHold(c.var.db, uid, Date.now()) : undefined;
  return hold ? { uid: hold.uid, expiresAt: hold.expiresAt } : null;
}

function renderForm(c: PublicContext, r: FormRender) {
  const et = r.ctx.eventType;
  const basePath = r.basePath;
  const startIso = utcIso(r.start);
  const rule = et.recurringEvent;
  const series =
    rule && r.occurrences && r.ctx.personal
      ? { summary: seriesSummary(rule, r.occurrences), starts: seriesStarts(r.ctx.personal, rule, r.start, r.occurrences), occurrences: r.occurrences }
      : undefined;
  setPageHost(c, r.ctx.host);
  return html(
    c,
    <BookingFormPage
      nonce={nonceOf(c)}
      host={r.ctx.host}
      eventType={et}
      fields={completeFields(et.bookingFields)}
      start={r.start}
      end={r.start + et.durationMinutes * 60_000}
      state={r.zone}
      action={`${basePath}/book?${new URLSearchParams({ start: startIso, ...(series ? { occurrences: String(series.occurrences) } : {}), ...actionKeep(r.zone.keep) })}`}
      back={viewUrl(basePath, { ...r.zone, month: localDateKey(r.zone.tz, r.start).slice(0, 7), date: localDateKey(r.zone.tz, r.start) })}
      values={r.values}
      issues={r.issues}
      message={r.message}
      submissionKey={randomToken(16)}
      hold={r.hold}
      series={series}
    />,
    r.status ?? 200,
  );
}

/**
 * The slot at `start` if it is offered now: for a recurring event type, only when the series of the length in
 * `?occurrences=` (default: all) is free too, the check its booking will make. Null when nothing is bookable here.
 */
async function slotAt(c: PublicContext, source: SlotSource, start: number, ownHoldUid: string | null): Promise<{ found: BookerSlots; occurrences?: number } | null> {
  const range = { from: start, to: start + 1 };
  const found = await source.range(c.var.db, range, undefined, { ownHoldUid });
  const rule = found?.ctx.eventType.recurringEvent;
  if (!found || !rule || found.slots.length === 0) return found ? { found } : null;
  // Only a recurring event type pays this second read: its series reaches months past the first start.
  const occurrences = occurrencesOf(c.req.query('occurrences'), rule);
  const series = await source.range(c.var.db, range, undefined, { ownHoldUid, recurrenceCount: occurrences });
  return series ? { found: series, occurrences } : null;
}

/** The start in ?start=, or null. */
function startOf(c: PublicContext): number | null {
  const parsed = isoInstant.safeParse(c.req.query('start') ?? '');
  return parsed.success ? parsed.data : null;
}

async function showBooker(c: PublicContext, mode: BookerMode) {
  return (await renderBooker(c, mode)) ?? notFoundPage(c, tOf(c).t('nothingHere'));
}

/** GET {booker}/book?start=: the booking form, holding its time. */
async function showForm(c: PublicContext, mode: BookerMode) {
  const start = startOf(c);
  if (start === null) return c.redirect(mode.basePath, 302);
  // This browser's own hold (from an earlier visit to this form) does not hide its own time.
  const previousHold = holdUidOf(getCookie(c, HOLD_COOKIE));
  const offered = await slotAt(c, mode.source, start, previousHold);
  if (!offered) return notFoundPage(c, tOf(c).t('nothingHere'));
  const { found, occurrences } = offered;
  const zone = zoneAndFormat(c, found.ctx.host.timezone);
  const taken = async () =>
    (await renderBooker(c, mode, { date: localDateKey(zone.tz, start), notice: { kind: 'error', text: tOf(c).t('taken') }, status: 409 })) ??
    notFoundPage(c, tOf(c).t('nothingHere'));
  if (found.slots.length === 0) return taken();
  // The form takes (or keeps) a hold on its time, counted like the API's holds (the page is never cached).
  let hold: FormHold | null = null;
  try {
    await enforceRateLimit(c, 'WRITE_RATE_LIMIT', 'reservation');
    const held = await holdForForm(c.var.d1, c.env, await clientHash(c), found.ctx.eventType.id, start, previousHold);
    if (held) hold = { uid: held.uid, expiresAt: Date.parse(held.expires_at) };
  } catch (error) {
    if (error instanceof ApiError && error.code === 'slot_unavailable') return taken();
    // Over this client's rate limit: the form still works, without a hold.
    if (!(error instanceof ApiError && error.code === 'rate_limited')) throw error;
  }
  if (hold) setCookie(c, HOLD_COOKIE, hold.uid, { path: holdCookiePath(mode.basePath), httpOnly: true, secure: true, sameSite: 'Lax', maxAge: 3600 });
  const values = valuesFromQuery(completeFields(found.ctx.eventType.bookingFields), carriedParams(new URL(c.req.url).searchParams));
  return renderForm(c, { basePath: mode.basePath, ctx: found.ctx, start, zone, values, issues: [], hold, occurrences });
}

/** POST {booker}/book?start=: books through the API's service, with the form's hold. */
async function submitForm(c: PublicContext, mode: BookerMode) {
  await enforceRateLimit(c, 'WRITE_RATE_LIMIT', 'booking-page');
  const start = startOf(c);
  const form = await formOf(c);
  if (start === null || !form) return c.redirect(mode.basePath, 303);
  // A honeypot: people never see this field, naive bots fill every field they find.
  if (field(form, 'website') !== '') return messagePage(c, 400, tOf(c).t('notBooked'), tOf(c).t('automated'), { href: mode.basePath, label: tOf(c).t('startAgain') });
  const holdUid = holdUidOf(field(form, 'reservation_uid'));
  const offered = await slotAt(c, mode.source, start, holdUid);
  if (!offered) return notFoundPage(c, tOf(c).t('nothingHere'));
  const { found: { ctx }, occurrences } = offered;
  const zone = zoneAndFormat(c, ctx.host.timezone, { tz: field(form, 'tz'), fmt: field(form, 'fmt') });
  const fields = completeFields(ctx.eventType.bookingFields);
  const values = valuesFromForm(fields, form);
  const again = async (issues: ErrorIssue[], status: ContentfulStatusCode, message?: string) =>
    renderForm(c, { basePath: mode.basePath, ctx, start, zone, values, issues, message, status, hold: await liveFormHold(c, holdUid), occurrences });
  // The API's own body schema: the page refuses exactly what POST /v2/bookings refuses.
  const parsed = createBookingBody.safeParse({
    event_type_id: ctx.eventType.id,
    start: utcIso(start),
    ...bodyFromValues(fields, values, zone.tz),
    ...(occurrences ? { recurrence_count: occurrences } : {}),
  });
  if (!parsed.success) return again(toIssues(parsed.error), 400);
  const key = idempotencyKeySchema.safeParse(`page-${field(form, 'key')}`);
  const body = parsed.data;
  const hash = await sha256Hex(JSON.stringify(body));
  const book = async (reservationUid: string | null) =>
    createBooking(c.var.d1, c.env, {
      eventTypeId: body.event_type_id,
      start: body.start,
      // The page's language is the attendee's: their emails are written in it.
      attendee: { ...body.attendee, notes: body.attendee.notes ?? null, locale: uiOf(c).locale },
      location: null,
      // UTM parameters of the link the visitor came by (kept in the form's action), for the host's attribution.
      metadata: utmMetadata(new URL(c.req.url).searchParams),
      responses: body.booking_fields_responses,
      // One key per rendered form: a double submit (or a retry after a lost answer) gets the first booking back.
      idempotencyKey:
        key.success && field(form, 'key') !== ''
          ? await scopedIdempotencyKey(key.data, { eventTypeId: body.event_type_id, attendeeEmail: body.attendee.email })
          : null,
      idempotencyHash: hash,
      reservationUid,
      ...(body.recurrence_count === undefined ? {} : { recurrenceCount: body.recurrence_count }),
      clientHash: await namedClientHash(c),
    });
  try {
    // The form's hold is consumed by the booking; a hold that expired or was released meanwhile is simply left out
    // (the booking is then decided as without one: free time is still booked).
    const { booking, occurrences: booked } = await book(holdUid).catch((error: unknown) => {
      if (holdUid && error instanceof ApiError && error.code === 'not_found') return book(null);
      throw error;
    });
    if (getCookie(c, HOLD_COOKIE)) deleteCookie(c, HOLD_COOKIE, { path: holdCookiePath(mode.basePath), secure: true });
    // Each occurrence of a series spends the client's budget like a booking of its own (as in the API).
    if (booked && booked.length > 1) await chargeRateLimit(c, 'WRITE_RATE_LIMIT', 'booking-page', booked.length - 1);
    setPageHost(c, ctx.host);
    // A paid event type: on to Stripe Checkout (its success and cancel URLs come back to the booking page). Embedded,
    // the booking page offers the payment link instead: Checkout does not run inside a frame.
    if (booking.status === 'awaiting_payment' && booking.payment?.checkout_url && !isEmbed(c)) return c.redirect(booking.payment.checkout_url, 303);
    const t = tOf(c);
    const n = booked && booked.length > 1 ? booked.length : 0;
    const text = booking.status === 'pending' ? (n ? t.plural('requestedSeries', n) : t.t('requested')) : n ? t.plural('bookedSeries', n) : t.t('booked');
    setFlash(c, { kind: 'ok', text }, FLASH);
    // Embedded, the booking page tells the framing site about the booking once: right after this redirect.
    const self = bookingLinks(booking.uid, zone, siteOf(c.env)).self;
    return c.redirect(isEmbed(c) ? `${self}&booked=1` : self, 303);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.code === 'validation_failed') return again(error.issues ?? [], 400, error.issues ? undefined : error.message);
    if (error.code === 'slot_unavailable') {
      // A refused series names the occurrence that is no longer free.
      const text = error.conflicts?.length ? tOf(c).t('notBookedBecause', { reason: error.message }) : tOf(c).t('taken');
      const page = await renderBooker(c, mode, { date: localDateKey(zone.tz, start), notice: { kind: 'error', text }, status: 409 });
      if (page) return page;
    }
    if (error.code === 'idempotency_key_reused') return again([], 409, tOf(c).t('formReused'));
    if (error.status < 500) return messagePage(c, error.status, tOf(c).t('notBooked'), error.message, { href: mode.basePath, label: tOf(c).t('startAgain') });
    throw error;
  }
}

// ---- Booking page ----

function bookingLinks(uid: string, zone: Zone, site: Site) {
  const q = new URLSearchParams({ tz: zone.tz, fmt: zone.fmt, ...pageKeep(zone.keep) });
  return {
    self: `/booking/${uid}?${q}`,
    /** What calendar entries link to, as the emails and .ics files do: absolute, with no view settings. */
    manage: bookingPageUrl(site, uid),
    reschedule: `/reschedule/${uid}?${q}`,
    // The fragment: a reload without JavaScript lands on the form, not at the top with the form below the fold.
    cancel: `/booking/${uid}?${q}&cancel=1#cancel-form`,
    cancelAction: `/booking/${uid}/cancel?${q}`,
    ics: `/booking/${uid}.ics`,
  };
}

/** The meetings of the booking's recurring series (empty for a single booking), for its booking page. */
async function seriesOf(c: PublicContext, data: BookingPageData): Promise<SeriesMeeting[]> {
  const seriesUid = data.booking.recurringBookingUid;
  if (!seriesUid) return [];
  return (await findSeries(c.var.db, seriesUid)).map(({ booking: b }) => ({ uid: b.uid, startAt: b.startAt, endAt: b.endAt, status: b.status }));
}

async function loadBooking(c: PublicContext): Promise<BookingPageData | null> {
  const parsed = uidParam.safeParse({ uid: c.req.param('uid') });
  if (!parsed.success) return null;
  return (await findBookingPage(c.var.db, parsed.data.uid)) ?? null;
}

/**
 * `calflare:booking_successful` (right after the form) or `calflare:booking_rescheduled` (right after a reschedule,
 * with the new times): the attendee's uid (a seat's own uid for a seat) and the booked times.
 */
const bookingEvent = (type: 'calflare:booking_successful' | 'calflare:booking_rescheduled', data: BookingPageData): EmbedEvent => ({
  type,
  data: { uid: data.attendee.seatUid ?? data.booking.uid, start: utcIso(data.booking.startAt), end: utcIso(data.booking.endAt), status: data.booking.status },
});

/** What an embedded booking page announces once: the booking or the reschedule its redirect names, else nothing. */
function announced(c: PublicContext, data: BookingPageData): EmbedEvent[] | undefined {
  if (!isEmbed(c)) return undefined;
  if (c.req.query('booked') === '1') return [bookingEvent('calflare:booking_successful', data)];
  if (c.req.query('rescheduled') === '1') return [bookingEvent('calflare:booking_rescheduled', data)];
  return undefined;
}

const noBooking = (c: PublicContext) => tOf(c).t('noBooking');

/** The branding and language of a booking's pages: its team's for a team event type, else its host's (one small read). */
async function withBookingHost(c: PublicContext, data: BookingPageData): Promise<void> {
  const teamId = data.eventType ? ((await eventTypeRouting(c.var.db, data.eventType.id))?.teamId ?? null) : null;
  const look = await findBookingLook(c.var.db, { hostId: data.host.id, teamId });
  if (look) setPageHost(c, look);
}

/**
 * Mounted at the root, this app's middleware would otherwise run for every request that reaches it, the API's
 * unknown paths included (a DELETE /v2/nothing must stay a JSON 404, not a CSRF page). Only its own paths get it.
 */
function isPublicPath(path: string): boolean {
  const first = path.split('/')[1] ?? '';
  if (first === 'booking' || first === 'reschedule' || first === 'team') return true;
  return /^[a-z0-9-]{3,40}$/.test(first) && !RESERVED_USERNAMES.has(first);
}

const onlyPublic = (mw: MiddlewareHandler<PublicEnv>): MiddlewareHandler<PublicEnv> => (c, next) => (isPublicPath(c.req.path) ? mw(c, next) : next());

export const bookerRoutes = new Hono<PublicEnv>()
  // An embedded page may be framed by the origins its host listed, and by nobody else (src/embed/protocol.ts). Outside
  // the security headers, so it edits the CSP they set.
  .use(
    onlyPublic(async (c, next) => {
      await next();
      const origins = pageHosts.get(c)?.embedOrigins ?? [];
      if (isEmbed(c) && origins.length) allowFramingBy(c.res.headers, frameAncestors(origins));
      // A paid event type's booking form ends on Stripe Checkout (a redirect the form's CSP must allow).
      allowFormsTo(c.res.headers, checkoutOrigins(c.env));
    }),
  )
  .use(onlyPublic(pageSecurityHeaders({ scripts: true })))
  .use(
    onlyPublic(async (c, next) => {
      await next();
      // Booking pages show personal data, forms carry per-visit keys, slots change by the minute: nothing is cached
      // unless a handler says otherwise (the host page).
      if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
    }),
  )
  .use(onlyPublic(bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => messagePage(c as PublicContext, 413, tOf(c as PublicContext).t('tooLarge'), tOf(c as PublicContext).t('tooLargeText')) })))
  // Cross-site form posts are refused (Origin / Sec-Fetch-Site): a booking is made from our own pages.
  .use(onlyPublic(csrf()))
  .get(`/booking/:file{[A-Za-z0-9_-]{16,64}\\.ics}`, async (c) => {
    const uid = c.req.param('file').slice(0, -4);
    if (!uidParam.safeParse({ uid }).success) return notFoundPage(c, noBooking(c));
    // The same file as GET /v2/bookings/{uid}/ics: one UID and SEQUENCE with the invitation emails (src/invites/).
    const body = await getBookingIcs(c.var.db, c.env, uid).catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 'not_found') return null;
      throw error;
    });
    if (body === null) return notFoundPage(c, noBooking(c));
    return c.body(body, 200, { 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Disposition': `attachment; filename="booking-${uid}.ics"` });
  })
  .get(`/booking/:uid${UID}`, async (c) => {
    let data = await loadBooking(c);
    if (!data) return notFoundPage(c, noBooking(c));
    // An unpaid booking whose checkout could not be opened when it was made gets its link now (src/payments/).
    if (data.booking.status === 'awaiting_payment' && data.booking.payment && !data.booking.payment.checkout_url) {
      const url = await openCheckout(c.var.d1, c.env, data);
      if (url) data = { ...data, booking: { ...data.booking, payment: { ...data.booking.payment, checkout_url: url } } };
    }
    const zone = zoneAndFormat(c, data.attendee.timezone);
    await withBookingHost(c, data);
    return html(
      c,
      <BookingPage
        nonce={nonceOf(c)}
        data={data}
        tz={zone.tz}
        fmt={zone.fmt}
        flash={takeFlash(c, FLASH)}
        now={Date.now()}
        cancel={c.req.query('cancel') === '1'}
        links={bookingLinks(data.booking.uid, zone, siteOf(c.env))}
        series={await seriesOf(c, data)}
        embedEvents={announced(c, data)}
      />,
    );
  })
  .post(`/booking/:uid${UID}/cancel`, async (c) => {
    await enforceRateLimit(c, 'WRITE_RATE_LIMIT', 'booking-page');
    const data = await loadBooking(c);
    if (!data) return notFoundPage(c, noBooking(c));
    const zone = zoneAndFormat(c, data.attendee.timezone);
    const links = bookingLinks(data.booking.uid, zone, siteOf(c.env));
    await withBookingHost(c, data);
    const form = await formOf(c);
    const text = form ? field(form, 'reason') : '';
    const scope = form ? field(form, 'scope') : '';
    // The API's own body schema: the same reason rules and the same scopes (this, following, all) for a series.
    const body = cancelBody.safeParse({ ...(text.trim() === '' ? {} : { reason: text }), ...(scope === '' ? {} : { scope }) });
    if (!body.success) {
      const page = { nonce: nonceOf(c), data, tz: zone.tz, fmt: zone.fmt, flash: null, now: Date.now(), links, series: await seriesOf(c, data) };
      return html(c, <BookingPage {...page} cancel cancelIssues={toIssues(body.error)} />, 400);
    }
    const scoped = body.data.scope ?? 'this';
    await cancelBooking(c.var.d1, c.env, data.booking.uid, body.data.reason ?? null, null, scoped);
    const t = tOf(c);
    setFlash(c, { kind: 'ok', text: t.t(scoped === 'all' ? 'cancelledAll' : scoped === 'following' ? 'cancelledFollowing' : 'cancelledThis') }, FLASH);
    return c.redirect(links.self, 303);
  })
  .get(`/reschedule/:uid${UID}`, async (c) => {
    const data = await loadBooking(c);
    if (!data) return notFoundPage(c, noBooking(c));
    await withBookingHost(c, data);
    const t = tOf(c);
    const refusal = rescheduleRefusal(data);
    if (refusal) return messagePage(c, 409, t.t('cannotReschedule'), t.t(refusal), { href: bookingLinks(data.booking.uid, zoneAndFormat(c, data.attendee.timezone), siteOf(c.env)).self, label: t.t('backToBooking') });
    const mode = rescheduleMode(data, await isTeamEventType(c, data));
    const start = startOf(c);
    if (start !== null) {
      const zone = zoneAndFormat(c, data.attendee.timezone);
      const found = await mode.source.range(c.var.db, { from: start, to: start + 1 }, zone.tz, { ignoreBookingId: mode.rescheduling?.bookingId });
      if (found && found.slots.length === 1) {
        const base = viewUrl(mode.basePath, { ...zone, month: localDateKey(zone.tz, start).slice(0, 7), date: localDateKey(zone.tz, start) });
        return html(
          c,
          <RescheduleConfirmPage
            nonce={nonceOf(c)}
            data={data}
            start={start}
            end={start + (found.ctx.eventType.durationMinutes * 60_000)}
            state={zone}
            action={`/reschedule/${data.booking.uid}${pageQuery(zone.keep)}`}
            back={base}
          />,
        );
      }
      const page = await renderBooker(c, mode, { date: localDateKey(zone.tz, start), notice: { kind: 'error', text: tOf(c).t('taken') }, status: 409 });
      return page ?? messagePage(c, 409, t.t('cannotReschedule'), t.t('refusedInactive'));
    }
    const page = await renderBooker(c, mode);
    return page ?? messagePage(c, 409, t.t('cannotReschedule'), t.t('refusedInactive'));
  })
  .post(`/reschedule/:uid${UID}`, async (c) => {
    await enforceRateLimit(c, 'WRITE_RATE_LIMIT', 'booking-page');
    const data = await loadBooking(c);
    if (!data) return notFoundPage(c, noBooking(c));
    await withBookingHost(c, data);
    const t = tOf(c);
    const form = await formOf(c);
    const zone = zoneAndFormat(c, data.attendee.timezone, { tz: form ? field(form, 'tz') : undefined, fmt: form ? field(form, 'fmt') : undefined });
    const start = isoInstant.safeParse(form ? field(form, 'start') : '');
    const text = form ? field(form, 'reason') : '';
    const reason = reasonBody.safeParse(text.trim() === '' ? {} : { reason: text });
    if (!start.success || !reason.success) return messagePage(c, 400, t.t('tryAgain'), t.t('notUnderstood'), { href: `/reschedule/${data.booking.uid}${pageQuery(zone.keep)}`, label: t.t('chooseTime') });
    try {
      await rescheduleBooking(c.var.d1, c.env, data.booking.uid, start.data, reason.data.reason ?? null);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'slot_unavailable' && data.eventType) {
        const page = await renderBooker(c, rescheduleMode(data, await isTeamEventType(c, data)), { date: localDateKey(zone.tz, start.data), notice: { kind: 'error', text: tOf(c).t('taken') }, status: 409 });
        if (page) return page;
      }
      if (error instanceof ApiError && error.status < 500) {
        return messagePage(c, error.status, t.t('cannotReschedule'), error.message, { href: bookingLinks(data.booking.uid, zone, siteOf(c.env)).self, label: t.t('backToBooking') });
      }
      throw error;
    }
    setFlash(c, { kind: 'ok', text: t.t('moved') }, FLASH);
    // Embedded, the booking page tells the framing site about the move once: right after this redirect.
    const self = bookingLinks(data.booking.uid, zone, siteOf(c.env)).self;
    return c.redirect(isEmbed(c) ? `${self}&rescheduled=1` : self, 303);
  })
  // Teams (docs/DESIGN.md, Public booking pages): the same booker, form and rules, on the team's slots.
  .get(`/team/:team${USERNAME}`, async (c) => {
    const found = await findTeamPage(c.var.db, c.req.param('team'));
    if (!found) return notFoundPage(c, tOf(c).t('noTeam'));
    setPageHost(c, found.team);
    c.header('Cache-Control', 'private, max-age=60');
    c.header('Vary', 'Accept-Language, Cookie');
    return html(c, <HostPage nonce={nonceOf(c)} host={found.team} eventTypes={found.eventTypes} basePath={`/team/${found.team.username}`} />);
  })
  .get(`/team/:team${USERNAME}/:slug${SLUG}`, (c) => showBooker(c, teamBooker(c.req.param('team'), c.req.param('slug'))))
  .get(`/team/:team${USERNAME}/:slug${SLUG}/book`, (c) => showForm(c, teamBooker(c.req.param('team'), c.req.param('slug'))))
  .post(`/team/:team${USERNAME}/:slug${SLUG}/book`, (c) => submitForm(c, teamBooker(c.req.param('team'), c.req.param('slug'))))
  .get(`/:username${USERNAME}`, async (c) => {
    const username = c.req.param('username');
    if (RESERVED_USERNAMES.has(username)) return c.notFound();
    const found = await findHostPage(c.var.db, username);
    if (!found) return notFoundPage(c, tOf(c).t('noHost'));
    setPageHost(c, found.host);
    // Browsers may keep it a minute; shared caches may not, because every page response also sets the D1 bookmark
    // cookie (src/db/middleware.ts), which must never be served to someone else.
    // The language follows Accept-Language and the language cookie: a cached copy must not cross them.
    c.header('Cache-Control', 'private, max-age=60');
    c.header('Vary', 'Accept-Language, Cookie');
    return html(c, <HostPage nonce={nonceOf(c)} host={found.host} eventTypes={found.eventTypes} />);
  })
  .get(`/:username${USERNAME}/:slug${SLUG}`, async (c) => {
    const { username, slug } = c.req.param();
    if (RESERVED_USERNAMES.has(username)) return c.notFound();
    return showBooker(c, personalBooker(username, slug));
  })
  .get(`/:username${USERNAME}/:slug${SLUG}/book`, async (c) => {
    const { username, slug } = c.req.param();
    if (RESERVED_USERNAMES.has(username)) return c.notFound();
    return showForm(c, personalBooker(username, slug));
  })
  .post(`/:username${USERNAME}/:slug${SLUG}/book`, async (c) => {
    const { username, slug } = c.req.param();
    if (RESERVED_USERNAMES.has(username)) return c.notFound();
    return submitForm(c, personalBooker(username, slug));
  })
  .onError((err, c) => {
    const t = tOf(c);
    if (err instanceof HTTPException && err.status === 403) return messagePage(c, 403, t.t('notAccepted'), t.t('foreignForm'));
    if (err instanceof HTTPException && err.status === 413) return messagePage(c, 413, t.t('tooLarge'), t.t('tooLargeText'));
    if (err instanceof ApiError && err.code === 'rate_limited') {
      for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
      return messagePage(c, 429, t.t('tooMany'), t.t('tooManyText'));
    }
    if (err instanceof ApiError && err.status < 500) return messagePage(c, err.status, t.t('notRight'), err.message);
    console.error('booking pages: unhandled error', err);
    return messagePage(c, 500, t.t('wentWrong'), t.t('wentWrongText'));
  });

/** Why a booking cannot be moved, or null when it can (the same rules the reschedule path enforces). */
function rescheduleRefusal(data: BookingPageData): 'refusedCancelled' | 'refusedRejected' | 'refusedStarted' | 'refusedInactive' | null {
  const b = data.booking;
  if (b.status === 'cancelled') return 'refusedCancelled';
  if (b.status === 'rejected') return 'refusedRejected';
  if (b.startAt <= Date.now()) return 'refusedStarted';
  if (!data.eventType || !data.eventType.isActive) return 'refusedInactive';
  return null;
}
