// The Bookings tab: every booking with its attendee, shown in a timezone the viewer picks; filters, pages, and the
// host's decisions (cancel, confirm, decline) run through the same booking service as the API.
import { formatInTimeZone } from 'date-fns-tz';
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { bookingJson, bookingSortKey, isBookingSortKey, listBookings, type BookingWithAttendee } from '../bookings/repo';
import { cancelledPaidSeatsOf, liveSeatsOf } from '../bookings/seat-repo';
import type { Attendee } from '../db/schema';
import { formatMoney, minorDigits } from '../payments/money';
import { refundByHost } from '../payments/service';
import { paymentOf } from '../payments/effects';
import { reasonBody, uidParam } from '../bookings/schemas';
import { cancelBooking, settleBooking } from '../bookings/service';
import { labelledAnswers } from '../event-types/booking-fields';
import { BOOKING_VIEW_STATUSES, viewStatus, type BookingViewStatus } from '../bookings/status';
import { ApiError, notFound, type ErrorIssue } from '../lib/errors';
import { decodeCursor, listPage } from '../lib/pagination';
import { pageQuery, timeZoneSchema, toIssues } from '../lib/validation';
import { dayOfDateKey, isValidTimeZone, ZoneCalendar } from '../lib/time';
import { eventTypesByIds, hostsOfBookings, type Person } from './data';
import { HoldsPanel, loadHoldRows, releaseHoldFromAdmin, type HoldRows } from './holds';
import { field, formOf, pageOf, redirectWith, safeReturn, type AdminContext, type AdminEnv, type Page } from './http';
import { Badge, CsrfField, Empty, ErrorSummary, ListTable, Layout, PageHead, Pager, PostButton, type Tone } from './layout';
import { isLive } from '../bookings/occupancy';
import type { BookingField, PaymentRecord } from '../db/json-types';

const LIST = '/admin/bookings';
const PAGE_SIZE = 25;

// Offered in the timezone box; any other IANA name can be typed.
const COMMON_ZONES = [
  'UTC', 'Europe/London', 'Europe/Dublin', 'Europe/Lisbon', 'Europe/Paris', 'Europe/Berlin', 'Europe/Madrid', 'Europe/Rome',
  'Europe/Amsterdam', 'Europe/Stockholm', 'Europe/Warsaw', 'Europe/Athens', 'Europe/Istanbul', 'Europe/Moscow', 'Africa/Lagos',
  'Africa/Cairo', 'Africa/Johannesburg', 'Asia/Dubai', 'Asia/Karachi', 'Asia/Kolkata', 'Asia/Kathmandu', 'Asia/Dhaka',
  'Asia/Bangkok', 'Asia/Singapore', 'Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Tokyo', 'Asia/Seoul', 'Australia/Perth',
  'Australia/Adelaide', 'Australia/Sydney', 'Pacific/Auckland', 'Pacific/Honolulu', 'America/Anchorage', 'America/Los_Angeles',
  'America/Denver', 'America/Phoenix', 'America/Chicago', 'America/Mexico_City', 'America/New_York', 'America/Toronto',
  'America/Bogota', 'America/Lima', 'America/Santiago', 'America/Sao_Paulo', 'America/Argentina/Buenos_Aires', 'America/St_Johns',
];

const STATUS_TONE: Record<BookingViewStatus, Tone> = { accepted: 'ok', pending: 'warn', expired: 'plain', cancelled: 'plain', rejected: 'bad', awaiting_payment: 'warn' };
const STATUS_LABEL: Record<BookingViewStatus, string> = {
  accepted: 'Accepted',
  pending: 'Pending',
  expired: 'Expired (never confirmed or not paid in time)',
  awaiting_payment: 'Awaiting payment',
  cancelled: 'Cancelled',
  rejected: 'Declined',
};

// ---- Filters (all in the query string, so a view can be bookmarked and every link keeps it) ----

/** What the filter form shows: the query as typed. */
interface FilterInput {
  status: string;
  from: string;
  to: string;
  tz: string;
  /** Page size; not in the form, but kept in links when given. */
  limit: string;
}

