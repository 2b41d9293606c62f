// CalDAV: the free-busy REPORT, the calendar-query fallback, and the API for kind "caldav". (Against a real server,
// Radicale: test/e2e/calendars.e2e.test.ts.)
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { caldavBusy, calendarDataOf, freeBusySpans } from '../src/calendars/caldav';
import { decryptSecret } from '../src/calendars/secrets';
import { syncConnection } from '../src/calendars/sync';
import { api, expectError, makeUser } from './helpers';
import { busyRows, settleSyncs } from './calendars-helpers';

afterEach(async () => {
  await settleSyncs();
  vi.restoreAllMocks();
});

const COLLECTION = 'https://dav.example.com/calendars/host/work/';
const WINDOW = { start: Date.UTC(2026, 11, 1), end: Date.UTC(2026, 11, 31) };
const OPTS = { hostTimeZone: 'UTC', window: WINDOW, includeTransparent: false, ownUidDomain: 'calflare.example.com' };

const FREE_BUSY = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//server//EN', 'BEGIN:VFREEBUSY', 'DTSTAMP:20261130T000000Z',
  'DTSTART:20261201T000000Z', 'DTEND:20261231T000000Z',
  'FREEBUSY;FBTYPE=BUSY:20261202T100000Z/20261202T110000Z,20261203T090000Z/PT30M',
  'FREEBUSY;FBTYPE=BUSY-TENTATIVE:20261204T150000Z/20261204T160000Z',
  'FREEBUSY;FBTYPE=FREE:20261205T100000Z/20261205T110000Z',
  'FREEBUSY:20261130T230000Z/20261201T010000Z',
  'END:VFREEBUSY', 'END:VCALENDAR', '',
].join('\r\n');

const event = (uid: string, start: string, end: string, extra: string[] = []) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//server//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261130T000000Z', `DTSTART:${start}`, `DTEND:${end}`, ...extra, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

// Namespace prefixes chosen by the server, not by us: a real XML parser matches namespaces, not spellings.
const MULTISTATUS = `<?xml version="1.0" encoding="utf-8"?>
<multistatus xmlns="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav">
  <response><href>/calendars/host/work/a.ics</href>
    <propstat><prop><cal:calendar-data>${event('a@example.com', '20261202T100000Z', '20261202T110000Z')}</cal:calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat>
  </response>
  <response><href>/calendars/host/work/b.ics</href>
    <propstat><prop><cal:calendar-data><![CDATA[${event('b@example.com', '20261203T100000Z', '20261203T110000Z', ['TRANSP:TRANSPARENT'])}]]></cal:calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat>
  </response>
  <response><href>/calendars/host/work/own.ics</href>
    <propstat><prop><cal:calendar-data>${event('bk_1@calflare.example.com', '20261204T100000Z', '20261204T110000Z')}</cal:calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat>
  </response>
  <response><href>/calendars/host/work/gone.ics</href>
    <propstat><prop><cal:calendar-data/></prop><status>HTTP/1.1 404 Not Found</status></propstat>
  </response>
</multistatus>`;

type Answer = { status: number; body: string; type?: string };
function server(answers: (body: string, headers: Headers) => Answer) {
  const seen: { method: string; body: string; headers: Headers }[] = [];
  const fetcher = async (input: string, init: RequestInit) => {
    const headers = new Headers(init.headers);
    const body = String(init.body ?? '');
    seen.push({ method: String(init.method), body, headers });
    const a = answers(body, headers);
    return new Response(a.body, { status: a.status, headers: { 'content-type': a.type ?? 'text/calendar' } });
  };
  return { fetcher, seen };
}

