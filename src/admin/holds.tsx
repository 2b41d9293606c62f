// Live slot reservations on the Bookings tab: who holds which slot and for how much longer, and a way to release one
// (it goes through the same reservation service as DELETE /v2/slots/reservations/{uid}).
import { formatInTimeZone } from 'date-fns-tz';
import type { FC } from 'hono/jsx';
import type { Db } from '../db/client';
import { ApiError } from '../lib/errors';
import { listLiveHolds, type ActiveHold } from '../reservations/repo';
import { reservationParam } from '../reservations/schemas';
import { releaseReservation } from '../reservations/service';
import type { Bindings } from '../env';
import { formOf, redirectWith, safeReturn, type AdminContext } from './http';
import { PostButton } from './layout';

const LIST = '/admin/bookings';
/** Holds are few (a handful per client and host, minutes each); the panel shows the soonest. */
const MAX_SHOWN = 50;

/** "4 min 05 s" left; the page has no script, so this is as of rendering. */
export function timeLeft(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

export interface HoldRows {
  holds: ActiveHold[];
  now: number;
}

/** One query: the holds with their event type and host names. */
export async function loadHoldRows(db: Db): Promise<HoldRows> {
  const now = Date.now();
  return { holds: await listLiveHolds(db, now, undefined, MAX_SHOWN), now };
}

export const HoldsPanel: FC<{ rows: HoldRows; tz: string; csrf: string; back: string }> = ({ rows, tz, csrf, back }) =>
  rows.holds.length === 0 ? (
    <p class="muted small" id="holds-empty">
      No slot is held right now.
    </p>
  ) : (
    <div class="table-wrap">
      <table id="holds">
        <caption>Held slots (a booker is filling in the form)</caption>
        <thead>
          <tr>
            <th>Slot ({tz})</th>
            <th>Event type</th>
            <th>Host</th>
            <th>Time left</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.holds.map(({ hold: h, eventTypeTitle, hostName }) => (
            <tr id={`hold-${h.uid}`}>
              <td class="nowrap">
                <time datetime={new Date(h.slotStart).toISOString()}>{formatInTimeZone(new Date(h.slotStart), tz, 'EEE d MMM yyyy, HH:mm zzz')}</time>
              </td>
              <td>{eventTypeTitle}</td>
              <td>{hostName}</td>
              <td class="time-left">
                <time datetime={new Date(h.expiresAt).toISOString()}>{timeLeft(h.expiresAt - rows.now)}</time>
              </td>
              <td>
                {/* A team hold's other rows carry `<uid>~<host id>`: releasing any of them releases the whole hold. */}
                <PostButton action={`${LIST}/holds/${h.uid.split('~')[0]}/release`} csrf={csrf} label="Release" class="btn small danger" hidden={{ back }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );

/** POST /admin/bookings/holds/:uid/release */
export async function releaseHoldFromAdmin(c: AdminContext, env: Bindings) {
  const form = (await formOf(c))!;
  const back = safeReturn(form.get('back'), LIST);
  const parsed = reservationParam.safeParse({ uid: c.req.param('uid') });
  if (!parsed.success) return redirectWith(c, back, { kind: 'error', text: 'Nothing changed: no such hold.' });
  try {
    await releaseReservation(c.var.d1, env, parsed.data.uid);
    return redirectWith(c, back, { kind: 'ok', text: 'Hold released: the slot is offered again.' });
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) return redirectWith(c, back, { kind: 'error', text: 'Nothing changed: the hold had already ended.' });
    throw error;
  }
}
