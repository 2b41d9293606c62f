import type { HostCalendar } from './bookings/host-calendar';
import type { Db } from './db/client';
import type { RequestDb } from './db/session';
import type { User } from './db/schema';

export interface Bindings {
  DB: D1Database;
  HOST_CALENDAR: DurableObjectNamespace<HostCalendar>;
  WEBHOOKS: Queue<WebhookMessage>;
  EMAILS: Queue<EmailQueueMessage>;
  /** Cloudflare Email Service (send_email binding); used when EMAIL_TRANSPORT is "cloudflare". */
  EMAIL?: SendEmail;
  /** "cloudflare" (default), "smtp", or "memory" (tests). */
  EMAIL_TRANSPORT: string;
  /** The sender of every notification, e.g. `calflare <bookings@cal.example.com>`. */
  EMAIL_FROM: string;
  /** "false" turns every email notification off (no outbox rows are written). */
  EMAIL_NOTIFICATIONS: string;
  EMAIL_MAX_ATTEMPTS: string;
  /** Emails one recipient address may get per rolling hour and day (default 10 and 30); beyond: `suppressed`. */
  EMAIL_RECIPIENT_MAX_PER_HOUR?: string;
  EMAIL_RECIPIENT_MAX_PER_DAY?: string;
  EMAIL_RETRY_BASE_SECONDS: string;
  SMTP_HOST?: string;
  SMTP_PORT?: string;
  /** "starttls" (default), "tls" or "off". */
  SMTP_SECURITY?: string;
  SMTP_USER?: string;
  /** A secret (`wrangler secret put SMTP_PASSWORD`), never a var. */
  SMTP_PASSWORD?: string;
  /** SMS (issue #29, src/sms/): "twilio", "memory" (tests) or "off" (default: no SMS steps). */
  SMS_TRANSPORT?: string;
  /** Secrets (`wrangler secret put`): the Twilio account whose Messages API sends, and whose token signs inbound webhooks. */
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
  /** The sender: a Twilio number in E.164, or a Messaging Service SID (which wins when both are set). */
  TWILIO_FROM?: string;
  TWILIO_MESSAGING_SERVICE_SID?: string;
  /** https://api.twilio.com (default); `npm run dev` points it at the local SMS catcher. */
  TWILIO_API_URL?: string;
  /** ISO countries SMS may go to, comma separated (default "US,CA"). */
  SMS_ALLOWED_COUNTRIES?: string;
  /** SMS per number and per host in any rolling 24 hours (default 5 and 100); beyond: `suppressed`. */
  SMS_MAX_PER_NUMBER_PER_DAY?: string;
  SMS_MAX_PER_HOST_PER_DAY?: string;
  SMS_MAX_ATTEMPTS?: string;
  SMS_RETRY_BASE_SECONDS?: string;
  /** Hosts' and teams' logos, under their content hash (src/logos/). */
  LOGOS: R2Bucket;
  /** Calendar connections to sync (src/calendars/queue.ts). */
  CALENDAR_SYNC: Queue<CalendarSyncMessage>;
  /** Calendar write-back (src/calendars/writeback.ts): one message per calendar_writes row. */
  CALENDAR_WRITES: Queue<CalendarWriteMessage>;
  /** Attempts of one write-back before it is marked failed (default 8), and the first retry's wait (default 60 s). */
  CALENDAR_WRITE_MAX_ATTEMPTS?: string;
  CALENDAR_WRITE_RETRY_BASE_SECONDS?: string;
  /** OAuth 2.0 clients of the calendar providers (issue #28): Worker secrets; a provider without them is not offered. */
  GOOGLE_CLIENT_ID?: string;
  GOOGLE_CLIENT_SECRET?: string;
  MICROSOFT_CLIENT_ID?: string;
  MICROSOFT_CLIENT_SECRET?: string;
  /** Microsoft's tenant for sign-in (default "common": personal and work accounts). */
  MICROSOFT_TENANT?: string;
  /** AES-256-GCM key for connection secrets, 32 bytes in base64: a Worker secret (`wrangler secret put`). */
  CALENDAR_ENCRYPTION_KEY?: string;
  /** Seconds between two refreshes of one calendar (default 60; end-to-end tests set 0). */
  CALENDAR_REFRESH_INTERVAL_SECONDS?: string;
  /** Paid event types (src/payments/), single-tenant: the Stripe secret key and webhook signing secret (Worker secrets). */
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  /** Where the Stripe SDK sends requests (default https://api.stripe.com): tests and local fakes point it elsewhere. */
  STRIPE_API_BASE?: string;
  /** Open unpaid bookings one attendee email may have with one host (default 2): a cap on slot squatting. */
  PAYMENT_MAX_OPEN_PER_ATTENDEE?: string;
  PAYMENT_MAX_OPEN_PER_CLIENT?: string;
  WEBHOOK_MAX_ATTEMPTS: string;
  WEBHOOK_RETRY_BASE_SECONDS: string;
  WEBHOOK_ALLOW_PRIVATE_URLS: string;
  WEBHOOK_MAX_PER_OWNER: string;
  SESSION_TTL_HOURS: string;
  /** Days the cron keeps webhook attempt logs and settled emails (default 30; src/housekeeping.ts). */
  RETENTION_ATTEMPT_LOG_DAYS?: string;
  /** Days the cron keeps settled webhook deliveries with their payloads (default 90). */
  RETENTION_PAYLOAD_DAYS?: string;
  /** Where the D1 primary runs (a location hint such as `weur`); HostCalendar objects are created next to it. */
  D1_PRIMARY_LOCATION?: string;
  /** Public origin of this deployment: links in emails and feeds, and the domain of calendar UIDs. */
  APP_URL: string;
  /** Live slot reservations one client (IP hash, and holder when signed in) may keep with one host. */
  MAX_ACTIVE_HOLDS_PER_CLIENT: string;
  /** Future bookings one attendee email may have with one host. */
  MAX_FUTURE_BOOKINGS_PER_ATTENDEE: string;
  /** Workers Rate Limiting bindings (wrangler.toml `[[ratelimits]]`), keyed per client IP hash. */
  LOGIN_RATE_LIMIT: RateLimit;
  WRITE_RATE_LIMIT: RateLimit;
  SLOTS_RATE_LIMIT: RateLimit;
}

/** One queue message per webhook delivery row; the row holds the payload. */
export interface WebhookMessage {
  delivery_id: number;
}

/** One queue message per email notification row; the row holds everything to send. */
export interface EmailQueueMessage {
  notification_id: number;
}

/** One queue message per calendar connection to sync. */
export interface CalendarSyncMessage {
  connection_id: number;
}

/** One queue message per calendar write-back row; the row holds the event to write. */
export interface CalendarWriteMessage {
  write_id: number;
}

export interface Variables {
  /** The request's database handle (on its D1 session), set once by `useDb` (src/db/middleware.ts). */
  db: Db;
  /** The request's D1 session behind `db`: its primary fallback, bookmark, HostCalendar calls and cost. */
  d1: RequestDb;
  /** From a sane incoming x-request-id, or generated; in every log line and 500 body. */
  requestId: string;
  /** The signed-in user, when the request carried a valid session token. */
  user: User | null;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
  interface D1Migration {
    name: string;
    queries: string[];
  }
}
