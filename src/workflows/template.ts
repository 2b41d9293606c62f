// Reminder templates: `{variable}` placeholders in a host's plain text, checked when the workflow is saved and filled
// in when a step is sent. Pure: no I/O.
//
// A placeholder is `{` + lower-case letters, digits or `_` + `}`; any other brace is literal text. The HTML form
// escapes the template's own text and every value alike (a booker named `<script>` prints as text), and turns the
// URL variables into links.

/** The built-in variables. Booking-question answers are `{<question name>}` on top of these. */
export const TEMPLATE_VARIABLES = [
  'attendee_name',
  'host_name',
  'event_title',
  'start_local',
  'timezone',
  'location',
  'meeting_url',
  'booking_url',
  'reschedule_url',
  'cancel_url',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

const URL_VARIABLES: ReadonlySet<string> = new Set(['meeting_url', 'booking_url', 'reschedule_url', 'cancel_url']);

export const DEFAULT_REMINDER_SUBJECT = 'Reminder: {event_title} at {start_local}';
export const DEFAULT_REMINDER_BODY = `Hi,

this is a reminder of {event_title} with {attendee_name} and {host_name}.

When: {start_local} ({timezone})
Where: {location}

Booking: {booking_url}
Need to change it? Reschedule: {reschedule_url} or cancel: {cancel_url}`;

/** An SMS is short: what, when, and the way to change it. */
export const DEFAULT_SMS_BODY = 'Reminder: {event_title} with {host_name}, {start_local}. Reschedule: {reschedule_url}';

const PLACEHOLDER = /\{([a-z0-9_-]+)\}/g;

type Segment = { text: string } | { variable: string };

function segments(template: string): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (m.index > at) out.push({ text: template.slice(at, m.index) });
    out.push({ variable: m[1]! });
    at = m.index + m[0].length;
  }
  if (at < template.length) out.push({ text: template.slice(at) });
  return out;
}

/** The placeholders of `template` that name neither a built-in variable nor one of `questions`, in order, once each. */
export function unknownVariables(template: string, questions: readonly string[] = []): string[] {
  const known = new Set<string>([...TEMPLATE_VARIABLES, ...questions]);
  const unknown = new Set<string>();
  for (const s of segments(template)) if ('variable' in s && !known.has(s.variable)) unknown.add(s.variable);
  return [...unknown];
}

/** Values by variable name; a missing or empty value prints as an empty string. */
export type TemplateValues = Record<string, string | null | undefined>;

/** Control characters (bar newline and tab) never reach a message: a value typed by a booker could carry them. */
const stripControls = (s: string) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');

export function renderText(template: string, values: TemplateValues): string {
  return segments(template)
    .map((s) => ('text' in s ? s.text : stripControls(values[s.variable] ?? '')))
    .join('');
}

/** A subject line: one line, whatever the values hold. */
export function renderSubject(template: string, values: TemplateValues): string {
  return renderText(template, values).replace(/\s+/g, ' ').trim();
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The HTML body: everything escaped, line breaks kept, http(s) URL variables as links. */
export function renderHtml(template: string, values: TemplateValues): string {
  const inner = segments(template)
    .map((s) => {
      if ('text' in s) return escapeHtml(s.text);
      const value = stripControls(values[s.variable] ?? '');
      if (URL_VARIABLES.has(s.variable) && /^https?:\/\//.test(value)) return `<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>`;
      return escapeHtml(value);
    })
    .join('')
    .replace(/\r?\n/g, '<br>\n');
  return `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${inner}</body></html>`;
}

/**
 * `{start_local}`: the start in the reader's zone with their clock, e.g. "Monday, March 15, 2027, 9:00 AM EDT" or
 * "Monday, March 15, 2027, 09:00 EDT". The zone abbreviation is the one in force at that instant, so a meeting after
 * a DST change names the new one.
 */
export function formatStartLocal(startAt: number, timeZone: string, hourFormat: '12h' | '24h'): string {
  const date = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(startAt);
  const time = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: hourFormat === '12h' ? 'numeric' : '2-digit',
    minute: '2-digit',
    hourCycle: hourFormat === '12h' ? 'h12' : 'h23',
  }).format(startAt);
  const zone = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }).formatToParts(startAt).find((p) => p.type === 'timeZoneName')?.value ?? '';
  return `${date}, ${time} ${zone}`.trim();
}