interface Filters {
  input: FilterInput;
  /** The zone times are shown in: the requested one when valid, else UTC. */
  tz: string;
  limit: number;
  status?: BookingViewStatus;
  fromMs?: number;
  toMs?: number;
  cursor?: string;
  issues: ErrorIssue[];
}


/** Reads the filters; an invalid one is reported in the page and ignored rather than failing the whole list. */
function readFilters(c: AdminContext): Filters {
  const q = (name: string) => (c.req.query(name) ?? '').trim();
  const input: FilterInput = { status: q('status'), from: q('from'), to: q('to'), tz: q('tz') || 'UTC', limit: q('limit') };
  const filters: Filters = { input, tz: 'UTC', limit: PAGE_SIZE, issues: [] };
  const report = (path: string, error: { issues: z.core.$ZodIssue[] }) =>
    filters.issues.push(...toIssues(error).map((i) => ({ ...i, path })));

  const zone = timeZoneSchema.safeParse(input.tz);
  if (!zone.success) report('tz', zone.error);
  // The slot engine's zone check is a little stricter (length); both must agree before the zone is used.
  else if (isValidTimeZone(zone.data)) filters.tz = zone.data;
  else filters.issues.push({ path: 'tz', message: 'Unknown IANA timezone' });

  if (input.status) {
    const status = z.enum(BOOKING_VIEW_STATUSES).safeParse(input.status);
    if (status.success) filters.status = status.data;
    else report('status', status.error);
  }

  // Dates are whole local days of the chosen zone: from its first instant to the end of the `to` day.
  const calendar = new ZoneCalendar(filters.tz);
  const day = (path: 'from' | 'to', text: string) => {
    if (!text) return undefined;
    const d = dayOfDateKey(text);
    if (Number.isNaN(d)) filters.issues.push({ path, message: 'Use a date like 2025-11-17' });
    return Number.isNaN(d) ? undefined : d;
  };
  const fromDay = day('from', input.from);
  const toDay = day('to', input.to);
  if (fromDay !== undefined && toDay !== undefined && toDay < fromDay) {
    filters.issues.push({ path: 'to', message: 'to must be after from' });
  } else {
    if (fromDay !== undefined) filters.fromMs = calendar.startOfLocalDay(fromDay);
    if (toDay !== undefined) filters.toMs = calendar.startOfLocalDay(toDay + 1);
  }

  if (input.limit) {
    const limit = pageQuery.limit.safeParse(input.limit);
    if (limit.success) filters.limit = limit.data;
    else report('limit', limit.error);
  }

  const cursor = q('cursor');
  if (cursor) {
    try {
      decodeCursor(cursor, isBookingSortKey);
      filters.cursor = cursor;
    } catch {
      filters.issues.push({ path: 'cursor', message: 'Invalid cursor: showing the first page' });
    }
  }
  return filters;
}

function listUrl(input: FilterInput, cursor?: string): string {
  const params = new URLSearchParams();
  for (const key of ['status', 'from', 'to', 'tz', 'limit'] as const) if (input[key]) params.set(key, input[key]);
  if (cursor) params.set('cursor', cursor);
  const query = params.toString();
  return query ? `${LIST}?${query}` : LIST;
}

// ---- Page ----

interface Row {
  item: BookingWithAttendee;
  host?: Person;
  /** The other hosts attending (a team booking). */
  coHosts: Person[];
  eventType?: { title: string; slug: string; bookingFields: BookingField[] | null };
  /** A seated slot's live seats (seated event types); undefined for a booking with one attendee. */
  seats?: Attendee[];
  /** A seated slot's cancelled seats whose payment kept money (or awaits a refund by the host's hand). */
  cancelledSeats?: Attendee[];
}

