// A host's branding and language through the API and on the public pages (issue #31): PATCH /v2/me and
// /v2/users/{id} validate them; the pages carry the colours as CSS custom properties in their nonce'd stylesheet and
// speak the language chosen by ?lang=, the cookie, Accept-Language, then the host's default.
import { describe, expect, it } from 'vitest';
import { api, dbRow, makeUser, page, publicHost, upcomingDate } from './helpers';
import { makeTeam, teamEventType } from './teams-helpers';
import { translator } from '../src/i18n/catalogue';

const PAGE_BUDGET = 60 * 1024;
const START = () => `${upcomingDate(3)}T10:00:00Z`;
// The form holds its time for this browser: views of the form use another time than the one booked.
const FORM_START = () => `${upcomingDate(3)}T11:00:00Z`;

async function brandedHost(settings: Record<string, unknown>) {
  const host = await publicHost();
  const res = await api('PATCH', '/v2/me', { token: host.token, body: settings });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return host;
}

describe('branding and language settings through the API', () => {
  it('a user sets their colours, theme, badge and language; the answer shows them; absent fields stay', async () => {
    const user = await makeUser();
    const before = await api('GET', '/v2/me', { token: user.token });
    expect(before.json).toMatchObject({ brand_color: null, brand_color_dark: null, hide_branding: false, theme: 'system', locale: 'en' });
    const res = await api('PATCH', '/v2/me', { token: user.token, body: { brand_color: '#FFD700', brand_color_dark: '#112233', hide_branding: true, theme: 'dark', locale: 'pt-BR' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ brand_color: '#ffd700', brand_color_dark: '#112233', hide_branding: true, theme: 'dark', locale: 'pt-BR' });
    const renamed = await api('PATCH', '/v2/me', { token: user.token, body: { name: 'Renamed', brand_color: null } });
    expect(renamed.json).toMatchObject({ name: 'Renamed', brand_color: null, brand_color_dark: '#112233', theme: 'dark', locale: 'pt-BR' });
  });

  it('refuses a colour that is not #rrggbb, an unknown theme or language, an unknown field, and anyone signed out', async () => {
    const user = await makeUser();
    for (const body of [{ brand_color: '#fff' }, { brand_color: 'red' }, { brand_color: '#12345g' }, { brand_color_dark: '#1234567' }, { theme: 'blue' }, { locale: 'xx' }, { locale: 'pt' }, { hide_branding: 'yes' }, { logo: 'x' }]) {
      const res = await api('PATCH', '/v2/me', { token: user.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
    }
    expect((await api('PATCH', '/v2/me', { body: { theme: 'dark' } })).status).toBe(401);
  });

  it('a super admin sets them for another user; a plain user cannot', async () => {
    const admin = await makeUser({ role: 'super_admin' });
    const user = await makeUser();
    const res = await api('PATCH', `/v2/users/${user.user.id}`, { token: admin.token, body: { brand_color: '#000080', locale: 'ja' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ brand_color: '#000080', locale: 'ja' });
    expect((await api('PATCH', `/v2/users/${admin.user.id}`, { token: user.token, body: { locale: 'ja' } })).status).toBe(403);
  });
});

describe('branding on the pages', () => {
  it('the brand colour reaches the booker, the form and the booking page as custom properties, never as a style attribute', async () => {
    // Yellow: white text on it would fail AA, so the text on it is black and the links use a darkened yellow.
    const host = await brandedHost({ brand_color: '#ffff00', hide_branding: true, theme: 'light' });
    const booker = await page(`${host.booker}?tz=UTC&fmt=24h`);
    expect(booker.status).toBe(200);
    expect(booker.html).toMatch(/:root\{--accent:#ffff00;--accent-ink:#000000;--accent-strong:#[0-9a-f]{6};/);
    expect(booker.html).not.toMatch(/\sstyle=/);
    expect(booker.html).not.toContain('prefers-color-scheme: dark');
    expect(booker.html).not.toContain('Scheduling by calflare');
    const form = await page(`${host.booker}/book?start=${FORM_START()}&tz=UTC&fmt=24h`);
    expect(form.html).toContain('--accent:#ffff00');
    const booked = await page(`${host.booker}/book?start=${START()}`, { form: { key: 'k1', name: 'Ada', email: 'ada@example.com', tz: 'UTC', fmt: '24h' } });
    expect(booked.status).toBe(303);
    const shown = await page(booked.headers.get('location')!);
    expect(shown.html).toContain('--accent:#ffff00');
    expect(shown.html).not.toContain('Scheduling by calflare');
    // Hidden branding: no vendor name in the title or in the event the calendar links add.
    expect(/<title>([^<]*)<\/title>/.exec(shown.html)![1]).not.toContain('calflare');
    const google = /href="(https:\/\/calendar\.google\.com[^"]+)"/.exec(shown.html)![1]!.replace(/&amp;/g, '&');
    expect(new URL(google).searchParams.get('details')).toMatch(/^Manage the booking: https:\/\/[^ ]+$/);
    expect((await page(`/${host.username}`)).html).toContain('--accent:#ffff00');
  });

  it("the calendar links' event details are in the page's language, with the vendor line only when branding shows", async () => {
    const host = await publicHost();
    const booked = await page(`${host.booker}/book?start=${START()}&lang=de`, { form: { key: 'cal-de', name: 'Ada', email: 'ada-cal@example.com', tz: 'UTC', fmt: '24h' } });
    expect(booked.status).toBe(303);
    const shown = await page(booked.headers.get('location')!);
    const google = /href="(https:\/\/calendar\.google\.com[^"]+)"/.exec(shown.html)![1]!.replace(/&amp;/g, '&');
    const details = new URL(google).searchParams.get('details')!;
    const de = translator('de');
    expect(details.startsWith(`${de.t('calBookedWith')} ${de.t('calManage', { url: '' })}`), details).toBe(true);
    expect(details).not.toMatch(/Booked|Manage/);
    expect(shown.html).toContain(' · calflare</title>');
  });

  it('without branding the page keeps the default palette and the badge; dark applies the dark palette without a media query', async () => {
    const plain = await publicHost();
    const res = await page(`${plain.booker}?tz=UTC`);
    expect(res.html).not.toContain('--accent:#');
    expect(res.html).toContain('@media (prefers-color-scheme: dark)');
    expect(res.html).toContain('Scheduling by calflare');
    const dark = await brandedHost({ theme: 'dark', brand_color: '#2e7d32' });
    const darkPage = await page(`${dark.booker}?tz=UTC`);
    expect(darkPage.html).not.toContain('prefers-color-scheme');
    expect(darkPage.html).toContain('color-scheme:dark');
  });
});

describe('a team’s branding and language', () => {
  it('owners set them with PATCH /v2/teams/{id}; a plain member may not; the team page, booker and its booking page use them', async () => {
    const team = await makeTeam([{}]);
    const member = team.members[0]!;
    const denied = await api('PATCH', `/v2/teams/${team.id}`, { token: member.token, body: { brand_color: '#ff0000' } });
    expect(denied.status).toBe(403);
    expect((await api('PATCH', `/v2/teams/${team.id}`, { token: team.owner.token, body: { brand_color: 'red' } })).status).toBe(400);
    const res = await api('PATCH', `/v2/teams/${team.id}`, { token: team.owner.token, body: { brand_color: '#FF0000', theme: 'light', hide_branding: true, locale: 'es' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ brand_color: '#ff0000', brand_color_dark: null, theme: 'light', hide_branding: true, locale: 'es' });
    // The owner hosts too (a member's own branding must not leak onto the team's pages).
    await api('PATCH', '/v2/me', { token: member.token, body: { brand_color: '#00ff00', locale: 'ja' } });
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'round_robin', assign_all_team_members: true });
    const teamPage = await page(`/team/${team.slug}`);
    expect(teamPage.html).toContain('<html lang="es" dir="ltr">');
    expect(teamPage.html).toContain('--accent:#ff0000');
    const booker = await page(`/team/${team.slug}/${et.slug}?tz=UTC&fmt=24h`);
    expect(booker.html).toContain('--accent:#ff0000');
    expect(booker.html).not.toContain('Scheduling by calflare');
    const booked = await page(`/team/${team.slug}/${et.slug}/book?start=${START()}`, { form: { key: 'k3', name: 'Ada', email: 'ada@example.com', tz: 'UTC', fmt: '24h' } });
    expect(booked.status).toBe(303);
    const shown = await page(booked.headers.get('location')!);
    expect(shown.html).toContain('<html lang="es"');
    expect(shown.html).toContain('--accent:#ff0000');
    expect(shown.html).not.toContain('#00ff00');
    // Its emails hide the vendor line too (the team's hide_branding, not the host's).
    const uid = /\/booking\/([^?]+)/.exec(booked.headers.get('location')!)![1]!;
    const mail = await dbRow<{ payload: string }>("SELECT payload FROM booking_email_notifications WHERE booking_uid = ? AND recipient_role = 'attendee'", uid);
    expect(JSON.parse(mail!.payload)).toMatchObject({ hideBranding: true, brandColor: '#ff0000' });
  });
});

describe('languages on the pages', () => {
  it('?lang=ar gives an Arabic right-to-left page, remembers it in a cookie and keeps it in every link and form', async () => {
    const host = await publicHost();
    const res = await page(`${host.booker}?lang=ar&tz=UTC&fmt=24h&date=${upcomingDate(3)}`);
    expect(res.status).toBe(200);
    expect(res.html).toContain('<html lang="ar" dir="rtl">');
    expect(res.html).toContain('عرض الأوقات');
    expect(res.headers.get('set-cookie')).toContain('booker_lang=ar');
    const hrefs = [...res.html.matchAll(/<a [^>]*href="([^"#]+)[^"]*"[^>]*data-(?:date|start)=/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toContain('lang=ar');
    expect(res.html).toContain('<input type="hidden" name="lang" value="ar"/>');
    const form = await page(`${host.booker}/book?start=${FORM_START()}&lang=ar&tz=UTC&fmt=24h`);
    expect(form.html).toMatch(/action="[^"]*lang=ar/);
    const booked = await page(`${host.booker}/book?start=${START()}&lang=ar`, { form: { key: 'k2', name: 'Ada', email: 'ada@example.com', tz: 'UTC', fmt: '24h' } });
    expect(booked.status).toBe(303);
    const location = booked.headers.get('location')!;
    expect(location).toContain('lang=ar');
    const shown = await page(location, { cookie: booked.headers.get('set-cookie')!.split(';')[0]! });
    expect(shown.html).toContain('تم حجزك.');
    expect(shown.html).toContain('dir="rtl"');
    expect(shown.html).toMatch(/href="\/reschedule\/[^"]*lang=ar/);
  });

  it('the form asks the default questions in the visitor’s language, a host’s own wording stays as written', async () => {
    const host = await publicHost({ eventType: { booking_fields: [{ name: 'email', type: 'email', label: 'Work email', required: true }] } });
    const form = await page(`${host.booker}/book?start=${FORM_START()}&lang=de&tz=UTC&fmt=24h`);
    expect(form.status).toBe(200);
    expect(form.html).toContain('Ihr Name');
    expect(form.html).toContain('Weitere Hinweise');
    expect(form.html).toContain('Work email');
    expect(form.html).not.toContain('Your name');
  });

  it('the cookie, then Accept-Language, then the host’s default choose the language', async () => {
    const host = await brandedHost({ locale: 'fr' });
    const path = `${host.booker}?tz=UTC&fmt=24h`;
    expect((await page(path)).html).toContain('<html lang="fr"');
    expect((await page(path, { headers: { 'accept-language': 'de-AT,de;q=0.9,en;q=0.5' } })).html).toContain('<html lang="de"');
    expect((await page(path, { headers: { 'accept-language': 'zh-CN' } })).html).toContain('<html lang="fr"');
    expect((await page(path, { cookie: 'booker_lang=ja', headers: { 'accept-language': 'de' } })).html).toContain('<html lang="ja"');
    expect((await page(`${path}&lang=es`, { cookie: 'booker_lang=ja' })).html).toContain('<html lang="es"');
    expect((await page(`/${host.username}`, { headers: { 'accept-language': 'pt-PT' } })).html).toContain('<html lang="pt-BR"');
    expect((await page('/booking/nonexistent-uid-0000000', { headers: { 'accept-language': 'ja' } })).html).toContain('このアドレスに予約はありません');
  });

  it('every language: right lang and dir, dates from Intl, the language links, and the booker under 60 KB with branding on', async () => {
    const host = await brandedHost({ brand_color: '#ff00ff', brand_color_dark: '#00ffff', theme: 'system' });
    const day = upcomingDate(3);
    for (const lang of ['en', 'de', 'fr', 'es', 'pt-BR', 'ja', 'ar']) {
      const res = await page(`${host.booker}?lang=${lang}&tz=UTC&fmt=24h&date=${day}`);
      expect(res.status).toBe(200);
      expect(res.html).toContain(`<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">`);
      expect(new TextEncoder().encode(res.html).length, lang).toBeLessThan(PAGE_BUDGET);
      if (lang !== 'en') {
        const heading = new Intl.DateTimeFormat(lang, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.parse(`${day}T12:00:00Z`));
        expect(res.html, lang).toContain(`<h2 id="day-heading">${heading}</h2>`);
      }
      expect(res.html).toContain(`hreflang="ja"`);
      expect(res.html).toContain(`aria-current="true"`);
    }
  });
});
