// The session cookie is ambient: a page on another origin can make the browser send it. So a write authenticated by
// the cookie must come from our own origin; a Bearer token is never sent by a browser on its own and needs no check.
import { describe, expect, it } from 'vitest';
import { crossOriginCookieWrite } from '../src/auth/middleware';
import { api, BASE, book, expectError, hostWithEventType, makeUser, upcomingDate } from './helpers';

const FOREIGN = { origin: 'https://evil.example' };
const CROSS_SITE = { 'sec-fetch-site': 'cross-site' };

describe('cookie-authenticated writes from another origin', () => {
  it('refuses a bodiless POST (logout) with a foreign Origin and keeps the session', async () => {
    const { token } = await makeUser();
    expectError(await api('POST', '/v2/auth/logout', { cookie: `session=${token}`, headers: FOREIGN }), 403, 'forbidden');
    expect((await api('GET', '/v2/me', { token })).status).toBe(200);
  });

  it('refuses a ping and a confirm with a foreign Origin or a cross-site Sec-Fetch-Site', async () => {
    const { token, eventType } = await hostWithEventType({ requires_confirmation: true });
    const hook = await api('POST', '/v2/webhooks', {
      token,
      body: { subscriber_url: 'https://example.com/hook', event_triggers: ['BOOKING_CREATED'] },
    });
    const cookie = `session=${token}`;
    expectError(await api('POST', `/v2/webhooks/${hook.json.id}/ping`, { cookie, headers: FOREIGN }), 403, 'forbidden');
    const pending = await book(eventType.id, `${upcomingDate(1)}T10:00:00Z`);
    expect(pending.json.status).toBe('pending');
    expectError(await api('POST', `/v2/bookings/${pending.json.uid}/confirm`, { cookie, headers: CROSS_SITE }), 403, 'forbidden');
    expectError(await api('POST', `/v2/bookings/${pending.json.uid}/confirm`, { cookie, headers: { 'sec-fetch-site': 'same-site' } }), 403, 'forbidden');
    expect((await api('GET', `/v2/bookings/${pending.json.uid}`)).json.status).toBe('pending');
  });

  it('refuses an opaque Origin (null) too', async () => {
    const { token } = await makeUser();
    expectError(await api('POST', '/v2/auth/logout', { cookie: `session=${token}`, headers: { origin: 'null' } }), 403, 'forbidden');
  });

  it('accepts the same writes from our own origin', async () => {
    const { token } = await makeUser();
    const res = await api('POST', '/v2/auth/logout', { cookie: `session=${token}`, headers: { origin: BASE, 'sec-fetch-site': 'same-origin' } });
    expect(res.status).toBe(204);
  });

  it('accepts a Bearer token from any origin: browsers never attach it by themselves', async () => {
    const { token } = await makeUser();
    expect((await api('POST', '/v2/auth/logout', { token, headers: FOREIGN })).status).toBe(204);
  });

  it('accepts a cookie from a client that is not a browser (no Origin, no Sec-Fetch-Site), as in the spec example', async () => {
    const { token } = await makeUser();
    expect((await api('POST', '/v2/auth/logout', { cookie: `session=${token}` })).status).toBe(204);
  });

  it('leaves reads alone', async () => {
    const { token } = await makeUser();
    expect((await api('GET', '/v2/me', { cookie: `session=${token}`, headers: FOREIGN })).status).toBe(200);
  });
});

describe('crossOriginCookieWrite', () => {
  const own = 'https://calflare.example';
  it('names the reason for a foreign or opaque Origin and a cross-site or same-site Sec-Fetch-Site, null otherwise', () => {
    expect(crossOriginCookieWrite({ origin: 'https://evil.example' }, own)).toMatch(/origin/i);
    expect(crossOriginCookieWrite({ origin: 'null' }, own)).toMatch(/origin/i);
    expect(crossOriginCookieWrite({ origin: 'https://calflare.example:8443' }, own)).toMatch(/origin/i);
    expect(crossOriginCookieWrite({ secFetchSite: 'cross-site' }, own)).toMatch(/site/i);
    expect(crossOriginCookieWrite({ secFetchSite: 'same-site' }, own)).toMatch(/site/i);
    expect(crossOriginCookieWrite({ origin: own, secFetchSite: 'cross-site' }, own)).toMatch(/site/i);
    expect(crossOriginCookieWrite({ origin: own, secFetchSite: 'same-origin' }, own)).toBeNull();
    expect(crossOriginCookieWrite({ secFetchSite: 'none' }, own)).toBeNull();
    expect(crossOriginCookieWrite({}, own)).toBeNull();
  });
});
