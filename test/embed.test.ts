// The embed (issue #31, docs/DESIGN.md "Embed"): /embed.js, `embed_origins` through the API, `?embed=1` pages framed
// only by the host's listed origins (everything else keeps refusing frames), the events posted only to those
// origins, prefill by URL and UTM parameters stored in the booking's metadata. The browser side is in
// test/e2e/booking-pages.e2e.test.ts.
import { describe, expect, it } from 'vitest';
import { api, dbRow, makeUser, page, publicHost, upcomingDate } from './helpers';
import { makeTeam, teamEventType } from './teams-helpers';
import { EMBED_JS } from '../src/embed/script';
import { embedPageScript } from '../src/embed/protocol';

const SHOP = 'https://shop.example.com';
const DEV = 'http://127.0.0.1:8788';
const START = () => `${upcomingDate(3)}T10:00:00Z`;
const FORM_START = () => `${upcomingDate(3)}T11:00:00Z`;

async function embeddingHost(origins: string[] = [SHOP, DEV], eventType: Record<string, unknown> = {}) {
  const host = await publicHost({ eventType });
  const res = await api('PATCH', '/v2/me', { token: host.token, body: { embed_origins: origins } });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return host;
}

const csp = (res: { headers: Headers }) => res.headers.get('content-security-policy') ?? '';
const frameAncestorsOf = (res: { headers: Headers }) => /frame-ancestors ([^;]*)/.exec(csp(res))?.[1];

