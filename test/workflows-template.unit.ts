// The reminder template module (src/workflows/template.ts): pure, no Worker needed.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REMINDER_BODY,
  DEFAULT_REMINDER_SUBJECT,
  formatStartLocal,
  renderHtml,
  renderSubject,
  renderText,
  TEMPLATE_VARIABLES,
  unknownVariables,
} from '../src/workflows/template';

const ALL = Object.fromEntries(TEMPLATE_VARIABLES.map((v) => [v, `<${v}>`]));

describe('reminder templates', () => {
  it('knows every built-in variable and the event type’s question names; anything else is unknown', () => {
    const every = TEMPLATE_VARIABLES.map((v) => `{${v}}`).join(' ');
    expect(unknownVariables(every)).toEqual([]);
    expect(unknownVariables('{company} at {start_local}', ['company'])).toEqual([]);
    expect(unknownVariables('Hi {attendee} and {nope} and {nope}')).toEqual(['attendee', 'nope']);
    // Other braces are plain text.
    expect(unknownVariables('{ not a variable } {Upper} {}')).toEqual([]);
    expect(unknownVariables(DEFAULT_REMINDER_SUBJECT)).toEqual([]);
    expect(unknownVariables(DEFAULT_REMINDER_BODY)).toEqual([]);
  });

  it('fills in every variable in text; a missing value is empty', () => {
    const every = TEMPLATE_VARIABLES.map((v) => `${v}={${v}}`).join('\n');
    const text = renderText(every, ALL);
    for (const v of TEMPLATE_VARIABLES) expect(text).toContain(`${v}=<${v}>`);
    expect(renderText('a{company}b', {})).toBe('ab');
  });

  it('escapes the template and every value in HTML: an attendee named <script> is text, links are links', () => {
    const html = renderHtml('Hi {attendee_name} & <b>{host_name}</b>\n{booking_url}\n{meeting_url}', {
      attendee_name: '<script>alert(1)</script>',
      host_name: '"Ann" O\'Brien',
      booking_url: 'https://cal.example.com/booking/abc?x=1&y=2',
      meeting_url: 'javascript:alert(1)',
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('Hi &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;&quot;Ann&quot; O&#39;Brien&lt;/b&gt;<br>');
    expect(html).toContain('<a href="https://cal.example.com/booking/abc?x=1&amp;y=2">https://cal.example.com/booking/abc?x=1&amp;y=2</a>');
    // Only http(s) becomes a link.
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('javascript:alert(1)');
  });

  it('strips control characters from values and keeps a subject on one line', () => {
    expect(renderText('{attendee_name}', { attendee_name: 'A\u0000B\u001bC' })).toBe('ABC');
    expect(renderSubject('Hi {attendee_name}', { attendee_name: 'Jane\nBcc: x@example.com' })).toBe('Hi Jane Bcc: x@example.com');
  });

  it('prints the start in the reader’s zone with their clock and the abbreviation in force then', () => {
    const winter = Date.UTC(2027, 2, 12, 14, 0); // before the US DST change of 2027-03-14
    const summer = Date.UTC(2027, 2, 15, 14, 0);
    expect(formatStartLocal(winter, 'America/New_York', '12h')).toBe('Friday, March 12, 2027, 9:00 AM EST');
    expect(formatStartLocal(summer, 'America/New_York', '12h')).toBe('Monday, March 15, 2027, 10:00 AM EDT');
    expect(formatStartLocal(summer, 'America/New_York', '24h')).toBe('Monday, March 15, 2027, 10:00 EDT');
    expect(formatStartLocal(Date.UTC(2027, 2, 15, 0, 5), 'UTC', '24h')).toBe('Monday, March 15, 2027, 00:05 UTC');
    expect(formatStartLocal(Date.UTC(2027, 2, 15, 0, 5), 'UTC', '12h')).toBe('Monday, March 15, 2027, 12:05 AM UTC');
  });
});
