// The admin's Branding tab (issue #31): colours with a contrast verdict, "Check contrast" without saving, language,
// badge, embed origins (the API's rules), a logo upload (multipart, the API's checks), the snippets of the three embed
// modes; CSRF-checked like every admin form, no JavaScript.
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, BASE, dbRow, follow, getPage, postForm, publicHost, signedInAdmin } from './helpers';
import { makeTeam } from './teams-helpers';

const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));

function uploadForm(path: string, admin: { cookie: string; csrf: string }, bytes: Uint8Array, name = 'logo.png') {
  const form = new FormData();
  form.set('_csrf', admin.csrf);
  form.set('logo', new File([bytes], name));
  return SELF.fetch(`${BASE}${path}`, { method: 'POST', headers: { cookie: admin.cookie, origin: BASE }, body: form, redirect: 'manual' });
}

describe('admin Branding', () => {
  it('shows each saved colour with its verdict, saves colours, language, badge and origins, and refuses what the API refuses', async () => {
    const admin = await signedInAdmin();
    const host = await publicHost();
    const path = `/admin/branding/users/${host.user.id}`;
    expect((await getPage('/admin/branding', admin.cookie)).html).toContain(`href="${path}"`);
    const refused = await admin.post(path, { action: 'save', brand_color: '#ffff00', theme: 'light', locale: 'de', embed_origins: 'https://shop.example.com/path' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('An origin: scheme, host and optional port');
    const saved = await admin.post(path, { action: 'save', brand_color: '#FFFF00', brand_color_dark: '', theme: 'light', locale: 'de', hide_branding: 'on', embed_origins: 'https://shop.example.com\nhttp://127.0.0.1:8788' });
    const shown = await follow(saved, admin.cookie);
    expect(shown.html).toContain('Branding saved.');
    const me = await api('GET', '/v2/me', { token: host.token });
    expect(me.json).toMatchObject({ brand_color: '#ffff00', brand_color_dark: null, theme: 'light', locale: 'de', hide_branding: true, embed_origins: ['https://shop.example.com', 'http://127.0.0.1:8788'] });
    // Yellow: black text on it, and too light as text, so links use a darker yellow.
    expect(shown.html).toMatch(/Light theme<\/strong> #ffff00: text on it is black \([\d.]+:1, AA needs 4.5:1\)\. Too light as text: links and times use #[0-9a-f]{6} \([\d.]+:1\)\./);
  });

  it('"Check contrast" shows the verdict of the typed colours and saves nothing; a form without the CSRF token is refused', async () => {
    const admin = await signedInAdmin();
    const host = await publicHost();
    const path = `/admin/branding/users/${host.user.id}`;
    const checked = await admin.post(path, { action: 'check', brand_color: '#000080', theme: 'system', locale: 'en', embed_origins: '' });
    expect(checked.status).toBe(200);
    expect(checked.html).toContain('Contrast of the colours typed (not saved yet)');
    expect(checked.html).toMatch(/#000080: text on it is white .* Readable as text/);
    expect((await api('GET', '/v2/me', { token: host.token })).json.brand_color).toBeNull();
    const forged = await postForm(path, { action: 'save', brand_color: '#000080', theme: 'system', locale: 'en' }, { cookie: admin.cookie });
    expect(forged.status).toBe(403);
  });

  it("uploads and removes a user's and a team's logo through a multipart form, with the API's checks", async () => {
    const admin = await signedInAdmin();
    const host = await publicHost();
    const path = `/admin/branding/users/${host.user.id}`;
    const up = await uploadForm(`${path}/logo`, admin, PNG);
    expect(up.status).toBe(303);
    const logo = (await dbRow<{ logo: string }>('SELECT logo FROM users WHERE id = ?', host.user.id))!.logo;
    expect(logo).toMatch(/^[0-9a-f]{64}\.png$/);
    expect((await getPage(path, admin.cookie)).html).toContain(`src="/logos/${logo}"`);
    const bad = await uploadForm(`${path}/logo`, admin, new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'x.svg');
    expect(decodeURIComponent(bad.headers.get('set-cookie') ?? '')).toContain('Not uploaded: An SVG logo may not contain <script>');
    const removed = await admin.post(`${path}/logo/delete`, {});
    expect(removed.status).toBe(303);
    expect((await dbRow<{ logo: string | null }>('SELECT logo FROM users WHERE id = ?', host.user.id))!.logo).toBeNull();

    const team = await makeTeam([]);
    expect((await getPage('/admin/branding', admin.cookie)).html).toContain(`href="/admin/branding/teams/${team.id}"`);
    expect((await uploadForm(`/admin/branding/teams/${team.id}/logo`, admin, PNG)).status).toBe(303);
    expect((await dbRow<{ logo: string }>('SELECT logo FROM teams WHERE id = ?', team.id))!.logo).toBe(logo);
    expect((await getPage('/admin/branding/teams/999999', admin.cookie)).status).toBe(404);
  });

  it('gives the snippets of the three embed modes for the chosen event type', async () => {
    const admin = await signedInAdmin();
    const host = await publicHost();
    const res = await getPage(`/admin/branding/users/${host.user.id}?event_type=${host.eventType.slug}`, admin.cookie);
    const link = `${host.username}/${host.eventType.slug}`;
    for (const attr of ['data-calflare-inline', 'data-calflare-popup', 'data-calflare-floating']) expect(res.html).toContain(`${attr}=&quot;${link}&quot;`);
    expect(res.html).toContain(`&lt;script src=&quot;${BASE}/embed.js&quot; async&gt;&lt;/script&gt;`);
    expect(res.html).toContain('Add the site&#39;s origin above first');
    expect(res.html).not.toMatch(/<script(?! nonce)/);
  });
});