const When: FC<{ startMs: number; endMs: number; tz: string }> = ({ startMs, endMs, tz }) => {
  const start = new Date(startMs);
  const end = new Date(endMs);
  const sameDay = formatInTimeZone(start, tz, 'yyyy-MM-dd') === formatInTimeZone(end, tz, 'yyyy-MM-dd');
  return (
    <div class="stack nowrap">
      <div>
        <time class="start" datetime={start.toISOString()}>
          {formatInTimeZone(start, tz, 'EEE d MMM yyyy, HH:mm')}
        </time>
      </div>
      <div class="muted small">
        until{' '}
        <time class="end" datetime={end.toISOString()}>
          {formatInTimeZone(end, tz, sameDay ? 'HH:mm' : 'EEE d MMM yyyy, HH:mm')}
        </time>{' '}
        {formatInTimeZone(start, tz, 'zzz')}
      </div>
    </div>
  );
};

const ReasonForm: FC<{ action: string; csrf: string; back: string; summary: string; button: string; danger?: boolean }> = (p) => (
  <details class="inline">
    <summary>{p.summary}</summary>
    <form method="post" action={p.action}>
      <CsrfField token={p.csrf} />
      <input type="hidden" name="back" value={p.back} />
      <input type="text" name="reason" maxlength={1000} placeholder="Reason (optional)" aria-label="Reason" />
      <button type="submit" class={p.danger ? 'btn small danger' : 'btn small'}>
        {p.button}
      </button>
    </form>
  </details>
);

/**
 * A seated slot: how many seats are taken, and who holds them; a paid seat its own payment and refund by hand. A
 * cancelled paid seat that kept money is listed too (its refund by hand is here, not only in the API).
 */
const SeatsCell: FC<{ seats: Attendee[]; cancelled: Attendee[]; csrf: string; back: string }> = ({ seats, cancelled, csrf, back }) => (
  <td class="stack attendee seats">
    <div>
      <Badge tone="info">{`${seats.length} seat${seats.length === 1 ? '' : 's'} taken`}</Badge>
    </div>
    {seats.map((s) => (
      <SeatLine seat={s} csrf={csrf} back={back} />
    ))}
    {cancelled.map((s) => (
      <SeatLine seat={s} csrf={csrf} back={back} cancelled />
    ))}
  </td>
);

const SeatLine: FC<{ seat: Attendee; csrf: string; back: string; cancelled?: boolean }> = ({ seat: s, csrf, back, cancelled }) => (
  <div class={cancelled ? 'small seat cancelled-seat' : 'small seat'}>
    <strong>{s.name}</strong> <a href={`mailto:${s.email}`}>{s.email}</a>
    {cancelled && <span class="muted"> · cancelled</span>}
    {s.payment && s.seatUid && (
      <>
        <PaymentLine p={s.payment} />
        <RefundForm uid={s.seatUid} p={s.payment} csrf={csrf} back={back} />
      </>
    )}
  </div>
);

/** A paid booking (issue #30): its amount and payment status, what was refunded, and a refund by hand while money is left. */
const PaymentLine: FC<{ p: PaymentRecord }> = ({ p }) => {
  const money = (n: number) => formatMoney(n, p.currency);
  const word = p.status === 'unpaid' ? 'unpaid' : p.status === 'void' ? 'not paid (checkout closed)' : 'paid';
  return (
    <div class="small payment" data-payment={p.status}>
      {money(p.amount)} {word}
      {p.refunded_amount > 0 && <> · {money(p.refunded_amount)} refunded{p.refunded_amount > p.refund_settled_amount && !p.refund_manual ? ' (pending at Stripe)' : ''}</>}
      {p.refund_manual && p.refunded_amount > p.refund_settled_amount && (
        <div class="refund-manual">
          Refund {money(p.refunded_amount - p.refund_settled_amount)} in the Stripe account that took the payment: its keys were changed since, so it was not sent.
        </div>
      )}
    </div>
  );
};

