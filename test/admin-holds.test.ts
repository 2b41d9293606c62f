import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { timeLeft } from '../src/admin/holds';
import { api, freshIp, getPage, hostWithEventType, postForm, reserve, signedInAdmin, upcomingDate } from './helpers';

const MONDAY = upcomingDate(1, 7);

describe('admin: held slots on the Bookings tab', () => {
  it('lists live holds with their time left, and an admin releases one', async () => {
    const { eventType } = await hostWithEventType({ title: 'Hold Me Call' });
    const hold = (await reserve(eventType.id, `${MONDAY}T10:00:00Z`, { ip: freshIp() })).json;
    const { cookie, csrf } = await signedInAdmin();

    const { status, html } = await getPage('/admin/bookings', cookie);
    expect(status).toBe(200);
    const rowHtml = html.slice(html.indexOf(`id="hold-${hold.uid}"`));
    expect(rowHtml).toContain('Hold Me Call');
    expect(rowHtml).toMatch(/class="time-left"><time datetime="[^"]+">[45] min \d\d s</);

    const res = await postForm(`/admin/bookings/holds/${hold.uid}/release`, { _csrf: csrf, back: '/admin/bookings' }, { cookie });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/bookings');
    expect((await api('GET', `/v2/slots/reservations/${hold.uid}`)).status).toBe(404);
    const after = (await getPage('/admin/bookings', cookie)).html;
    expect(after).not.toContain(`hold-${hold.uid}`);
  });

  it('a release without the CSRF token changes nothing', async () => {
    const { eventType } = await hostWithEventType();
    const hold = (await reserve(eventType.id, `${MONDAY}T11:00:00Z`, { ip: freshIp() })).json;
    const { cookie } = await signedInAdmin();
    const res = await postForm(`/admin/bookings/holds/${hold.uid}/release`, { back: '/admin/bookings' }, { cookie });
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
