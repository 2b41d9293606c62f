// The series length a visitor chose on the booking pages. Pure: no I/O, no Hono.
import type { RecurringEvent } from '../bookings/recurrence';

/** How many occurrences the visitor asked for (`?occurrences=`): 1..count, anything else means the full series. */
export function occurrencesOf(value: string | undefined, rule: RecurringEvent): number {
  const n = value !== undefined && /^\d{1,2}$/.test(value) ? Number(value) : NaN;
  return n >= 1 && n <= rule.count ? n : rule.count;
}