/** `uid`: the booking's, or a paid seat's seat_uid (each seat paid on its own). */
const RefundForm: FC<{ uid: string; p: PaymentRecord; csrf: string; back: string }> = ({ uid, p, csrf, back }) => {
  const left = p.status === 'paid' || p.status === 'partially_refunded' ? p.amount - p.refunded_amount : 0;
  if (left <= 0) return null;
  const digits = minorDigits(p.currency);
  return (
    <details class="inline">
      <summary>Refund…</summary>
      <form method="post" action={`${LIST}/${uid}/refund`}>
        <CsrfField token={csrf} />
        <input type="hidden" name="back" value={back} />
        <input type="text" name="amount" inputmode="decimal" value={(left / 10 ** digits).toFixed(digits)} aria-label={`Amount in ${p.currency.toUpperCase()}`} />
        <button type="submit" class="btn small danger">
          Refund
        </button>
      </form>
    </details>
  );
};

const BookingRow: FC<{ row: Row; tz: string; csrf: string; back: string }> = ({ row, tz, csrf, back }) => {
  const { booking: b, attendee: a } = row.item;
  const status = viewStatus(b, Date.now());
  const live = isLive(b.status);
  const reason = b.cancellationReason ?? b.rejectionReason;
  return (
    <tr id={`booking-${b.uid}`} data-status={status}>
      <td>
        <When startMs={b.startAt} endMs={b.endAt} tz={tz} />
      </td>
      <td class="stack">
        <div>{row.eventType?.title ?? <span class="muted">Deleted event type</span>}</div>
        <div class="muted small">{b.title}</div>
      </td>
      <td class="stack">
        <div>{row.host?.name ?? `User #${b.hostId}`}</div>
        {row.host && <div class="muted small nowrap">{row.host.email}</div>}
        {row.coHosts.length > 0 && <div class="small co-hosts">with {row.coHosts.map((h) => h.name).join(', ')}</div>}
      </td>
      {row.seats ? (
        <SeatsCell seats={row.seats} cancelled={row.cancelledSeats ?? []} csrf={csrf} back={back} />
      ) : (
      <td class="stack attendee">
        <div>
          <strong>{a.name}</strong>
        </div>
        <div class="small">
          <a href={`mailto:${a.email}`}>{a.email}</a>
        </div>
        <div class="muted small">{a.timezone}</div>
        {a.notes && <div class="small notes">“{a.notes}”</div>}
        {labelledAnswers(row.eventType?.bookingFields ?? null, b.bookingFieldsResponses).map((answer) => (
          <div class="small answer" data-field={answer.name}>
            <span class="muted">{answer.label}:</span> {answer.display}
          </div>
        ))}
      </td>
      )}
      <td class="stack">
        <Badge tone={STATUS_TONE[status]}>{STATUS_LABEL[status]}</Badge>
        {b.payment && <PaymentLine p={b.payment} />}
        {reason && <div class="muted small">Reason: {reason}</div>}
      </td>
      <td>
        {live ? (
          <div class="actions">
            {status === 'pending' && <PostButton action={`${LIST}/${b.uid}/confirm`} csrf={csrf} label="Confirm" class="btn small primary" hidden={{ back }} />}
            {b.status === 'pending' && <ReasonForm action={`${LIST}/${b.uid}/decline`} csrf={csrf} back={back} summary="Decline…" button="Decline booking" danger />}
            <ReasonForm action={`${LIST}/${b.uid}/cancel`} csrf={csrf} back={back} summary="Cancel…" button="Cancel booking" danger />
            {b.payment && <RefundForm uid={b.uid} p={b.payment} csrf={csrf} back={back} />}
          </div>
        ) : b.payment ? (
          <div class="actions">
            <RefundForm uid={b.uid} p={b.payment} csrf={csrf} back={back} />
          </div>
        ) : (
          <span class="muted small">None</span>
        )}
      </td>
    </tr>
  );
};

