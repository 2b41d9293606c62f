// An iCalendar feed -> the busy spans it holds inside a window. Pure: no I/O, no bindings.
//
// ical.js parses the text (and supplies VTIMEZONE offsets and, for rules we do not expand ourselves, its recurrence
// iterator); we do the rest ourselves, because iterating ical.js's recurrence from DTSTART costs 30-80 µs a step
// (seconds of CPU for a feed of daily series begun years ago). Rules of the common shapes (FREQ=DAILY, and WEEKLY
// with plain BYDAY, with INTERVAL, COUNT, UNTIL, WKST) are expanded arithmetically on wall-clock day numbers, jumping
// straight to the window while keeping the series' phase and its COUNT index; anything else goes through ical.js's
// iterator under the expansion budget (expansion-budget.ts): a rule that finds no date within its budget is cut there,
// keeps what it found, and is counted in `runawayRules`; the rest of the feed still counts.
// test/calendars-ics-busy.property.unit.ts checks the result against ical.js's own full expansion.
//
// Rules (see docs/DESIGN.md, "External calendars"):
// - A TZID is read from the feed's VTIMEZONE when it has one, else as an IANA name through Intl, else as a Windows name
//   (Outlook) through CLDR's windowsZones table; a TZID none of these knows, and floating times, are the host's zone.
// - All-day events block the host's whole local dates. A wall time inside a spring-forward gap takes the offset in
//   force before the gap (RFC 5545 3.3.5); a repeated wall time is its first occurrence.
// - RRULE, RDATE, EXDATE; an instance overridden through RECURRENCE-ID gives way to its override, so a moved or
//   cancelled instance frees its original time. STATUS:CANCELLED is skipped, and so are TRANSP:TRANSPARENT and
//   Outlook's X-MICROSOFT-CDO-BUSYSTATUS:FREE unless `includeTransparent`; so are the UIDs of our own invites.
// - At most `maxInstances` instances are kept; the result says when the cap was hit.
import ICAL from 'ical.js';
import { DAY_MS, isValidTimeZone, zoneOffsetAt } from '../lib/time';
import { BudgetExceeded, FeedBudget, type BudgetLimits } from './expansion-budget';
export { EXPANSION_BUDGET } from './expansion-budget';
import { WINDOWS_ZONES } from './windows-zones';

export interface Span {
  start: number;
  end: number;
}

export interface BusyOptions {
  /** The host's IANA zone: all-day events and floating times are read in it. */
  hostTimeZone: string;
  /** Instances that overlap [start, end) are kept. */
  window: { start: number; end: number };
  /** Count transparent (free) events as busy too: for holiday calendars. */
  includeTransparent: boolean;
  /** UIDs ending in "@" + this domain are our own invites: a booking must never block itself. */
  ownUidDomain: string | null;
  /** Instances kept at most (default 20,000). */
  maxInstances?: number;
  /** The expansion budget of ical.js's iterations (defaults: EXPANSION_BUDGET); a FeedBudget is shared (CalDAV resources). */
  budget?: BudgetLimits | FeedBudget;
}

export interface BusyResult {
  /** Sorted, disjoint, merged. */
  spans: Span[];
  /** Instances found in the window (before merging). */
  instances: number;
  /** True when the instance cap or the feed's expansion budget cut the expansion short: the spans are then incomplete. */
  capped: boolean;
  /** Rules (of events or VTIMEZONEs) cut short by their expansion budget: they block only what they found before. */
  runawayRules: number;
  /** The feed's expansion budget ran out: rules after that point were not iterated. */
  budgetExhausted: boolean;
  /** TZIDs read as the host's zone because nothing knew them. */
  unknownTimeZones: string[];
}

/** A feed that cannot be read; the message is a coarse reason for the host, `detail` (the parser's words) for the log. */
export class IcsError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

export const MAX_INSTANCES = 20_000;

// ---------------------------------------------------------------------------
// Zones: wall-clock milliseconds ("wall" = the wall reading as if it were UTC) -> instants
// ---------------------------------------------------------------------------