describe('embed origins through the API', () => {
  it('a user lists origins (normalised, duplicates dropped); paths, wildcards, other schemes and more than 10 are refused', async () => {
    const user = await makeUser();
    expect((await api('GET', '/v2/me', { token: user.token })).json).toMatchObject({ embed_origins: [], logo_url: null });
    const res = await api('PATCH', '/v2/me', { token: user.token, body: { embed_origins: ['https://Shop.Example.com', 'https://shop.example.com/', DEV] } });
    expect(res.status).toBe(200);
    expect(res.json.embed_origins).toEqual([SHOP, DEV]);
    const tooMany = Array.from({ length: 11 }, (_, i) => `https://s${i}.example.com`);
    for (const bad of [['https://shop.example.com/book'], ['https://*.example.com'], ['javascript:alert(1)'], ['ftp://x.example.com'], ['shop.example.com'], ["'self'"], tooMany]) {
      const refused = await api('PATCH', '/v2/me', { token: user.token, body: { embed_origins: bad } });
      expect(refused.status, JSON.stringify(bad)).toBe(400);
    }
  });

  it("a team's owner lists its origins and they frame the team's embedded booker", async () => {
    const team = await makeTeam([{}]);
    const owner = team.owner;
    const res = await api('PATCH', `/v2/teams/${team.id}`, { token: owner.token, body: { embed_origins: [SHOP] } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.embed_origins).toEqual([SHOP]);
    const et = await teamEventType(team.id, owner.token, { scheduling_type: 'round_robin', assign_all_team_members: true });
    const booker = await page(`/team/${team.slug}/${et.slug}?embed=1&tz=UTC`);
    expect(booker.status).toBe(200);
    expect(frameAncestorsOf(booker)).toBe(SHOP);
  });
});

describe('?embed=1 pages', () => {
  it('are framed only by the listed origins; without embed=1 or without origins every page still refuses frames', async () => {
    const host = await embeddingHost();
    const embedded = await page(`${host.booker}?embed=1&tz=UTC&fmt=24h`);
    expect(embedded.status).toBe(200);
    expect(frameAncestorsOf(embedded)).toBe(`${SHOP} ${DEV}`);
    expect(embedded.headers.get('x-frame-options')).toBeNull();
    // Every other directive is the strict page policy.
    expect(csp(embedded)).toContain("default-src 'none'");
    const plain = await page(`${host.booker}?tz=UTC`);
    expect(frameAncestorsOf(plain)).toBe("'none'");
    expect(plain.headers.get('x-frame-options')).toBe('DENY');
    const other = await publicHost();
    const notListed = await page(`${other.booker}?embed=1&tz=UTC`);
    expect(frameAncestorsOf(notListed)).toBe("'none'");
    expect(notListed.headers.get('x-frame-options')).toBe('DENY');
    // An embed page of a host with no origins posts nowhere.
    expect(notListed.html).toContain('var O=[]');
  });

  it('drop the language links, keep embed=1 and the prefill in every link and form, and post the chosen day to the listed origins only', async () => {
    const host = await embeddingHost();
    const day = upcomingDate(3);
    const res = await page(`${host.booker}?embed=1&tz=UTC&fmt=24h&date=${day}&name=Ada&utm_source=newsletter`);
    expect(res.html).toContain('class="public embed"');
    expect(res.html).not.toContain('hreflang=');
    const times = [...res.html.matchAll(/href="([^"]*\/book\?[^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(times.length).toBeGreaterThan(0);
    for (const href of times) expect(new URL(href, 'http://x').searchParams.get('embed')).toBe('1');
    expect(new URL(times[0]!, 'http://x').searchParams.get('name')).toBe('Ada');
    expect(new URL(times[0]!, 'http://x').searchParams.get('utm_source')).toBe('newsletter');
    expect(res.html).toMatch(/<input type="hidden" name="embed" value="1"/);
    expect(res.html).toContain(`var O=${JSON.stringify([SHOP, DEV])}`);
    expect(res.html).toContain(`{"type":"calflare:date_selected","data":{"date":"${day}"}}`);
    expect(res.html).toContain('calflare:page_height');
  });

  it('a form prefilled by URL (name, email, answers by question name) books with the UTM values in metadata and tells the parent once', async () => {
    const host = await embeddingHost([SHOP], { booking_fields: [{ name: 'company', type: 'text', label: 'Company', required: false }] });
    const form = await page(`${host.booker}/book?start=${FORM_START()}&embed=1&tz=UTC&fmt=24h&name=Ada%20Lovelace&email=ada%40example.com&company=Analytical&utm_source=newsletter&utm_campaign=winter`);
    expect(form.status).toBe(200);
    expect(form.html).toContain('value="Ada Lovelace"');
    expect(form.html).toContain('value="ada@example.com"');
    expect(form.html).toContain('value="Analytical"');
    const action = /<form method="post" action="([^"]+)"/.exec(form.html)![1]!.replace(/&amp;/g, '&');
    const q = new URL(action, 'http://x').searchParams;
    expect([q.get('embed'), q.get('utm_source'), q.get('utm_campaign'), q.get('name')]).toEqual(['1', 'newsletter', 'winter', null]);

    const booked = await page(`${host.booker}/book?start=${START()}&embed=1&utm_source=newsletter&utm_campaign=winter&utm_medium=${'x'.repeat(600)}`, {
      form: { key: 'embed-1', name: 'Ada Lovelace', email: 'ada@example.com', tz: 'UTC', fmt: '24h' },
    });
    expect(booked.status).toBe(303);
    const location = booked.headers.get('location')!;
    expect(location).toMatch(/[?&]embed=1&booked=1$/);
    const uid = /\/booking\/([^?]+)/.exec(location)![1]!;
    const row = await dbRow<{ metadata: string }>('SELECT metadata FROM bookings WHERE uid = ?', uid);
    // An over-long value is dropped, the others kept.
    expect(JSON.parse(row!.metadata)).toEqual({ utm_source: 'newsletter', utm_campaign: 'winter' });
    const shown = await page(location);
    expect(frameAncestorsOf(shown)).toBe(SHOP);
    expect(shown.html).toContain(`{"type":"calflare:booking_successful","data":{"uid":"${uid}","start":"${START()}"`);
    // A reload without booked=1 (or the page outside the embed) announces nothing.
    const again = await page(location.replace('&booked=1', ''));
    expect(again.html).not.toContain('booking_successful');
    expect(again.html).toMatch(/href="\/reschedule\/[^"]*embed=1/);
  });
});

