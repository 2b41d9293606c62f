// The admin's Teams tab and the hosts of team bookings (admin Bookings tab, GET /v2/bookings for every host).
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, BASE, book, makeAdmin, upcomingDate } from './helpers';
import { invite, makeTeam, teamEventType } from './teams-helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;

describe('admin: teams', () => {
  it('the Teams tab lists each team with its members, roles, pending invitations and event types with their hosts', async () => {
    const team = await makeTeam([{}, {}]);
    const [a, b] = team.members as [any, any];
    await teamEventType(team.id, team.owner.token, { title: 'Sales Demo', scheduling_type: 'round_robin', hosts: [{ user_id: a.user.id, is_fixed: true }, { user_id: b.user.id }] });
    const invited = `invited-${crypto.randomUUID().slice(0, 8)}@example.com`;
    expect((await invite(team.id, team.owner.token, invited, 'admin')).status).toBe(201);
    const admin = await makeAdmin();
    const res = await SELF.fetch(`${BASE}/admin/teams?limit=200`, { headers: { cookie: `session=${admin.token}` } });
    expect(res.status).toBe(200);
    const html = await res.text();
    const row = html.slice(html.indexOf(`id="team-${team.id}"`));
    expect(row).toContain(`/team/${team.slug}`);
    expect(row).toContain(`${team.owner.user.name} <span class="muted">(owner)</span>`);
    expect(row).toContain('Sales Demo');
    expect(row).toContain('Round robin');
    expect(row).toContain(`${a.user.name} (fixed), ${b.user.name}`);
    expect(row).toMatch(new RegExp(`Invited, not yet a member: ${invited} \\(admin\\), until \\d{4}-\\d{2}-\\d{2}`));
  });

  it('a collective booking shows all its hosts on the Bookings tab and in each host\'s GET /v2/bookings', async () => {
    const team = await makeTeam([{}, {}]);
    const [a, b] = team.members as [any, any];
    const et = await teamEventType(team.id, team.owner.token, { title: 'Joint Call', scheduling_type: 'collective', hosts: [{ user_id: a.user.id }, { user_id: b.user.id }] });
    const booked = await book(et.id, at('14:00'));
    expect(booked.status).toBe(201);
    const [first, second] = [a, b].sort((x, y) => x.user.id - y.user.id);
    for (const host of [a, b]) {
      const list = await api('GET', '/v2/bookings?limit=200', { token: host.token });
      expect(list.json.data.map((x: any) => x.uid)).toContain(booked.json.uid);
    }
    const admin = await makeAdmin();
    const page = await SELF.fetch(`${BASE}/admin/bookings?limit=200`, { headers: { cookie: `session=${admin.token}` } });
    const html = await page.text();
    const row = html.slice(html.indexOf(`id="booking-${booked.json.uid}"`));
    expect(row).toContain(first.user.name);
    expect(row.slice(0, 3000)).toContain(`with ${second.user.name}`);
  });
});