interface Zone {
  toInstant(wall: number): number;
}

const UTC_ZONE: Zone = { toInstant: (wall) => wall };

/**
 * Converts wall readings of one zone, memoising per local day: a day whose offsets at its 00:00 and at the next
 * day's 00:00 agree has one offset throughout (zones change at most once a day); other days are solved exactly.
 */
abstract class DayCachedZone implements Zone {
  private readonly steadyDays = new Map<number, number | null>();

  protected abstract exactOffset(wall: number): number;

  toInstant(wall: number): number {
    const day = Math.floor(wall / DAY_MS);
    let steady = this.steadyDays.get(day);
    if (steady === undefined) {
      const a = this.exactOffset(day * DAY_MS);
      steady = a === this.exactOffset((day + 1) * DAY_MS) ? a : null;
      this.steadyDays.set(day, steady);
    }
    return wall - (steady ?? this.exactOffset(wall));
  }
}

class IntlZone extends DayCachedZone {
  constructor(private readonly name: string) {
    super();
  }

  protected exactOffset(wall: number): number {
    const before = zoneOffsetAt(this.name, wall - DAY_MS);
    const after = zoneOffsetAt(this.name, wall + DAY_MS);
    const viaBefore = zoneOffsetAt(this.name, wall - before) === before;
    if (before === after) return viaBefore ? before : zoneOffsetAt(this.name, wall - before);
    const viaAfter = zoneOffsetAt(this.name, wall - after) === after;
    // Both readings exist (fall back): the first occurrence, i.e. the larger offset. Neither (a gap): the offset before.
    if (viaBefore && viaAfter) return Math.max(before, after);
    if (viaAfter) return after;
    return before;
  }
}

/** A feed's VTIMEZONE; once its own rules run out of budget, the zone its TZID names (or the host's) stands in. */
class VTimezoneZone extends DayCachedZone {
  private broken = false;

  constructor(
    private readonly tz: ICAL.Timezone,
    private readonly fallback: Zone,
    private readonly budget: FeedBudget,
  ) {
    super();
  }

  override toInstant(wall: number): number {
    if (!this.broken) {
      const instant = this.budget.rule(() => super.toInstant(wall), () => null);
      if (instant !== null) return instant;
      this.broken = true;
    }
    return this.fallback.toInstant(wall);
  }

  protected exactOffset(wall: number): number {
    const d = new Date(wall);
    const time = ICAL.Time.fromData({
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    });
    return this.tz.utcOffset(time) * 1000;
  }
}

/** TZID -> Zone for one feed. */
class ZoneResolver {
  private readonly zones = new Map<string, Zone>();
  readonly unknown = new Set<string>();
  readonly host: Zone;

  constructor(
    hostTimeZone: string,
    private readonly vtimezones: Map<string, ICAL.Timezone>,
    private readonly budget: FeedBudget,
  ) {
    this.host = new IntlZone(hostTimeZone);
  }

  of(t: ICAL.Time): Zone {
    if (isUtc(t)) return UTC_ZONE;
    const tzid = tzidOf(t);
    if (!tzid) return this.host; // floating
    let zone = this.zones.get(tzid);
    if (!zone) {
      zone = this.resolve(tzid);
      this.zones.set(tzid, zone);
    }
    return zone;
  }

  private resolve(tzid: string): Zone {
    const vtz = this.vtimezones.get(tzid);
    const iana = ianaNameOf(tzid);
    const named = iana ? (iana === 'UTC' || iana === 'Etc/UTC' ? UTC_ZONE : new IntlZone(iana)) : null;
    if (vtz) return new VTimezoneZone(vtz, named ?? this.host, this.budget);
    if (named) return named;
    this.unknown.add(tzid);
    return this.host;
  }
}