describe('CalDAV client', () => {
  it('uses the free-busy REPORT where the server has it, with Basic auth and Depth 1', async () => {
    const { fetcher, seen } = server(() => ({ status: 200, body: FREE_BUSY }));
    const result = await caldavBusy({ url: COLLECTION, username: 'host', password: 'pässword' }, OPTS, { allowPrivate: false, fetcher });
    expect(result.method).toBe('free-busy');
    expect(result.spans).toEqual([
      { start: WINDOW.start, end: Date.UTC(2026, 11, 1, 1) },
      { start: Date.UTC(2026, 11, 2, 10), end: Date.UTC(2026, 11, 2, 11) },
      { start: Date.UTC(2026, 11, 3, 9), end: Date.UTC(2026, 11, 3, 9, 30) },
      { start: Date.UTC(2026, 11, 4, 15), end: Date.UTC(2026, 11, 4, 16) },
    ]);
    expect(seen[0]!.method).toBe('REPORT');
    expect(seen[0]!.headers.get('depth')).toBe('1');
    expect(seen[0]!.body).toContain('free-busy-query');
    expect(seen[0]!.body).toContain('start="20261201T000000Z" end="20261231T000000Z"');
    const decoded = new TextDecoder().decode(Uint8Array.from(atob(seen[0]!.headers.get('authorization')!.slice(6)), (c) => c.charCodeAt(0)));
    expect(decoded).toBe('host:pässword');
  });

  it('falls back to a time-range calendar-query and expands the events itself', async () => {
    const { fetcher, seen } = server((body) =>
      body.includes('free-busy-query') ? { status: 403, body: 'not supported', type: 'text/plain' } : { status: 207, body: MULTISTATUS, type: 'application/xml' },
    );
    const result = await caldavBusy({ url: COLLECTION, username: 'u', password: 'p' }, OPTS, { allowPrivate: false, fetcher });
    expect(result.method).toBe('calendar-query');
    // The transparent event and our own invite are skipped; the 404 resource is ignored.
    expect(result.spans).toEqual([{ start: Date.UTC(2026, 11, 2, 10), end: Date.UTC(2026, 11, 2, 11) }]);
    expect(seen[1]!.body).toContain('<C:time-range start="20261201T000000Z" end="20261231T000000Z"/>');
  });

  it('falls back to the calendar-query when the server drops the connection on the free-busy REPORT (Radicale 3.1)', async () => {
    const answered = server(() => ({ status: 207, body: MULTISTATUS, type: 'application/xml' }));
    const fetcher = async (input: string, init: RequestInit) => {
      if (String(init.body).includes('free-busy-query')) throw new Error('Network connection lost.');
      return answered.fetcher(input, init);
    };
    const result = await caldavBusy({ url: COLLECTION, username: 'u', password: 'p' }, OPTS, { allowPrivate: false, fetcher });
    expect(result.method).toBe('calendar-query');
    expect(result.spans).toEqual([{ start: Date.UTC(2026, 11, 2, 10), end: Date.UTC(2026, 11, 2, 11) }]);
    // The first calendar-query may go out on the socket the server dropped: it is tried once more.
    let dropped = 0;
    const flaky = async (input: string, init: RequestInit) => {
      if (String(init.body).includes('free-busy-query') || dropped++ === 0) throw new Error('Network connection lost.');
      return answered.fetcher(input, init);
    };
    const retried = await caldavBusy({ url: COLLECTION, username: 'u', password: 'p' }, OPTS, { allowPrivate: false, fetcher: flaky });
    expect(retried.spans).toEqual(result.spans);
    expect(dropped).toBe(2);
    // A server that is really down still says so, from the calendar-query.
    const down = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    await expect(caldavBusy({ url: COLLECTION, username: 'u', password: 'p' }, OPTS, { allowPrivate: false, fetcher: down })).rejects.toThrow(
      /could not be reached/,
    );
  });

  it('asks for the events directly when free events must count (a free-busy answer cannot say which were free)', async () => {
    const { fetcher, seen } = server(() => ({ status: 207, body: MULTISTATUS, type: 'application/xml' }));
    const result = await caldavBusy({ url: COLLECTION, username: 'u', password: 'p' }, { ...OPTS, includeTransparent: true }, { allowPrivate: false, fetcher });
    expect(seen).toHaveLength(1);
    expect(result.spans).toHaveLength(2);
  });

  it('follows a redirect on the same origin with the credentials, and never sends them to another origin', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const redirecting = (location: string) => async (input: string, init: RequestInit) => {
      seen.push({ url: input, auth: new Headers(init.headers).get('authorization') });
      if (input === COLLECTION) return new Response(null, { status: 301, headers: { location } });
      return new Response(FREE_BUSY, { status: 200, headers: { 'content-type': 'text/calendar' } });
    };
    const target = { url: COLLECTION, username: 'u', password: 'p' };
    const moved = await caldavBusy(target, OPTS, { allowPrivate: false, fetcher: redirecting('/calendars/host/moved/') });
    expect(moved.method).toBe('free-busy');
    expect(seen.map((r) => [r.url, r.auth !== null])).toEqual([[COLLECTION, true], ['https://dav.example.com/calendars/host/moved/', true]]);

    for (const elsewhere of ['https://attacker.example.net/collect', 'http://dav.example.com/calendars/host/work/', 'https://dav.example.com:8443/cal/']) {
      seen.length = 0;
      await expect(caldavBusy(target, OPTS, { allowPrivate: false, fetcher: redirecting(elsewhere) })).rejects.toThrow(
        'The CalDAV server redirected to another site; credentials are only sent to the address given',
      );
      expect(seen.filter((r) => r.url !== COLLECTION)).toEqual([]);
    }
  });

  it('a resource with a rule that never yields is cut by the budget; the other resources still block time', async () => {
    const feb30 = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//server//EN', 'BEGIN:VEVENT', 'UID:feb30@example.com', 'DTSTAMP:20261130T000000Z',
      'DTSTART:20261101T100000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const answer = MULTISTATUS.replace('<response><href>/calendars/host/work/gone.ics</href>',
      `<response><href>/calendars/host/work/feb30.ics</href><propstat><prop><cal:calendar-data>${feb30}</cal:calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat></response>
  <response><href>/calendars/host/work/gone.ics</href>`);
    const { fetcher } = server((body) => (body.includes('free-busy-query') ? { status: 501, body: '' } : { status: 207, body: answer, type: 'application/xml' }));
    const result = await caldavBusy({ url: COLLECTION, username: 'u', password: 'p' }, { ...OPTS, budget: { ruleSteps: 5_000 } }, { allowPrivate: false, fetcher });
    expect(result.runawayRules).toBe(1);
    expect(result.spans).toEqual([{ start: Date.UTC(2026, 11, 2, 10), end: Date.UTC(2026, 11, 2, 11) }]);
  });

  it('reports refused credentials, missing calendars and unreadable XML in words', async () => {
    const target = { url: COLLECTION, username: 'u', password: 'p' };
    await expect(caldavBusy(target, OPTS, { allowPrivate: false, fetcher: server(() => ({ status: 401, body: '' })).fetcher })).rejects.toThrow(/refused the username or password/);
    await expect(
      caldavBusy(target, OPTS, { allowPrivate: false, fetcher: server((b) => (b.includes('free-busy') ? { status: 405, body: '' } : { status: 404, body: '' })).fetcher }),
    ).rejects.toThrow(/no calendar at this address/);
    expect(() => calendarDataOf('<multistatus xmlns="DAV:"><response>')).toThrow(/^The CalDAV server's answer is not valid XML$/);
    expect(() => freeBusySpans('BEGIN:VCALENDAR\r\nSECRET-LINE\r\n', WINDOW)).toThrow(/^The CalDAV server's free-busy answer could not be read$/);
  });

  it('free-busy periods are clipped to the window and FREE is not busy', () => {
    expect(freeBusySpans(FREE_BUSY, { start: Date.UTC(2026, 11, 2, 10, 30), end: Date.UTC(2026, 11, 3) })).toEqual([
      { start: Date.UTC(2026, 11, 2, 10, 30), end: Date.UTC(2026, 11, 2, 11) },
    ]);
  });
});

