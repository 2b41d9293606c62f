// "Add to calendar" links for a booking: Google Calendar's event template, Outlook.com and Office 365 compose links.
// Pure. (The .ics download is src/bookings/ics.ts.)
export interface CalendarEvent {
  title: string;
  details: string;
  location: string | null;
  start: number;
  end: number;
}

const compact = (t: number) => new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const isoSeconds = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function googleCalendarUrl(e: CalendarEvent): string {
  const q = new URLSearchParams({ action: 'TEMPLATE', text: e.title, dates: `${compact(e.start)}/${compact(e.end)}`, details: e.details });
  if (e.location) q.set('location', e.location);
  return `https://calendar.google.com/calendar/render?${q}`;
}

function outlookUrl(host: string, e: CalendarEvent): string {
  const q = new URLSearchParams({ path: '/calendar/action/compose', rru: 'addevent', subject: e.title, startdt: isoSeconds(e.start), enddt: isoSeconds(e.end), body: e.details });
  if (e.location) q.set('location', e.location);
  return `https://${host}/calendar/0/deeplink/compose?${q}`;
}

export const outlookLiveUrl = (e: CalendarEvent) => outlookUrl('outlook.live.com', e);
export const office365Url = (e: CalendarEvent) => outlookUrl('outlook.office.com', e);
