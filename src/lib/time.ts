/**
 * Time-zone helpers for the slot engine: the offset of an IANA zone at an instant,
 * wall-clock ranges -> the instants that read them (DST included), and ISO formatting.
 *
 * Offsets come from Intl (the tz database the runtime ships), read through one cached Intl.DateTimeFormat per
 * zone, which is what date-fns-tz does internally. We call Intl directly rather than date-fns-tz's public functions
 * because those round-trip through the host's local time (Date#getHours/setHours, and getTimezoneOffset's fixOffset):
 * exact on workerd, whose clock zone is UTC, but an hour off around the host's own DST changes when Node runs in
 * another zone.
 *
 * Cost model: a ZoneCalendar samples the offset once per UTC day (memoised) and treats
 * a stretch whose samples agree as having one offset; only days next to a change pay for
 * exact lookups. This relies on a zone changing its offset at most once in 48 hours,
 * which holds for the tz database.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------
// Zone validation and raw offsets
// ---------------------------------------------------------------------------

interface ZoneReader {
  format: Intl.DateTimeFormat;
  /** Where year, month, day, hour, minute, second sit among the digit runs of format(). */
  order: number[];
}

const MAX_CACHED_ZONES = 1000;
const readers = new Map<string, ZoneReader>();
const FIELD_ORDER = ['year', 'month', 'day', 'hour', 'minute', 'second'];

/** Throws RangeError for a zone Intl does not know. */
function zoneReader(timeZone: string): ZoneReader {
  const cached = readers.get(timeZone);
  if (cached) return cached;
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  // Learn the field order once so the hot path can parse format() (about 3x cheaper
  // than formatToParts) without assuming a locale layout.
  const numericParts = format.formatToParts(0).filter((p) => /^\d+$/.test(p.value));
  const order = FIELD_ORDER.map((type) => numericParts.findIndex((p) => p.type === type));
  if (order.some((i) => i < 0)) throw new RangeError(`Unsupported time zone: ${timeZone}`);
  // Zone names come from requests; bound the cache so odd spellings cannot grow it forever.
  if (readers.size >= MAX_CACHED_ZONES) readers.clear();
  const reader = { format, order };
  readers.set(timeZone, reader);
  return reader;
}

/**
 * ICU (so Intl) still resolves these zones to their old names; IANA renamed them. The stored name is IANA's current
 * one, so "Asia/Kolkata" reads the same whatever the runtime's ICU version.
 */
const IANA_RENAMES: Record<string, string> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** Zones tied to a place, plus UTC and the fixed-offset Etc/GMT±N; not Factory, SystemV/* or other pseudo-zones. */
const GEOGRAPHIC = /^(?:(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)\/[A-Za-z0-9_+\-/]+|UTC|Etc\/GMT[+-]\d{1,2})$/;

const canonicalNames = new Map<string, string | null>();

/**
 * The zone's canonical IANA name, or null when the runtime does not know it or it is not a real zone. Intl matches
 * names case-insensitively and follows links, so "us/eastern" -> "America/New_York", "etc/utc" -> "UTC",
 * "asia/kolkata" -> "Asia/Kolkata"; "Factory" (a placeholder zone) and bare offsets ("+05:00") -> null.
 */
export function canonicalZoneName(timeZone: string): string | null {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 64) return null;
  const cached = canonicalNames.get(timeZone);
  if (cached !== undefined) return cached;
  let name: string | null = null;
  // Newer engines accept bare offsets as zones; they are not IANA names and have no DST rules.
  if (!/^[+-]/.test(timeZone)) {
    try {
      const resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
      const renamed = IANA_RENAMES[resolved] ?? resolved;
      if (GEOGRAPHIC.test(renamed)) {
        zoneReader(renamed);
        name = renamed;
      }
    } catch {
      name = null;
    }
  }
  // Names come from requests; bound the cache so odd spellings cannot grow it forever.
  if (canonicalNames.size >= MAX_CACHED_ZONES) canonicalNames.clear();
  canonicalNames.set(timeZone, name);
  return name;
}

/** True for a geographic IANA zone (or UTC) the runtime's Intl knows, in any spelling; "+05:00" and "Factory" not. */
export function isValidTimeZone(timeZone: string): boolean {
  return canonicalZoneName(timeZone) !== null;
}

