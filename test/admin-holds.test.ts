import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { csrfToken } from '../src/web/csrf';
import { timeLeft } from '../src/admin/holds';
import { api, BASE, freshIp, hostWithEventType, makeAdmin, reserve, upcomingDate } from './helpers';

const MONDAY = upcomingDate(1, 7);

async function adminSession() {
  const admin = await makeAdmin();
  const cookie = `session=${admin.token}`;
  return { cookie, csrf: await csrfToken(admin.token, 'session') };
}

describe('admin: held slots on the Bookings tab', () => {
  it('lists live holds with their time left, and an admin releases one', async () => {
    const { eventType } = await hostWithEventType({ title: 'Hold Me Call' });
    const hold = (await reserve(eventType.id, `${MONDAY}T10:00:00Z`, { ip: freshIp() })).json;
    const { cookie, csrf } = await adminSession();

    const page = await SELF.fetch(`${BASE}/admin/bookings`, { headers: { cookie } });
    const html = await page.text();
    expect(page.status).toBe(200);
    const rowHtml = html.slice(html.indexOf(`id="hold-${hold.uid}"`));
    expect(rowHtml).toContain('Hold Me Call');
    expect(rowHtml).toMatch(/class="time-left"><time datetime="[^"]+">[45] min \d\d s</);

    const res = await SELF.fetch(`${BASE}/admin/bookings/holds/${hold.uid}/release`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: BASE, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, back: '/admin/bookings' }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/bookings');
    expect((await api('GET', `/v2/slots/reservations/${hold.uid}`)).status).toBe(404);
    const after = await (await SELF.fetch(`${BASE}/admin/bookings`, { headers: { cookie } })).text();
    expect(after).not.toContain(`hold-${hold.uid}`);
  });

  it('a release without the CSRF token changes nothing', async () => {
    const { eventType } = await hostWithEventType();
    const hold = (await reserve(eventType.id, `${MONDAY}T11:00:00Z`, { ip: freshIp() })).json;
    const { cookie } = await adminSession();
    const res = await SELF.fetch(`${BASE}/admin/bookings/holds/${hold.uid}/release`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: BASE, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'back=%2Fadmin%2Fbookings',
    });
    expect(res.status).toBe(403);
    const live = await env.DB.prepare('SELECT COUNT(*) AS n FROM slot_reservations WHERE uid = ?').bind(hold.uid).first<{ n: number }>();
    expect(live!.n).toBe(1);
  });

  it('formats the time left', () => {
    expect(timeLeft(299_500)).toBe('5 min 00 s');
    expect(timeLeft(61_000)).toBe('1 min 01 s');
    expect(timeLeft(42_000)).toBe('42 s');
    expect(timeLeft(-5)).toBe('0 s');
  });
});