/** An IANA name for a TZID: itself, its Windows mapping, or the Area/City tail of a prefixed id ("/mozilla.org/.../Europe/Berlin"). */
export function ianaNameOf(tzid: string): string | null {
  const trimmed = tzid.trim().replace(/^"|"$/g, '');
  const windows = WINDOWS_ZONES[trimmed];
  if (windows) return windows;
  if (isValidTimeZone(trimmed)) return trimmed;
  const tail = /([A-Za-z_]+\/[A-Za-z_+\-0-9]+(?:\/[A-Za-z_+\-0-9]+)?)$/.exec(trimmed)?.[1];
  if (tail && isValidTimeZone(tail)) return tail;
  return null;
}

// ---------------------------------------------------------------------------
// Times
// ---------------------------------------------------------------------------

/**
 * A time's TZID: the parameter ical.js keeps on a time whose zone it does not know, or the zone it bound (when
 * someone registered that TZID in ical.js's global TimezoneService; we never do, as feeds may disagree on a TZID).
 */
function tzidOf(t: ICAL.Time): string | undefined {
  const kept = (t as ICAL.Time & { timezone?: string }).timezone;
  if (kept) return kept;
  const bound = t.zone?.tzid;
  return bound && bound !== 'floating' ? bound : undefined;
}
const isUtc = (t: ICAL.Time): boolean => t.zone === ICAL.Timezone.utcTimezone || tzidOf(t) === 'Z' || tzidOf(t) === 'UTC';

const wallOf = (t: ICAL.Time): number => Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
const dayOf = (t: ICAL.Time): number => Date.UTC(t.year, t.month - 1, t.day) / DAY_MS;

/** UNTIL is UTC when DTSTART has a zone (RFC 5545); a floating UNTIL is read in DTSTART's zone. */
const untilInstantOf = (until: ICAL.Time, zone: Zone): number => (isUtc(until) ? wallOf(until) : zone.toInstant(wallOf(until)));

/** One occurrence: a wall reading in a zone, or a date. */
interface Occurrence {
  wall: number;
  zone: Zone;
  isDate: boolean;
}

/** The key that matches an occurrence with RECURRENCE-ID and EXDATE values: its instant, or its date for all-day. */
const keyOf = (o: Occurrence): number => (o.isDate ? o.wall : o.zone.toInstant(o.wall));