describe('reschedule and cancel inside the embed', () => {
  const unescape = (href: string) => href.replace(/&amp;/g, '&');

  it('keep embed=1 through the reschedule booker, its confirm form and redirect, and announce calflare:booking_rescheduled once with the new times', async () => {
    const host = await embeddingHost([SHOP]);
    const made = await api('POST', '/v2/bookings', { body: { event_type_id: host.eventType.id, start: START(), attendee: { name: 'Ada', email: 'ada-rs@example.com', timezone: 'UTC' } } });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    const uid = made.json.uid as string;
    const booker = await page(`/reschedule/${uid}?embed=1&tz=UTC&fmt=24h&date=${upcomingDate(4)}`);
    expect(booker.status).toBe(200);
    expect(frameAncestorsOf(booker)).toBe(SHOP);
    const times = [...booker.html.matchAll(/href="(\/reschedule\/[^"]*start=[^"]*)"/g)].map((m) => unescape(m[1]!));
    expect(times.length).toBeGreaterThan(0);
    for (const href of times) expect(new URL(href, 'http://x').searchParams.get('embed'), href).toBe('1');
    const confirm = await page(times[0]!);
    expect(confirm.status).toBe(200);
    const action = unescape(/<form method="post" action="([^"]+)"[^>]*id="reschedule-form"/.exec(confirm.html)![1]!);
    expect(new URL(action, 'http://x').searchParams.get('embed')).toBe('1');
    const newStart = new URL(times[0]!, 'http://x').searchParams.get('start')!;
    const moved = await page(action, { form: { start: newStart, tz: 'UTC', fmt: '24h', reason: '' } });
    expect(moved.status).toBe(303);
    const location = moved.headers.get('location')!;
    expect(location).toMatch(/[?&]embed=1&rescheduled=1$/);
    const shown = await page(location);
    expect(frameAncestorsOf(shown)).toBe(SHOP);
    expect(shown.html).toContain(`{"type":"calflare:booking_rescheduled","data":{"uid":"${uid}","start":"${new Date(newStart).toISOString().replace('.000Z', 'Z')}"`);
    expect(shown.html).not.toContain('booking_successful');
    // A reload without rescheduled=1, or the page outside the embed, announces nothing.
    expect((await page(location.replace('&rescheduled=1', ''))).html).not.toContain('booking_rescheduled');
    expect((await page(location.replace('embed=1&', ''))).html).not.toContain('booking_rescheduled');
  });

  it('keep embed=1 in the cancel form and its redirect', async () => {
    const host = await embeddingHost([SHOP]);
    const made = await api('POST', '/v2/bookings', { body: { event_type_id: host.eventType.id, start: START(), attendee: { name: 'Ada', email: 'ada-cx@example.com', timezone: 'UTC' } } });
    const uid = made.json.uid as string;
    const shown = await page(`/booking/${uid}?embed=1&tz=UTC&fmt=24h`);
    const cancelLink = unescape(/href="(\/booking\/[^"]*cancel=1[^"]*)"/.exec(shown.html)![1]!);
    expect(new URL(cancelLink, 'http://x').searchParams.get('embed')).toBe('1');
    const form = await page(cancelLink);
    const action = unescape(/<form method="post" action="([^"]+)"[^>]*id="cancel-form"/.exec(form.html)![1]!);
    expect(new URL(action, 'http://x').searchParams.get('embed')).toBe('1');
    const cancelled = await page(action, { form: { reason: '' } });
    expect(cancelled.status).toBe(303);
    expect(new URL(cancelled.headers.get('location')!, 'http://x').searchParams.get('embed')).toBe('1');
    const after = await page(cancelled.headers.get('location')!);
    expect(frameAncestorsOf(after)).toBe(SHOP);
    expect(after.html).toContain('class="public embed"');
  });
});

