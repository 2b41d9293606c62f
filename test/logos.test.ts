// Logos (issue #31, docs/DESIGN.md "Logo"): uploaded as the request body, the type read from the bytes (never from
// Content-Type), PNG/JPEG/WebP/SVG up to 256 KiB into R2; refused: another type, too big, an SVG that could run or load
// anything, a polyglot; served same-origin under the content hash with a year's cache, nosniff, attachment and a CSP
// that runs nothing; shown on the host's pages.
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, BASE, makeUser, page, publicHost, upcomingDate } from './helpers';
import { joinTeam, makeTeam } from './teams-helpers';

const b64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
// A real 1x1 PNG.
const PNG = b64('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=');
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);
const webp = () => {
  const body = new TextEncoder().encode('WEBPVP8 \u0004\u0000\u0000\u0000abcd');
  const out = new Uint8Array(8 + body.length);
  out.set(new TextEncoder().encode('RIFF'));
  new DataView(out.buffer).setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
};
const svg = (inner: string, attrs = '') => new TextEncoder().encode(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"${attrs}>${inner}</svg>`);
const GOOD_SVG = svg('<title>Acme</title><defs><linearGradient id="g"><stop offset="0" stop-color="#123"/></linearGradient></defs><rect width="10" height="10" fill="url(#g)"/>');
const concat = (...parts: (Uint8Array | string)[]) => {
  const bytes = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : p));
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  bytes.reduce((at, b) => (out.set(b, at), at + b.length), 0);
  return out;
};
// A PNG whose text chunk carries a page: an image to a browser's <img>, a script to anything that sniffs it as HTML.
const pngWithTextChunk = (text: string) => {
  const data = new TextEncoder().encode(`Comment\u0000${text}`);
  const chunk = new Uint8Array(12 + data.length);
  new DataView(chunk.buffer).setUint32(0, data.length);
  chunk.set(new TextEncoder().encode('tEXt'), 4);
  chunk.set(data, 8);
  return concat(PNG.subarray(0, 33), chunk, PNG.subarray(33));
};

function upload(path: string, token: string | undefined, bytes: Uint8Array, contentType = 'application/octet-stream') {
  return SELF.fetch(`${BASE}${path}`, { method: 'PUT', headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: bytes });
}

