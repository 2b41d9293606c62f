// Where HostCalendar objects are created. Each booking write makes two to three D1 round trips from inside the
// object, all to the D1 primary, so the object belongs next to the primary rather than next to the first booker.
// A location hint applies when an object is first created; existing objects stay where they are.

/** Cloudflare's Durable Object location hints (the same names D1 uses for its primary location). */
export const LOCATION_HINTS = ['wnam', 'enam', 'sam', 'weur', 'eeur', 'apac', 'oc', 'afr', 'me'] as const;
export type LocationHint = (typeof LOCATION_HINTS)[number];

const isHint = (value: string): value is LocationHint => (LOCATION_HINTS as readonly string[]).includes(value);

/** The `get()` options for a HostCalendar: a hint from D1_PRIMARY_LOCATION when it names a known location. */
export function calendarPlacement(env: { D1_PRIMARY_LOCATION?: string }): DurableObjectNamespaceGetDurableObjectOptions | undefined {
  const hint = env.D1_PRIMARY_LOCATION?.trim().toLowerCase();
  return hint && isHint(hint) ? { locationHint: hint } : undefined;
}
