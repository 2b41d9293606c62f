// The cron's housekeeping: deletes rows that can no longer matter, so tables that grow with traffic stay small, and
// applies the retention of the delivery logs. Every purge runs in bounded batches behind an index (src/db/purge.ts);
// the query-plan test (test/query-plans.test.ts) checks each one. Bookings themselves are never deleted here.
import { purgeExpiredSessions } from './auth/sessions';
import { purgeSignInAttempts } from './auth/throttle';
import { purgeIdempotencyKeys } from './bookings/repo';
import type { Db } from './db/client';
import { inBatches } from './db/purge';
import type { Bindings } from './env';
import { purgeNotifications } from './notifications/repo';
import { purgeSms } from './sms/repo';
import { deleteExpiredHolds } from './reservations/repo';
import { positiveIntVar } from './reservations/rules';
import { purgeDeliveries, purgeDeliveryAttemptLogs } from './webhooks/repo';

export const DEFAULT_ATTEMPT_LOG_RETENTION_DAYS = 30;
export const DEFAULT_PAYLOAD_RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;

export interface Retention {
  /** Webhook attempt logs and whole email rows (an email row is its attempt log plus what it was rendered from). */
  attemptLogMs: number;
  /** Webhook deliveries with their signed payloads. */
  payloadMs: number;
}

/** The retention vars (whole days, > 0; anything else is the default). */
export function retentionOf(env: Pick<Bindings, 'RETENTION_ATTEMPT_LOG_DAYS' | 'RETENTION_PAYLOAD_DAYS'>): Retention {
  return {
    attemptLogMs: positiveIntVar(env.RETENTION_ATTEMPT_LOG_DAYS, DEFAULT_ATTEMPT_LOG_RETENTION_DAYS) * DAY_MS,
    payloadMs: positiveIntVar(env.RETENTION_PAYLOAD_DAYS, DEFAULT_PAYLOAD_RETENTION_DAYS) * DAY_MS,
  };
}

/** Rows each purge removed (or, for attempt logs and idempotency keys, emptied) in this run. */
export type PurgeCounts = Record<
  'sessions' | 'signInAttempts' | 'idempotencyKeys' | 'expiredHolds' | 'deliveryAttemptLogs' | 'deliveries' | 'emails' | 'sms',
  number
>;

export async function purgeExpiredRows(db: Db, now: number, retention: Retention): Promise<PurgeCounts> {
  return {
    sessions: await inBatches((limit) => purgeExpiredSessions(db, now, limit)),
    signInAttempts: await inBatches((limit) => purgeSignInAttempts(db, now, limit)),
    idempotencyKeys: await inBatches((limit) => purgeIdempotencyKeys(db, now, limit)),
    // Expired holds already count for nothing (every guard compares with now); this only keeps the table small.
    // Released holds are deleted at once (src/reservations/repo.ts deleteHold), so expiry is the only leftover.
    expiredHolds: await inBatches((limit) => deleteExpiredHolds(db, now, limit)),
    deliveryAttemptLogs: await inBatches((limit) => purgeDeliveryAttemptLogs(db, now - retention.attemptLogMs, limit)),
    deliveries: await inBatches((limit) => purgeDeliveries(db, now - retention.payloadMs, limit)),
    emails: await inBatches((limit) => purgeNotifications(db, now - retention.attemptLogMs, limit)),
    sms: await inBatches((limit) => purgeSms(db, now - retention.attemptLogMs, limit)),
  };
}