function occurrenceOf(t: ICAL.Time, zones: ZoneResolver): Occurrence {
  if (t.isDate) return { wall: dayOf(t) * DAY_MS, zone: zones.host, isDate: true };
  return { wall: wallOf(t), zone: zones.of(t), isDate: false };
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

function parseCalendars(text: string): ICAL.Component[] {
  if (!/BEGIN:VCALENDAR/i.test(text.slice(0, 4096))) throw new IcsError('This is not an iCalendar file (no BEGIN:VCALENDAR)');
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch (error) {
    // ical.js quotes the offending line of the feed: never shown to the host.
    throw new IcsError('The calendar file could not be read (it is not valid iCalendar)', error instanceof Error ? error.message : String(error));
  }
  const list = (Array.isArray(parsed) && typeof parsed[0] === 'string' ? [parsed] : (parsed as unknown[])) as unknown[];
  const calendars = list.map((jcal) => new ICAL.Component(jcal as never)).filter((c) => c.name === 'vcalendar');
  if (calendars.length === 0) throw new IcsError('This is not an iCalendar file (no VCALENDAR component)');
  return calendars;
}

function timezonesOf(calendars: ICAL.Component[]): Map<string, ICAL.Timezone> {
  const map = new Map<string, ICAL.Timezone>();
  for (const cal of calendars) {
    for (const vtz of cal.getAllSubcomponents('vtimezone')) {
      const tzid = vtz.getFirstPropertyValue('tzid');
      if (typeof tzid !== 'string' || map.has(tzid)) continue;
      // A VTIMEZONE without any STANDARD/DAYLIGHT part gives no offsets: fall back to Intl for its TZID.
      if (vtz.getAllSubcomponents().length === 0) continue;
      try {
        map.set(tzid, new ICAL.Timezone({ component: vtz, tzid }));
      } catch {
        // Unusable definition: Intl or the host zone will read the TZID instead.
      }
    }
  }
  return map;
}

interface EventInfo {
  uid: string;
  start: Occurrence;
  /** Wall-clock length added to each occurrence's wall reading (ical.js's rule); for all-day events, whole days. */
  lengthMs: number;
  /** Whether its instances block time (not cancelled, not free unless free counts, not empty). */
  busy: boolean;
}

function readEvent(ev: ICAL.Component, zones: ZoneResolver, opts: BusyOptions): EventInfo | null {
  const dtstart = ev.getFirstPropertyValue('dtstart') as ICAL.Time | null;
  if (!dtstart || typeof dtstart !== 'object' || !('year' in dtstart)) return null;
  const start = occurrenceOf(dtstart, zones);
  const dtend = ev.getFirstPropertyValue('dtend') as ICAL.Time | null;
  const duration = ev.getFirstPropertyValue('duration') as ICAL.Duration | null;
  let lengthMs: number;
  if (dtend && typeof dtend === 'object' && 'year' in dtend) {
    if (start.isDate) lengthMs = (dayOf(dtend) - dayOf(dtstart)) * DAY_MS;
    else {
      const end = occurrenceOf(dtend, zones);
      lengthMs = (end.isDate ? end.wall - start.wall : keyOf(end) - keyOf(start));
    }
  } else if (duration && typeof duration === 'object' && 'toSeconds' in duration) {
    lengthMs = duration.toSeconds() * 1000;
    if (start.isDate) lengthMs = Math.ceil(lengthMs / DAY_MS) * DAY_MS;
  } else {
    // RFC 5545: a date-only event without an end lasts its one day; a timed one ends where it starts.
    lengthMs = start.isDate ? DAY_MS : 0;
  }
  const status = String(ev.getFirstPropertyValue('status') ?? '').toUpperCase();
  const transp = String(ev.getFirstPropertyValue('transp') ?? '').toUpperCase();
  const msStatus = String(ev.getFirstPropertyValue('x-microsoft-cdo-busystatus') ?? '').toUpperCase();
  const free = transp === 'TRANSPARENT' || msStatus === 'FREE' || msStatus === 'WORKINGELSEWHERE';
  const busy = status !== 'CANCELLED' && (!free || opts.includeTransparent) && lengthMs > 0;
  return { uid: String(ev.getFirstPropertyValue('uid') ?? ''), start, lengthMs, busy };
}

// ---------------------------------------------------------------------------
// Expansion
// ---------------------------------------------------------------------------

const WEEKDAYS: Record<string, number> = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 };
const weekdayOfDay = (day: number) => (((day + 4) % 7) + 7) % 7;

class Collector {
  readonly spans: Span[] = [];
  capped = false;

  constructor(
    readonly window: { start: number; end: number },
    readonly maxInstances: number,
    readonly budget: FeedBudget,
  ) {}

  /** False once the cap is reached. */
  add(start: number, end: number): boolean {
    if (end <= this.window.start || start >= this.window.end || end <= start) return true;
    if (this.spans.length >= this.maxInstances) {
      this.capped = true;
      return false;
    }
    this.spans.push({ start, end });
    return true;
  }
}

function spanOf(o: Occurrence, lengthMs: number): Span {
  if (o.isDate) {
    const day = o.wall / DAY_MS;
    return { start: o.zone.toInstant(day * DAY_MS), end: o.zone.toInstant(day * DAY_MS + lengthMs) };
  }
  const start = o.zone.toInstant(o.wall);
  const end = o.zone.toInstant(o.wall + lengthMs);
  // The length is added on the wall clock (as ical.js does), unless that collapses it across a spring-forward gap.
  return { start, end: end > start ? end : start + lengthMs };
}

interface Series {
  info: EventInfo;
  exdates: Set<number>;
  /** Keys of occurrences replaced by an override. */
  overridden: Set<number>;
}

