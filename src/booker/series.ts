// What the booking pages say about a recurring event type's series. Pure: no I/O, no Hono.
import type { RecurringEvent } from '../bookings/recurrence';

const UNIT: Record<RecurringEvent['freq'], [string, string]> = { weekly: ['week', 'weeks'], monthly: ['month', 'months'], yearly: ['year', 'years'] };

/** How many occurrences the visitor asked for (`?occurrences=`): 1..count, anything else means the full series. */
export function occurrencesOf(value: string | undefined, rule: RecurringEvent): number {
  const n = value !== undefined && /^\d{1,2}$/.test(value) ? Number(value) : NaN;
  return n >= 1 && n <= rule.count ? n : rule.count;
}

/** "Every week", "Every 2 months". */
export function repeatPhrase(rule: Pick<RecurringEvent, 'freq' | 'interval'>): string {
  const [one, many] = UNIT[rule.freq];
  return rule.interval === 1 ? `Every ${one}` : `Every ${rule.interval} ${many}`;
}

/** "Every week, 4 meetings" / "1 meeting". */
export function seriesSummary(rule: Pick<RecurringEvent, 'freq' | 'interval'>, occurrences: number): string {
  return `${repeatPhrase(rule)}, ${occurrences === 1 ? '1 meeting' : `${occurrences} meetings`}`;
}