describe('/v2/calendars with kind caldav', () => {
  const create = (token: string, body: Record<string, unknown> = {}) =>
    api('POST', '/v2/calendars', { token, body: { kind: 'caldav', url: 'https://dav.example.com', calendar_path: '/calendars/host/work/', username: 'host', password: 'hunter2-secret', enabled: false, ...body } });

  it('stores the collection URL and credentials encrypted, and never answers them', async () => {
    const { token } = await makeUser();
    const res = await create(token);
    expect(res.status).toBe(201);
    // Created without a name: listed by its server's host, not as null; a given name is kept.
    expect(res.json).toMatchObject({ kind: 'caldav', url: 'https://dav.example.com/…', name: 'dav.example.com' });
    expect((await create(token, { name: 'Work' })).json.name).toBe('Work');
    expect(JSON.stringify(res.json)).not.toMatch(/hunter2|calendars\/host/);
    const row = await env.DB.prepare('SELECT * FROM calendar_connections WHERE id = ?').bind(res.json.id).first<Record<string, unknown>>();
    expect(JSON.stringify(row)).not.toMatch(/hunter2|calendars\/host/);
    expect(await decryptSecret(env, String(row!.secret))).toEqual({ url: COLLECTION, username: 'host', password: 'hunter2-secret' });
  });

  it('a new password keeps the address; credentials on an ICS calendar are refused', async () => {
    const { token } = await makeUser();
    const { json } = await create(token);
    expect((await api('PATCH', `/v2/calendars/${json.id}`, { token, body: { password: 'new-password-1' } })).status).toBe(200);
    const row = await env.DB.prepare('SELECT secret FROM calendar_connections WHERE id = ?').bind(json.id).first<{ secret: string }>();
    expect(await decryptSecret(env, row!.secret)).toEqual({ url: COLLECTION, username: 'host', password: 'new-password-1' });
    const ics = await api('POST', '/v2/calendars', { token, body: { kind: 'ics', url: 'https://example.com/a.ics', enabled: false } });
    expectError(await api('PATCH', `/v2/calendars/${ics.json.id}`, { token, body: { password: 'x' } }), 400, 'validation_failed');
  });

  it('needs username and password, and a public server', async () => {
    const { token } = await makeUser();
    expectError(await create(token, { password: undefined }), 400, 'validation_failed');
    expectError(await create(token, { url: 'https://192.168.0.10' }), 400, 'validation_failed');
    expectError(await api('POST', '/v2/calendars', { token, body: { kind: 'ics', url: 'https://example.com/a.ics', username: 'u' } }), 400, 'validation_failed');
  });

  it('a sync stores the busy time the server reports', async () => {
    const { token } = await makeUser();
    const { json } = await create(token);
    await env.DB.prepare('UPDATE calendar_connections SET enabled = 1 WHERE id = ?').bind(json.id).run();
    const now = Date.now();
    const start = now + 3 * 86_400_000;
    const stamp = (t: number) => new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const body = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VFREEBUSY', `FREEBUSY:${stamp(start)}/${stamp(start + 3_600_000)}`, 'END:VFREEBUSY', 'END:VCALENDAR', ''].join('\r\n');
    const { fetcher, seen } = server(() => ({ status: 200, body }));
    expect(await syncConnection(env, json.id, now, { fetcher })).toBe('synced');
    expect(seen[0]!.method).toBe('REPORT');
    expect(await busyRows(json.id)).toEqual([{ start_at: Math.floor(start / 1000) * 1000, end_at: Math.floor(start / 1000) * 1000 + 3_600_000 }]);
  });
});