/** The occurrences of one master event that may overlap the window, in no particular order. */
function expandSeries(ev: ICAL.Component, series: Series, zones: ZoneResolver, out: Collector): void {
  const { info } = series;
  const emit = (o: Occurrence): boolean => {
    const key = keyOf(o);
    if (series.exdates.has(key) || series.overridden.has(key)) return true;
    if (!info.busy) return true;
    const span = spanOf(o, info.lengthMs);
    return out.add(span.start, span.end);
  };

  // Wall-clock day range whose occurrences can overlap the window (offsets are within ±26 h).
  const firstDay = Math.floor((out.window.start - info.lengthMs) / DAY_MS) - 2;
  const lastDay = Math.floor(out.window.end / DAY_MS) + 2;

  const rrules = ev.getAllProperties('rrule');
  if (rrules.length === 0) {
    if (!emit(info.start)) return;
  } else {
    // Several RRULEs are deprecated but legal; each contributes (duplicates of DTSTART are harmless after merging).
    for (const prop of rrules) {
      const rule = prop.getFirstValue() as ICAL.Recur;
      const ok = expandSimple(rule, info, firstDay, lastDay, emit) ?? expandWithIcal(rule, ev, info, zones, lastDay, out, emit);
      if (!ok) return;
    }
  }
  for (const prop of ev.getAllProperties('rdate')) {
    for (const value of prop.getValues() as (ICAL.Time | ICAL.Period)[]) {
      if (value instanceof ICAL.Period) {
        const start = occurrenceOf(value.start, zones);
        const end = value.end ? keyOf(occurrenceOf(value.end, zones)) : keyOf(start) + (value.duration?.toSeconds() ?? 0) * 1000;
        const key = keyOf(start);
        if (series.exdates.has(key) || series.overridden.has(key) || !info.busy) continue;
        if (!out.add(start.isDate ? spanOf(start, DAY_MS).start : key, end)) return;
      } else if (value && typeof value === 'object' && 'year' in value) {
        if (!emit(occurrenceOf(value, zones))) return;
      }
    }
  }
}

/**
 * Arithmetic expansion of FREQ=DAILY / WEEKLY rules with at most INTERVAL, COUNT, UNTIL, WKST and (weekly) plain BYDAY,
 * whose DTSTART is itself an occurrence of the rule. Returns null for any other rule (the caller falls back to
 * ical.js), else whether the collector still accepts instances.
 */