describe('logo upload', () => {
  it('a PNG is stored under its hash and served same-origin with a year of cache, nosniff, attachment and a CSP that runs nothing', async () => {
    const user = await makeUser();
    // The Content-Type sent is ignored: the bytes say PNG.
    const res = await upload('/v2/me/logo', user.token, PNG, 'image/svg+xml');
    expect(res.status).toBe(200);
    const { logo_url } = (await res.json()) as { logo_url: string };
    expect(logo_url).toMatch(/^\/logos\/[0-9a-f]{64}\.png$/);
    expect((await api('GET', '/v2/me', { token: user.token })).json.logo_url).toBe(logo_url);
    const served = await SELF.fetch(`${BASE}${logo_url}`);
    expect(served.status).toBe(200);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);
    expect(Object.fromEntries(['content-type', 'cache-control', 'x-content-type-options', 'content-disposition', 'content-security-policy'].map((h) => [h, served.headers.get(h)]))).toEqual({
      'content-type': 'image/png',
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'content-disposition': 'attachment; filename="logo.png"',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    });
    expect((await SELF.fetch(`${BASE}/logos/${'0'.repeat(64)}.png`)).status).toBe(404);
    expect((await SELF.fetch(`${BASE}/logos/..%2Fsecret`)).status).toBe(404);
    // Removed: the API says so and the pages stop showing it.
    const removed = await SELF.fetch(`${BASE}/v2/me/logo`, { method: 'DELETE', headers: { authorization: `Bearer ${user.token}` } });
    expect(await removed.json()).toEqual({ logo_url: null });
  });

  it('JPEG, WebP and a drawing-only SVG are accepted with their own type', async () => {
    const user = await makeUser();
    for (const [bytes, ext, type] of [[JPEG, 'jpg', 'image/jpeg'], [webp(), 'webp', 'image/webp'], [GOOD_SVG, 'svg', 'image/svg+xml']] as const) {
      const res = await upload('/v2/me/logo', user.token, bytes);
      expect(res.status, ext).toBe(200);
      const { logo_url } = (await res.json()) as { logo_url: string };
      expect(logo_url.endsWith(`.${ext}`)).toBe(true);
      const served = await SELF.fetch(`${BASE}${logo_url}`);
      expect(served.headers.get('content-type')).toBe(type);
      expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);
    }
  });

  it('refuses another type (415), more than 256 KiB (413), an SVG that could run or load anything and polyglots (400)', async () => {
    const user = await makeUser();
    const cases: [string, Uint8Array, number][] = [
      ['GIF', new TextEncoder().encode('GIF89a\u0001\u0000\u0001\u0000'), 415],
      ['HTML', new TextEncoder().encode('<!doctype html><script>alert(1)</script>'), 415],
      ['empty', new Uint8Array(), 415],
      ['oversize', concat(PNG.subarray(0, 33), new Uint8Array(256 * 1024)), 413],
      ['SVG with script', svg('<script>alert(document.cookie)</script>'), 400],
      ['SVG with a namespaced script', svg('<x:script xmlns:x="http://www.w3.org/2000/svg">alert(1)</x:script>'), 400],
      ['SVG with onload', svg('<rect width="1" height="1"/>', ' onload="alert(1)"'), 400],
      ['SVG with foreignObject', svg('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>'), 400],
      ['SVG with a javascript: link', svg('<a href="javascript:alert(1)"><rect width="1" height="1"/></a>'), 400],
      ['SVG loading a remote image', svg('<use href="https://evil.example/x.svg#a"/>'), 400],
      ['SVG with CSS import', svg('<style>@import url(https://evil.example/x.css);</style>'), 400],
      ['SVG with an entity', new TextEncoder().encode('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'), 400],
      ['PNG + HTML after IEND', concat(PNG, '<html><script>alert(1)</script></html>'), 400],
      ['PNG with a script in a text chunk', pngWithTextChunk('<script>alert(1)</script>'), 400],
      ['JPEG + ZIP after EOI', concat(JPEG, 'PK\u0003\u0004 zip'), 400],
      ['WebP with a wrong size', concat(webp(), 'tail'), 400],
      ['SVG nested 30,000 deep', svg(`${'<g>'.repeat(30_000)}${'</g>'.repeat(30_000)}`), 400],
    ];
    for (const [what, bytes, status] of cases) {
      const res = await upload('/v2/me/logo', user.token, bytes);
      expect(res.status, what).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code, what).toBe({ 400: 'validation_failed', 413: 'payload_too_large', 415: 'unsupported_media_type' }[status]);
    }
    expect((await api('GET', '/v2/me', { token: user.token })).json.logo_url).toBeNull();
    expect((await upload('/v2/me/logo', undefined, PNG)).status).toBe(401);
  });

  it("a team's owners and admins set its logo, members get 403 and outsiders 404; a super admin sets a user's", async () => {
    const team = await makeTeam([]);
    const member = await makeUser();
    await joinTeam(team.id, team.owner.token, member);
    expect((await upload(`/v2/teams/${team.id}/logo`, team.owner.token, PNG)).status).toBe(200);
    const teamLogo = (await api('GET', `/v2/teams/${team.id}`, { token: team.owner.token })).json.logo_url;
    expect(teamLogo).toMatch(/^\/logos\/.+\.png$/);
    expect((await page(`/team/${team.slug}`)).html).toContain(`<img class="logo" src="${teamLogo}"`);
    expect((await upload(`/v2/teams/${team.id}/logo`, member.token, PNG)).status).toBe(403);
    expect((await upload(`/v2/teams/${team.id}/logo`, (await makeUser()).token, PNG)).status).toBe(404);
    // An outsider learns nothing from the bytes either (404, not 415) and stores nothing.
    expect((await upload(`/v2/teams/${team.id}/logo`, (await makeUser()).token, new TextEncoder().encode('not an image'))).status).toBe(404);
    const admin = await makeUser({ role: 'super_admin' });
    const user = await makeUser();
    expect((await upload(`/v2/users/${user.user.id}/logo`, admin.token, JPEG)).status).toBe(200);
    expect((await upload(`/v2/users/${admin.user.id}/logo`, user.token, JPEG)).status).toBe(403);
    expect((await upload('/v2/users/999999/logo', admin.token, JPEG)).status).toBe(404);
  });

  it('the logo heads the host page, booker, form and booking page; the page CSP allows images from this origin only', async () => {
    const host = await publicHost();
    const { logo_url } = (await (await upload('/v2/me/logo', host.token, PNG)).json()) as { logo_url: string };
    const booked = await page(`${host.booker}/book?start=${upcomingDate(3)}T10:00:00Z`, { form: { key: 'logo-1', name: 'Ada', email: 'ada@example.com', tz: 'UTC', fmt: '24h' } });
    const bookingPage = booked.headers.get('location')!;
    for (const path of [`/${host.username}`, `${host.booker}?tz=UTC`, `${host.booker}/book?start=${upcomingDate(3)}T11:00:00Z`, bookingPage, `${bookingPage}&cancel=1`]) {
      const res = await page(path);
      expect(res.html, path).toContain(`<img class="logo" src="${logo_url}" alt="" height="48"/>`);
      expect(res.headers.get('content-security-policy')).toContain("img-src data: 'self'");
    }
  });
});
