// Retry timing of webhook deliveries, and the retry rule every outbox follows (webhooks, emails, texts). Pure.
//
// The wait after failed attempt n is base * 2^(n-1) seconds, jittered by +-20% so that deliveries failing together
// (a subscriber down for a while) do not retry in lockstep, and capped at the 12 hours a Queues retry may be delayed.
// Production defaults, 8 attempts with a 900 s base: 7 waits of 15 min, 30 min, 1 h, 2 h, 4 h, 8 h and 12 h (16 h
// capped) = 27 h 45 min, so a subscriber that is down for a day still gets the event; then the delivery is marked
// failed. Local dev uses a 2 s base so retries are visible at once.

/** Cloudflare Queues accept `retry({delaySeconds})` up to 12 hours. */
export const MAX_RETRY_DELAY_SECONDS = 43_200;

export const JITTER = 0.2;

/** Seconds to wait after failed attempt `attempt` (1-based): a whole number in [1, 43,200]. */
export function retryDelaySeconds(attempt: number, baseSeconds: number, random: () => number = Math.random): number {
  const nominal = baseSeconds * 2 ** Math.max(0, attempt - 1);
  const jittered = nominal * (1 - JITTER + 2 * JITTER * random());
  return Math.max(1, Math.min(MAX_RETRY_DELAY_SECONDS, Math.round(jittered)));
}

export interface RetrySettings {
  maxAttempts: number;
  baseSeconds: number;
}

/**
 * After failed attempt `attempt` (1-based): seconds until the next one while attempts remain and the failure may pass,
 * or null to give up (the last attempt failed, or the provider said no for good).
 */
export function retryAfterFailure(attempt: number, permanent: boolean, settings: RetrySettings, random?: () => number): number | null {
  return !permanent && attempt < settings.maxAttempts ? retryDelaySeconds(attempt, settings.baseSeconds, random) : null;
}

/** An outbox's two retry vars as numbers (whole, at least 1); a missing or nonsensical one falls back to its default. */
export function retrySettingsOf(maxAttempts: string | undefined, baseSeconds: string | undefined, defaults: RetrySettings): RetrySettings {
  const positive = (raw: string | undefined, fallback: number) => {
    const n = Number(raw);
    return Number.isFinite(n) && n >= 1 ? Math.floor(n) : fallback;
  };
  return { maxAttempts: positive(maxAttempts, defaults.maxAttempts), baseSeconds: positive(baseSeconds, defaults.baseSeconds) };
}

/** Webhook deliveries: the production defaults above (8 attempts, 900 s base). */
export function retrySettings(env: { WEBHOOK_MAX_ATTEMPTS?: string; WEBHOOK_RETRY_BASE_SECONDS?: string }): RetrySettings {
  return retrySettingsOf(env.WEBHOOK_MAX_ATTEMPTS, env.WEBHOOK_RETRY_BASE_SECONDS, { maxAttempts: 8, baseSeconds: 900 });
}