function expandSimple(
  rule: ICAL.Recur,
  info: EventInfo,
  firstDay: number,
  lastDay: number,
  emit: (o: Occurrence) => boolean,
): boolean | null {
  const parts = Object.keys(rule.parts ?? {});
  if (rule.freq !== 'DAILY' && rule.freq !== 'WEEKLY') return null;
  if (parts.some((p) => p !== 'BYDAY') || (rule.freq === 'DAILY' && parts.length > 0)) return null;
  const interval = rule.interval || 1;
  const count = rule.count ?? Infinity;
  const start = info.start;
  const startDay = Math.floor(start.wall / DAY_MS);
  const timeOfDay = start.wall - startDay * DAY_MS;

  let untilKey = Infinity;
  if (rule.until) {
    if (rule.until.isDate !== start.isDate) return null; // ical.js compares such mixes in ways we do not mirror
    untilKey = start.isDate ? dayOf(rule.until) * DAY_MS : untilInstantOf(rule.until, start.zone);
  }
  const occurrenceAt = (day: number): Occurrence => ({ wall: day * DAY_MS + timeOfDay, zone: start.zone, isDate: start.isDate });
  // Past UNTIL: stop. Returns false from the walk when either UNTIL or the collector says so.
  let stopped = false;
  const visit = (day: number): boolean => {
    const o = occurrenceAt(day);
    if (keyOf(o) > untilKey) {
      stopped = true;
      return false;
    }
    return emit(o);
  };

  if (rule.freq === 'DAILY') {
    const from = Math.max(0, Math.ceil((firstDay - startDay) / interval));
    for (let k = from; k < count; k++) {
      const day = startDay + k * interval;
      if (day > lastDay) break;
      if (!visit(day)) return stopped;
    }
    return true;
  }

  // WEEKLY: weeks start on WKST; each period of `interval` weeks holds the BYDAY weekdays of its first week.
  const wkst = (rule.wkst ?? 2) - 1; // ical.js: 1 = Sunday
  const byday = (rule.parts.BYDAY as string[] | undefined) ?? [Object.keys(WEEKDAYS)[weekdayOfDay(startDay)]!];
  const offsets: number[] = [];
  for (const d of byday) {
    const wd = WEEKDAYS[String(d).toUpperCase()];
    if (wd === undefined) return null; // an ordinal such as 1MO
    offsets.push((wd - wkst + 7) % 7);
  }
  offsets.sort((a, b) => a - b);
  const uniqueOffsets = [...new Set(offsets)];
  const weekStart = startDay - ((weekdayOfDay(startDay) - wkst + 7) % 7);
  if (!uniqueOffsets.includes(startDay - weekStart)) return null; // DTSTART not on the rule: ical.js adds it specially
  const inFirstWeek = uniqueOffsets.filter((o) => weekStart + o >= startDay).length;
  const periodDays = 7 * interval;
  const fromPeriod = Math.max(0, Math.floor((firstDay - weekStart) / periodDays));
  let index = fromPeriod === 0 ? 0 : inFirstWeek + (fromPeriod - 1) * uniqueOffsets.length;
  for (let p = fromPeriod; ; p++) {
    const base = weekStart + p * periodDays;
    if (base > lastDay) return true;
    for (const off of uniqueOffsets) {
      const day = base + off;
      if (day < startDay) continue;
      if (index >= count) return true;
      index++;
      if (day > lastDay) return true;
      if (day < firstDay) continue;
      if (!visit(day)) return stopped;
    }
  }
}

/** Any other rule: ical.js's iterator from DTSTART, under the expansion budget (cut: what it found stays). */
function expandWithIcal(
  rule: ICAL.Recur,
  ev: ICAL.Component,
  info: EventInfo,
  zones: ZoneResolver,
  lastDay: number,
  out: Collector,
  emit: (o: Occurrence) => boolean,
): boolean {
  const dtstart = (ev.getFirstPropertyValue('dtstart') as ICAL.Time).clone();
  // Iterate in wall-clock terms: a floating copy, so ical.js never needs the zone.
  const floating = ICAL.Time.fromData({
    year: dtstart.year,
    month: dtstart.month,
    day: dtstart.day,
    hour: dtstart.hour,
    minute: dtstart.minute,
    second: dtstart.second,
    isDate: dtstart.isDate,
  });
  let untilRule = rule;
  let untilInstant = Infinity;
  if (rule.until && !rule.until.isDate && !info.start.isDate) {
    // Give ical.js an UNTIL in the same wall clock as DTSTART.
    untilInstant = untilInstantOf(rule.until, info.start.zone);
    untilRule = rule.clone();
    untilRule.until = null;
  }
  // A rule cut by its budget keeps what it emitted, as a rule that ends does.
  return out.budget.rule(() => iterate(untilRule, floating, info, lastDay, out, emit, untilInstant), () => true);
}

function iterate(
  rule: ICAL.Recur,
  dtstart: ICAL.Time,
  info: EventInfo,
  lastDay: number,
  out: Collector,
  emit: (o: Occurrence) => boolean,
  untilInstant: number,
): boolean {
  let iterator: ICAL.RecurIterator;
  try {
    iterator = rule.iterator(dtstart);
  } catch (error) {
    if (error instanceof BudgetExceeded) throw error;
    return true; // a rule ical.js cannot run: only DTSTART (emitted by nobody) is lost, as ical.js itself would
  }
  for (;;) {
    let next: ICAL.Time | null;
    try {
      next = iterator.next();
    } catch (error) {
      if (error instanceof BudgetExceeded) throw error;
      return true;
    }
    if (!next) return true;
    const o: Occurrence = { wall: wallOf(next), zone: info.start.zone, isDate: info.start.isDate };
    if (Math.floor(o.wall / DAY_MS) > lastDay) return true;
    if (!o.isDate && o.zone.toInstant(o.wall) > untilInstant) return true;
    if (!emit(o)) return false;
  }
}