describe('/embed.js', () => {
  it('is a small script with the three modes, checks the origin and source of every message, and may be loaded by any site', async () => {
    const res = await page('/embed.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(new TextEncoder().encode(res.html).length).toBeLessThan(10 * 1024);
    for (const piece of ['data-calflare-inline', 'data-calflare-popup', 'data-calflare-floating', 'e.origin !== ORIGIN', 'contentWindow !== e.source']) expect(res.html).toContain(piece);
  });
});

// No browser here: the two scripts run against a few fake DOM objects (the test pool allows `new Function`), enough
// to see who sends and who accepts `calflare:close`. The Chromium e2e covers the real popup.
class FakeElement {
  children: FakeElement[] = [];
  attrs: Record<string, string> = {};
  style = { cssText: '', height: '' };
  listeners: Record<string, ((e: unknown) => void)[]> = {};
  parentNode: FakeElement | null = null;
  open = false;
  textContent = '';
  dispatched: string[] = [];
  contentWindow: object | undefined;
  constructor(readonly tag: string) {
    this.contentWindow = tag === 'iframe' ? { frame: true } : undefined;
  }
  setAttribute(k: string, v: string) { this.attrs[k] = v; }
  getAttribute(k: string) { return this.attrs[k] ?? null; }
  addEventListener(type: string, fn: (e: unknown) => void) { (this.listeners[type] ??= []).push(fn); }
  appendChild(child: FakeElement) { child.parentNode = this; this.children.push(child); return child; }
  remove() { if (this.parentNode) this.parentNode.children = this.parentNode.children.filter((c) => c !== this); this.parentNode = null; }
  querySelector(tag: string) { return this.children.find((c) => c.tag === tag) ?? null; }
  showModal() { this.open = true; }
  close() { if (!this.open) return; this.open = false; for (const fn of this.listeners.close ?? []) fn({}); }
  dispatchEvent(e: { type: string }) { this.dispatched.push(e.type); return true; }
  focus() {}
}

class FakeCustomEvent { detail: unknown; constructor(readonly type: string, init?: { detail?: unknown }) { this.detail = init?.detail; } }

/** /embed.js loaded from cal.example.com on shop.example.com; `deliver` plays a postMessage arriving at the window. */
function loadEmbedJs() {
  let onMessage: (e: unknown) => void = () => {};
  const body = new FakeElement('body');
  const document = {
    currentScript: { src: 'https://cal.example.com/embed.js' }, readyState: 'complete', body, activeElement: null,
    documentElement: { contains: () => true }, querySelectorAll: () => [], createElement: (tag: string) => new FakeElement(tag),
  };
  const window: Record<string, any> = { addEventListener: (type: string, fn: (e: unknown) => void) => { if (type === 'message') onMessage = fn; }, dispatchEvent: () => true };
  new Function('window', 'document', 'location', 'CustomEvent', EMBED_JS)(window, document, { href: 'https://shop.example.com/', search: '' }, FakeCustomEvent);
  const deliver = (origin: string, source: unknown, data: unknown) => onMessage({ origin, source, data });
  return { Calflare: window.Calflare, body, deliver };
}

describe('Escape closes the popup (calflare:close)', () => {
  it('an embedded page posts calflare:close on Escape, to each listed origin, only when framed; other pages have no such script', async () => {
    function run(framed: boolean) {
      const posted: [unknown, string][] = [];
      const keys: ((e: unknown) => void)[] = [];
      const parent = { postMessage: (m: unknown, origin: string) => posted.push([m, origin]) };
      const window: Record<string, unknown> = { addEventListener: () => {} };
      window.parent = framed ? parent : window;
      const document = { body: { getBoundingClientRect: () => ({ height: 500 }) }, addEventListener: (type: string, fn: (e: unknown) => void) => type === 'keydown' && keys.push(fn) };
      const style = () => ({ marginTop: '0px', marginBottom: '0px' });
      new Function('window', 'document', 'getComputedStyle', embedPageScript([SHOP, DEV], []))(window, document, style);
      posted.length = 0;
      for (const fn of keys) fn({ key: 'a', defaultPrevented: false });
      for (const fn of keys) fn({ key: 'Escape', defaultPrevented: true });
      expect(posted).toEqual([]);
      for (const fn of keys) fn({ key: 'Escape', defaultPrevented: false });
      return posted;
    }
    const close = { type: 'calflare:close', data: {} };
    expect(run(true)).toEqual([[close, SHOP], [close, DEV]]);
    expect(run(false)).toEqual([]);

    const host = await embeddingHost([SHOP]);
    expect((await page(`${host.booker}?embed=1&tz=UTC`)).html).toContain('"calflare:close"');
    expect((await page(`${host.booker}?tz=UTC`)).html).not.toContain('calflare:close');
  });

  it('/embed.js closes its popup on calflare:close from that popup\'s frame and this origin only, and passes the event on', async () => {
    const res = await page('/embed.js');
    expect(res.html).toContain('"calflare:close"');
    const { Calflare, body, deliver } = loadEmbedJs();
    const opener = new FakeElement('button');
    const frame = Calflare.popup('demo/30min', opener) as FakeElement;
    const dialog = body.querySelector('dialog')!;
    expect(dialog.open).toBe(true);
    expect(frame.contentWindow).toBeDefined();
    const close = { type: 'calflare:close', data: {} };
    deliver('https://evil.example.com', frame.contentWindow, close);
    deliver('https://cal.example.com', { frame: true }, close);
    expect(dialog.open).toBe(true);
    // An inline frame of the same origin pressing Escape does not close the popup.
    const holder = new FakeElement('div');
    const inlineFrame = Calflare.inline(holder, 'demo/30min') as FakeElement;
    deliver('https://cal.example.com', inlineFrame.contentWindow, close);
    expect(dialog.open).toBe(true);
    expect(holder.dispatched).toEqual(['calflare:close']);
    deliver('https://cal.example.com', frame.contentWindow, close);
    expect(dialog.open).toBe(false);
    expect(dialog.querySelector('iframe')).toBeNull();
    expect(opener.dispatched).toEqual(['calflare:close']);
  });
});