/** The name to store for a zone that passed isValidTimeZone (see canonicalZoneName). */
export function canonicalTimeZone(timeZone: string): string {
  return canonicalZoneName(timeZone) ?? timeZone;
}

const digitRuns: number[] = [0, 0, 0, 0, 0, 0, 0, 0];

/**
 * UTC offset (ms, east positive) of the zone at instant t, straight from Intl. Not date-fns-tz's getTimezoneOffset:
 * that one reads its argument as a wall-clock time of the host zone (its fixOffset step), so near a DST change it
 * answers for the wrong instant.
 */
export function zoneOffsetAt(timeZone: string, t: number): number {
  const { format, order } = zoneReader(timeZone);
  const text = format.format(t);
  let count = 0;
  let value = -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      value = (value < 0 ? 0 : value * 10) + (code - 48);
    } else if (value >= 0) {
      digitRuns[count++] = value;
      value = -1;
    }
  }
  if (value >= 0) digitRuns[count++] = value;
  const field = (index: number): number => digitRuns[order[index]!]!;
  // Some ICU builds print midnight as hour 24 of the same day.
  const wallAsUtc = Date.UTC(field(0), field(1) - 1, field(2), field(3) % 24, field(4), field(5));
  const wholeSecond = t - (((t % 1000) + 1000) % 1000);
  return wallAsUtc - wholeSecond;
}

// ---------------------------------------------------------------------------
// Local dates as day numbers (days since 1970-01-01)
// ---------------------------------------------------------------------------

/** "YYYY-MM-DD" -> day number, or NaN when the text is not a real calendar date. */
export function dayOfDateKey(key: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!match) return NaN;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const date = Number(match[3]);
  const ms = Date.UTC(year, month - 1, date);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return NaN;
  return ms / DAY_MS;
}

export function dateKeyOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday .. 6 = Saturday; day 0 (1970-01-01) was a Thursday. */
export function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** "HH:MM" -> minutes after midnight; "24:00" is allowed as the end of a day. NaN if malformed. */
export function minutesOfWallTime(text: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) return NaN;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return NaN;
  return hours * 60 + minutes;
}

// ---------------------------------------------------------------------------
// ZoneCalendar: memoised offsets for one computation
// ---------------------------------------------------------------------------

/**
 * "zone|UTC day" -> the instant the zone's offset changes that day. Facts of the tz database, so shared by every
 * computation in the isolate; bounded, as zone names come from requests.
 */
const transitions = new Map<string, number>();
const MAX_CACHED_TRANSITIONS = 10_000;

export class ZoneCalendar {
  private readonly samples = new Map<number, number>();
  // offsetAt is called per slot when formatting; consecutive calls mostly hit one UTC day.
  private steadyDay = NaN;
  private steadyOffset = 0;