const FilterBar: FC<{ input: FilterInput }> = ({ input }) => (
  <form method="get" action={LIST} class="filters panel" id="booking-filters">
    <div class="field">
      <label for="status">Status</label>
      <select id="status" name="status">
        <option value="" selected={input.status === ''}>
          Any
        </option>
        {BOOKING_VIEW_STATUSES.map((s) => (
          <option value={s} selected={input.status === s}>
            {STATUS_LABEL[s]}
          </option>
        ))}
      </select>
    </div>
    <div class="field">
      <label for="from">From</label>
      <input type="date" id="from" name="from" value={input.from} />
    </div>
    <div class="field">
      <label for="to">To (inclusive)</label>
      <input type="date" id="to" name="to" value={input.to} />
    </div>
    <div class="field tz">
      <label for="tz">Show times in</label>
      <input type="text" id="tz" name="tz" value={input.tz} list="zones" autocomplete="off" spellcheck={false} />
      <datalist id="zones">
        {COMMON_ZONES.map((z) => (
          <option value={z} />
        ))}
      </datalist>
    </div>
    <div class="actions">
      <button type="submit" class="btn primary">
        Apply
      </button>
      <a class="btn" href={LIST}>
        Reset
      </a>
    </div>
  </form>
);

const BookingList: FC<{ page: Page; filters: Filters; rows: Row[]; next: string | null; back: string; holds: HoldRows }> = ({ page, filters, rows, next, back, holds }) => (
  <Layout page={page} title="Bookings" tab="bookings">
    <PageHead title="Bookings" sub={`All hosts, by start time. Times in ${filters.tz}.`} />
    {filters.issues.length > 0 && <ErrorSummary message="Some filters were ignored:" issues={filters.issues} />}
    <FilterBar input={filters.input} />
    <HoldsPanel rows={holds} tz={filters.tz} csrf={page.csrf} back={back} />
    <ListTable
      id="bookings"
      count={rows.length}
      columns={[`When (${filters.tz})`, 'Event type', 'Host', 'Attendee', 'Status', 'Actions']}
      empty={<Empty title="No bookings match">
          {filters.status || filters.fromMs !== undefined || filters.toMs !== undefined ? 'Try other filters.' : 'Bookings appear here as soon as someone books.'}
        </Empty>}
    >
      {rows.map((row) => (
        <BookingRow row={row} tz={filters.tz} csrf={page.csrf} back={back} />
      ))}
    </ListTable>
    <Pager count={rows.length} next={next} first={filters.cursor ? listUrl(filters.input) : null} />
  </Layout>
);

// ---- Handlers ----

function uidOf(c: AdminContext): string {
  const parsed = uidParam.safeParse({ uid: c.req.param('uid') });
  if (!parsed.success) throw notFound('Booking');
  return parsed.data.uid;
}

/** The optional reason, checked like the API's `reason`; null when blank. */
function reasonOf(form: FormData): { ok: true; reason: string | null } | { ok: false; message: string } {
  const text = field(form, 'reason');
  const parsed = reasonBody.safeParse(text.trim() === '' ? {} : { reason: text });
  if (!parsed.success) return { ok: false, message: toIssues(parsed.error).map((i) => `${i.path}: ${i.message}`).join('; ') };
  return { ok: true, reason: parsed.data.reason || null };
}

/** Runs a booking decision and reports its outcome on the list it came from; a refused one is a message, not a page. */
async function decide(c: AdminContext, verb: string, run: (reason: string | null) => Promise<ReturnType<typeof bookingJson>>) {
  const form = (await formOf(c))!;
  const back = safeReturn(form.get('back'), LIST);
  const reason = reasonOf(form);
  if (!reason.ok) return redirectWith(c, back, { kind: 'error', text: `Nothing changed: ${reason.message}` });
  try {
    const booking = await run(reason.reason);
    return redirectWith(c, back, { kind: 'ok', text: `Booking “${booking.title}” ${verb}.` });
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) return redirectWith(c, back, { kind: 'error', text: `Nothing changed: ${error.message}` });
    throw error;
  }
}

