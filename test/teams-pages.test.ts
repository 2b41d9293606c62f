// The public booking pages of a team (/team/{slug}, /team/{slug}/{event-slug}): the personal pages' booker, form (with
// its hold), booking page and reschedule, on the team's slots; no JavaScript needed.
import { describe, expect, it } from 'vitest';
import { api, book, freshIp, page, upcomingDate } from './helpers';
import { hostsOfBooking, makeTeam, teamEventType } from './teams-helpers';

const MONDAY = upcomingDate(1, 8);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;
const FORM = { name: 'Ada Lovelace', email: 'ada@example.com', tz: 'UTC', fmt: '24h' };
const holdUidIn = (html: string) => html.match(/name="reservation_uid" value="([A-Za-z0-9_-]+)"/)?.[1];

async function collectiveTeam() {
  const team = await makeTeam([{}, {}]);
  const [a, b] = team.members as [any, any];
  const et = await teamEventType(team.id, team.owner.token, {
    title: 'Joint Demo',
    scheduling_type: 'collective',
    hosts: [{ user_id: a.user.id }, { user_id: b.user.id }],
  });
  return { team, a, b, et, booker: `/team/${team.slug}/${et.slug}` };
}

describe('team page /team/{slug}', () => {
  it('lists the team\'s active event types, linking to their bookers; an unknown team is a 404 page', async () => {
    const { team, et } = await collectiveTeam();
    const res = await page(`/team/${team.slug}`);
    expect(res.status).toBe(200);
    expect(res.html).toContain('<h1>Team Rocket</h1>');
    expect(res.html).toContain(`href="/team/${team.slug}/${et.slug}"`);
    expect(res.html).toContain('Joint Demo');
    const missing = await page('/team/no-such-team-here');
    expect(missing.status).toBe(404);
    expect(missing.html).toContain('There is no team to book at this address.');
  });
});

describe('team booker /team/{slug}/{event-slug}', () => {
  it('shows the month with the team\'s free days and the chosen day\'s times, without JavaScript', async () => {
    const { a, et, booker } = await collectiveTeam();
    // Host a is busy at 10:00: the collective does not offer it.
    const personal = await api('POST', '/v2/event-types', { token: a.token, body: { title: 'Own', slug: 'own', duration_minutes: 30 } });
    expect((await book(personal.json.id, at('10:00'))).status).toBe(201);
    const res = await page(`${booker}?month=${MONDAY.slice(0, 7)}&date=${MONDAY}&tz=UTC&fmt=24h`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.html).toContain('Team Rocket');
    expect(res.html).toContain('<h1>Joint Demo</h1>');
    expect(res.html).toContain('Times in <strong id="zone-name">UTC</strong>');
    expect(res.html).toContain(`<form method="get" action="${booker}">`);
    expect(res.html).toContain(`aria-current="date"`);
    const times = [...res.html.matchAll(new RegExp(`href="${booker}/book\\?start=${MONDAY}T(\\d\\d)%3A(\\d\\d)`, 'g'))].map((m) => `${m[1]}:${m[2]}`);
    expect(times).toContain('09:30');
    expect(times).not.toContain('10:00');
    expect(times).toContain('10:30');
    expect(et.id).toBeGreaterThan(0);
    expect((await page(`/team/${'x'.repeat(5)}/nothing`)).status).toBe(404);
  });
});

describe('team booking form', () => {
  it('holds every host while open; posting books the team event type with the right hosts and lands on the booking page', async () => {
    const { a, b, et, booker } = await collectiveTeam();
    const form = await page(`${booker}/book?start=${at('11:00')}&tz=UTC&fmt=24h`, { headers: { 'cf-connecting-ip': freshIp() } });
    expect(form.status).toBe(200);
    expect(form.html).toContain('We are holding this time for you');
    const uid = holdUidIn(form.html)!;
    expect(uid).toBeDefined();
    expect(form.headers.get('set-cookie')).toContain(`Path=${booker}/book`);
    // Held for both hosts: someone else cannot book it through the API.
    expect((await book(et.id, at('11:00'))).status).toBe(409);

    const posted = await page(`${booker}/book?start=${at('11:00')}`, { form: { ...FORM, key: `key-${crypto.randomUUID()}`, reservation_uid: uid } });
    expect(posted.status).toBe(303);
    const location = posted.headers.get('location')!;
    expect(location).toMatch(/^\/booking\/[A-Za-z0-9_-]+\?/);
    const bookingUid = location.split('/')[2]!.split('?')[0]!;
    const booking = await api('GET', `/v2/bookings/${bookingUid}`);
    expect(booking.json).toMatchObject({ event_type_id: et.id, start: `${MONDAY}T11:00:00.000Z`, attendee: { name: 'Ada Lovelace', email: 'ada@example.com' } });
    expect(await hostsOfBooking(bookingUid)).toEqual([a.user.id, b.user.id].sort((x, y) => x - y));
    expect((await api('GET', `/v2/slots/reservations/${uid}`)).status).toBe(404);
    const shown = await page(location);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain('Joint Demo');
  });

  it('a round robin books the host the assignment picks; a taken time re-renders the day (409)', async () => {
    const team = await makeTeam([{}, {}]);
    const [first, second] = team.members as [any, any];
    const et = await teamEventType(team.id, team.owner.token, {
      scheduling_type: 'round_robin',
      hosts: [{ user_id: first.user.id, priority: 4 }, { user_id: second.user.id, priority: 0 }],
    });
    const booker = `/team/${team.slug}/${et.slug}`;
    const posted = await page(`${booker}/book?start=${at('09:00')}`, { form: { ...FORM, key: `key-${crypto.randomUUID()}` } });
    expect(posted.status).toBe(303);
    const uid = posted.headers.get('location')!.split('/')[2]!.split('?')[0]!;
    expect((await api('GET', `/v2/bookings/${uid}`)).json.host_id).toBe(first.user.id);
    // Both hosts taken at 09:30: the form answers with the day again.
    expect((await book(et.id, at('09:30'))).status).toBe(201);
    expect((await book(et.id, at('09:30'))).status).toBe(201);
    const taken = await page(`${booker}/book?start=${at('09:30')}&tz=UTC&fmt=24h`);
    expect(taken.status).toBe(409);
    expect(taken.html).toContain('That time was just taken');
  });
});

describe('team booking reschedule page', () => {
  it('offers the team\'s times and moves the booking through the team reschedule', async () => {
    const { a, b, et } = await collectiveTeam();
    const booked = await book(et.id, at('09:00'));
    expect(booked.status).toBe(201);
    const uid = booked.json.uid as string;
    const booker = await page(`/reschedule/${uid}?month=${MONDAY.slice(0, 7)}&date=${MONDAY}&tz=UTC&fmt=24h`);
    expect(booker.status).toBe(200);
    expect(booker.html).toContain(`href="/reschedule/${uid}?start=${MONDAY}T13%3A00`);
    const confirm = await page(`/reschedule/${uid}?start=${at('13:00')}&tz=UTC&fmt=24h`);
    expect(confirm.status).toBe(200);
    const moved = await page(`/reschedule/${uid}`, { form: { start: at('13:00'), tz: 'UTC', fmt: '24h', reason: '' } });
    expect(moved.status).toBe(303);
    expect((await api('GET', `/v2/bookings/${uid}`)).json.start).toBe(`${MONDAY}T13:00:00.000Z`);
    expect(await hostsOfBooking(uid)).toEqual([a.user.id, b.user.id].sort((x, y) => x - y));
  });
});