  /** Throws RangeError for an unknown zone. */
  constructor(readonly timeZone: string) {
    if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown time zone: ${timeZone}`);
  }

  /** Offset at 00:00 UTC of UTC day k, one Intl call per day per computation. */
  private sample(k: number): number {
    let offset = this.samples.get(k);
    if (offset === undefined) {
      offset = zoneOffsetAt(this.timeZone, k * DAY_MS);
      this.samples.set(k, offset);
    }
    return offset;
  }

  /** Offset in effect at instant t. */
  offsetAt(t: number): number {
    const k = Math.floor(t / DAY_MS);
    if (k === this.steadyDay) return this.steadyOffset;
    const offset = this.sample(k);
    if (offset !== this.sample(k + 1)) return zoneOffsetAt(this.timeZone, t);
    this.steadyDay = k;
    this.steadyOffset = offset;
    return offset;
  }

  /** The local date (day number) of instant t. */
  localDayOf(t: number): number {
    return Math.floor((t + this.offsetAt(t)) / DAY_MS);
  }

  /**
   * The instants whose wall-clock reading lies in [startMinute, endMinute) of local date `day` (minutes 0..1440),
   * as disjoint sorted intervals. This one definition settles every DST case:
   * - a boundary inside a spring-forward gap resolves to the instant of the jump (no wall time in between exists);
   * - on a fall-back date the repeated minutes count wherever the clock shows them, so a range that runs through the
   *   whole repeated hour keeps its full real length, and one that ends inside it (or starts after its first minute)
   *   splits into two intervals: no instant reads outside the range, and no listed minute is lost.
   * Appends to `out` (the slot engine's hot path, so no array per call) and returns it.
   */
  wallRangeIntervals(
    day: number,
    startMinute: number,
    endMinute: number,
    out: { start: number; end: number }[] = [],
  ): { start: number; end: number }[] {
    const from = day * DAY_MS + startMinute * MINUTE_MS;
    const to = day * DAY_MS + endMinute * MINUTE_MS;
    if (!(to > from)) return out;
    // Every instant reading a time of this date lies within [day - 14h, day + 1 + 12h]: samples from the day before
    // to two days after bracket them, and a zone changes offset at most once between two samples.
    let offset = this.sample(day - 1);
    if (offset === this.sample(day) && offset === this.sample(day + 1) && offset === this.sample(day + 2)) {
      out.push({ start: from - offset, end: to - offset });
      return out;
    }
    const firstOwn = out.length;
    // A stretch [segmentStart, segmentEnd) with one offset holds one interval of instants reading [from, to).
    const addSegment = (segmentStart: number, segmentEnd: number, segmentOffset: number) => {
      const start = Math.max(from - segmentOffset, segmentStart);
      const end = Math.min(to - segmentOffset, segmentEnd);
      if (!(end > start)) return;
      const last = out.length > firstOwn ? out[out.length - 1]! : undefined;
      if (last && start <= last.end) last.end = Math.max(last.end, end);
      else out.push({ start, end });
    };
    let segmentStart = -Infinity;
    for (let k = day - 1; k <= day + 1; k++) {
      const next = this.sample(k + 1);
      if (next === offset) continue;
      const change = this.transitionIn(k);
      addSegment(segmentStart, change, offset);
      segmentStart = change;
      offset = next;
    }
    addSegment(segmentStart, Infinity, offset);
    return out;
  }

  /** The first instant of local date `day`. */
  startOfLocalDay(day: number): number {
    return this.wallRangeIntervals(day, 0, 1440)[0]!.start;
  }

  /** The instant the offset changes within UTC day k (whose two end samples differ), to the second. */
  private transitionIn(k: number): number {
    const key = `${this.timeZone}|${k}`;
    let found = transitions.get(key);
    if (found !== undefined) return found;
    const before = this.sample(k);
    // Invariant: the offset at `low` is `before`, at `high` it is not. Offsets change on whole seconds.
    let low = k * 86_400;
    let high = (k + 1) * 86_400;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (zoneOffsetAt(this.timeZone, mid * 1000) === before) low = mid;
      else high = mid;
    }
    found = high * 1000;
    if (transitions.size >= MAX_CACHED_TRANSITIONS) transitions.clear();
    transitions.set(key, found);
    return found;
  }
}

// ---------------------------------------------------------------------------
// ISO formatting with the zone's offset
// ---------------------------------------------------------------------------

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "HH:MM:00" for every minute of the day, so formatting a slot is string concatenation. */
const MINUTE_LABELS: string[] = Array.from({ length: 1440 }, (_, m) => `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}:00`);

function timeOfDayLabel(msOfDay: number): string {
  if (msOfDay % MINUTE_MS === 0) return MINUTE_LABELS[msOfDay / MINUTE_MS]!;
  const seconds = Math.floor(msOfDay / 1000);
  const ms = msOfDay % 1000;
  const base = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
  return ms === 0 ? base : `${base}.${String(ms).padStart(3, '0')}`;
}

/** "+05:45", "-07:00", "+00:00" (never "Z": slot times always carry a numeric offset). */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(offsetMs) / MINUTE_MS);
  return `${sign}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

/**
 * Formats instants as ISO 8601 local time with offset. Keeps the last date prefix and
 * offset suffix, so a run of sorted instants costs one concatenation each.
 */
export class IsoFormatter {
  /** Local date ("YYYY-MM-DD") of the instant formatted last. */
  dateKey = '';
  private day = NaN;
  private offset = NaN;
  private offsetLabel = '';

  constructor(private readonly calendar: ZoneCalendar) {}

  format(t: number): string {
    const offset = this.calendar.offsetAt(t);
    const local = t + offset;
    const day = Math.floor(local / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.dateKey = dateKeyOfDay(day);
    }
    if (offset !== this.offset) {
      this.offset = offset;
      this.offsetLabel = formatOffset(offset);
    }
    return `${this.dateKey}T${timeOfDayLabel(local - day * DAY_MS)}${this.offsetLabel}`;
  }
}