export const bookingPages = new Hono<AdminEnv>()
  .get('/', async (c) => {
    const db = c.var.db;
    const filters = readFilters(c);
    // filters.cursor is set only when it decoded (a bad one shows the first page with a notice, not a 400).
    const result = await listPage(
      { limit: filters.limit, cursor: filters.cursor },
      isBookingSortKey,
      (after, limit) => listBookings(db, c.get('user')!, { status: filters.status, from: filters.fromMs, to: filters.toMs, after, limit }),
      bookingSortKey,
    );
    // Seats are read only when the page has seated slots (their shown attendee holds a seat).
    const seated = result.data.filter((r) => r.attendee.seatUid !== null).map((r) => r.booking.id);
    const [hosts, eventTypes, holds, seats, cancelledSeats] = await Promise.all([
      hostsOfBookings(db, result.data.map((r) => r.booking.id)),
      eventTypesByIds(db, result.data.flatMap((r) => (r.booking.eventTypeId === null ? [] : [r.booking.eventTypeId]))),
      loadHoldRows(db),
      seated.length ? liveSeatsOf(db, seated) : Promise.resolve(new Map<number, Attendee[]>()),
      seated.length ? cancelledPaidSeatsOf(db, seated) : Promise.resolve(new Map<number, Attendee[]>()),
    ]);
    const rows: Row[] = result.data.map((item) => ({
      item,
      host: hosts.get(item.booking.id)?.find((h) => h.id === item.booking.hostId),
      coHosts: hosts.get(item.booking.id)?.filter((h) => h.id !== item.booking.hostId) ?? [],
      eventType: item.booking.eventTypeId === null ? undefined : eventTypes.get(item.booking.eventTypeId),
      ...(item.attendee.seatUid !== null ? { seats: seats.get(item.booking.id) ?? [], cancelledSeats: cancelledSeats.get(item.booking.id) ?? [] } : {}),
    }));
    const next = result.next_cursor ? listUrl(filters.input, result.next_cursor) : null;
    return c.html(<BookingList page={pageOf(c)} filters={filters} rows={rows} next={next} back={listUrl(filters.input, filters.cursor)} holds={holds} />);
  })
  .post('/holds/:uid/release', (c) => releaseHoldFromAdmin(c, c.env))
  .post('/:uid/cancel', async (c) => {
    const uid = uidOf(c);
    return decide(c, 'cancelled', (reason) => cancelBooking(c.var.d1, c.env, uid, reason, c.get('user')));
  })
  .post('/:uid/confirm', async (c) => {
    const uid = uidOf(c);
    return decide(c, 'confirmed', () => settleBooking(c.var.d1, c.env, c.get('user')!, uid, 'confirm', null));
  })
  .post('/:uid/refund', async (c) => {
    const uid = uidOf(c);
    const form = (await formOf(c))!;
    const back = safeReturn(form.get('back'), LIST);
    // A paid booking or a paid seat (by its seat_uid).
    const found = await paymentOf(c.var.db, uid);
    if (!found) throw notFound('Booking');
    const digits = minorDigits(found.payment.currency);
    const text = field(form, 'amount').trim();
    // The amount as people write it (12.50), in the booking's currency: minor units by its number of decimals.
    if (!new RegExp(`^\\d{1,8}(\\.\\d{1,${Math.max(digits, 1)}})?$`).test(text) || (digits === 0 && text.includes('.'))) {
      return redirectWith(c, back, { kind: 'error', text: `Nothing refunded: write the amount like ${(1234 / 10 ** digits).toFixed(digits)}` });
    }
    const amount = Math.round(Number(text) * 10 ** digits);
    try {
      await refundByHost(c.var.d1, c.env, c.get('user')!, uid, amount);
      return redirectWith(c, back, { kind: 'ok', text: `Refunded ${formatMoney(amount, found.payment.currency)}.` });
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) return redirectWith(c, back, { kind: 'error', text: `Nothing refunded: ${error.issues?.[0]?.message ?? error.message}` });
      throw error;
    }
  })
  .post('/:uid/decline', async (c) => {
    const uid = uidOf(c);
    return decide(c, 'declined', (reason) => settleBooking(c.var.d1, c.env, c.get('user')!, uid, 'decline', reason));
  });