/** Sorted, overlapping and touching spans joined. Sorts its argument in place. */
export function mergeSpans(spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ start: s.start, end: s.end });
  }
  return merged;
}

/** The busy spans of an iCalendar text within the window. Throws IcsError for text that is not iCalendar. */
export function icsBusy(text: string, opts: BusyOptions): BusyResult {
  const calendars = parseCalendars(text);
  const budget = opts.budget instanceof FeedBudget ? opts.budget : new FeedBudget(opts.budget);
  const runawayBefore = budget.runawayRules;
  const zones = new ZoneResolver(opts.hostTimeZone, timezonesOf(calendars), budget);
  const out = new Collector(opts.window, opts.maxInstances ?? MAX_INSTANCES, budget);
  const ownSuffix = opts.ownUidDomain ? `@${opts.ownUidDomain.toLowerCase()}` : null;

  // Group by UID: the master (no RECURRENCE-ID) and its overrides.
  const masters = new Map<string, ICAL.Component>();
  const overrides: ICAL.Component[] = [];
  for (const cal of calendars) {
    for (const ev of cal.getAllSubcomponents('vevent')) {
      const uid = String(ev.getFirstPropertyValue('uid') ?? '');
      if (ownSuffix && uid.toLowerCase().endsWith(ownSuffix)) continue;
      if (ev.hasProperty('recurrence-id')) overrides.push(ev);
      else if (uid === '' || !masters.has(uid)) masters.set(uid === '' ? `\u0000${masters.size}` : uid, ev);
    }
  }

  const overriddenByUid = new Map<string, Set<number>>();
  for (const ev of overrides) {
    const rid = ev.getFirstPropertyValue('recurrence-id') as ICAL.Time | null;
    const info = readEvent(ev, zones, opts);
    if (!rid || typeof rid !== 'object' || !('year' in rid) || !info) continue;
    const uid = info.uid;
    const key = keyOf(occurrenceOf(rid, zones));
    const master = masters.get(uid);
    // An override of an excluded occurrence does not exist (as in ical.js).
    if (master && exdatesOf(master, zones).has(key)) continue;
    let set = overriddenByUid.get(uid);
    if (!set) overriddenByUid.set(uid, (set = new Set()));
    set.add(key);
    // The override is an event of its own: it is busy where it now lies, whatever its master says.
    if (info.busy) {
      const span = spanOf(info.start, info.lengthMs);
      if (!out.add(span.start, span.end)) break;
    }
  }

  for (const [uid, ev] of masters) {
    if (out.capped) break;
    const info = readEvent(ev, zones, opts);
    if (!info) continue;
    expandSeries(ev, { info, exdates: exdatesOf(ev, zones), overridden: overriddenByUid.get(uid) ?? new Set() }, zones, out);
  }

  return {
    spans: mergeSpans(out.spans),
    instances: out.spans.length,
    capped: out.capped || budget.exhausted,
    runawayRules: budget.runawayRules - runawayBefore,
    budgetExhausted: budget.exhausted,
    unknownTimeZones: [...zones.unknown],
  };
}

function exdatesOf(ev: ICAL.Component, zones: ZoneResolver): Set<number> {
  const keys = new Set<number>();
  for (const prop of ev.getAllProperties('exdate')) {
    for (const value of prop.getValues() as ICAL.Time[]) {
      if (value && typeof value === 'object' && 'year' in value) keys.add(keyOf(occurrenceOf(value, zones)));
    }
  }
  return keys;
}
