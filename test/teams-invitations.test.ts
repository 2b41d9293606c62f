// Team membership by consent (issue #25 item 2): owners and admins invite by email; only the invitee, signed in,
// accepts (by id or through the invitation's link); super admins alone add members directly. Until accepted the
// invitee is no member and no host, is not listed, and the answer never says whether the email has an account.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, expectError, makeAdmin, makeUser } from './helpers';
import { invite, joinTeam, makeTeam, teamEventType } from './teams-helpers';

const pathOf = (url: string) => new URL(url).pathname;

describe('team invitations', () => {
  it('an invitation answers the same for a known and an unknown email, and the invitee is no member until they accept', async () => {
    const team = await makeTeam([]);
    const invitee = await makeUser();
    const known = await invite(team.id, team.owner.token, invitee.user.email);
    const unknown = await invite(team.id, team.owner.token, `nobody-${crypto.randomUUID()}@example.com`);
    expect([known.status, unknown.status]).toEqual([201, 201]);
    expect(Object.keys(known.json).sort()).toEqual(Object.keys(unknown.json).sort());
    expect(known.json).toMatchObject({ team_id: team.id, email: invitee.user.email, role: 'member', status: 'pending' });
    expect(known.json).not.toHaveProperty('user_id');
    expect(known.json.accept_url).toMatch(/\/v2\/team-invitations\/links\/[A-Za-z0-9_-]{40,}\/accept$/);
    // Not a member: not listed, cannot see the team, cannot be made a host.
    const members = await api('GET', `/v2/teams/${team.id}/members`, { token: team.owner.token });
    expect(members.json.data.map((m: { user_id: number }) => m.user_id)).toEqual([team.owner.user.id]);
    expectError(await api('GET', `/v2/teams/${team.id}`, { token: invitee.token }), 404, 'not_found');
    const hostless = await api('POST', `/v2/teams/${team.id}/event-types`, {
      token: team.owner.token,
      body: { title: 'X', slug: 'x-inv', duration_minutes: 30, scheduling_type: 'collective', hosts: [{ user_id: invitee.user.id }] },
    });
    expectError(hostless, 400, 'validation_failed');
    const everyone = await teamEventType(team.id, team.owner.token, { scheduling_type: 'round_robin', assign_all_team_members: true });
    expect(everyone.hosts.map((h) => h.user_id)).toEqual([team.owner.user.id]);
    // The invitee sees it addressed to them, and accepts.
    const mine = await api('GET', '/v2/team-invitations', { token: invitee.token });
    expect(mine.json.data).toEqual([expect.objectContaining({ id: known.json.id, team: { id: team.id, name: 'Team Rocket', slug: team.slug }, role: 'member' })]);
    const accepted = await api('POST', `/v2/team-invitations/${known.json.id}/accept`, { token: invitee.token });
    expect(accepted.status).toBe(201);
    expect(accepted.json).toMatchObject({ team_id: team.id, user_id: invitee.user.id, role: 'member' });
    expect((await api('GET', `/v2/teams/${team.id}`, { token: invitee.token })).json.role).toBe('member');
    expect((await api('GET', '/v2/team-invitations', { token: invitee.token })).json.data).toEqual([]);
  });

  it('the link accepts only with the invitee\'s own session; anyone else gets 404, nobody signed in 401', async () => {
    const team = await makeTeam([]);
    const invitee = await makeUser();
    const stranger = await makeUser();
    const inv = await invite(team.id, team.owner.token, invitee.user.email.toUpperCase(), 'admin');
    const link = pathOf(inv.json.accept_url);
    expectError(await api('POST', link), 401, 'unauthorized');
    expectError(await api('POST', link, { token: stranger.token }), 404, 'not_found');
    expectError(await api('POST', link, { token: team.owner.token }), 404, 'not_found');
    expectError(await api('POST', `/v2/team-invitations/${inv.json.id}/accept`, { token: stranger.token }), 404, 'not_found');
    const accepted = await api('POST', link, { token: invitee.token });
    expect(accepted.status).toBe(201);
    expect(accepted.json).toMatchObject({ user_id: invitee.user.id, role: 'admin' });
    expectError(await api('POST', link, { token: invitee.token }), 404, 'not_found');
  });

  it('declined, revoked and expired invitations cannot be accepted', async () => {
    const team = await makeTeam([]);
    const [a, b, c] = [await makeUser(), await makeUser(), await makeUser()];
    const declined = await invite(team.id, team.owner.token, a.user.email);
    expect((await api('POST', `/v2/team-invitations/${declined.json.id}/decline`, { token: a.token })).status).toBe(204);
    expectError(await api('POST', pathOf(declined.json.accept_url), { token: a.token }), 404, 'not_found');
    const revoked = await invite(team.id, team.owner.token, b.user.email);
    const pending = await api('GET', `/v2/teams/${team.id}/invitations`, { token: team.owner.token });
    expect(pending.json.data.map((i: { email: string }) => i.email)).toEqual([b.user.email]);
    expect(pending.json.data[0]).not.toHaveProperty('accept_url');
    expect((await api('DELETE', `/v2/teams/${team.id}/invitations/${revoked.json.id}`, { token: team.owner.token })).status).toBe(204);
    expectError(await api('POST', `/v2/team-invitations/${revoked.json.id}/accept`, { token: b.token }), 404, 'not_found');
    const expired = await invite(team.id, team.owner.token, c.user.email);
    await env.DB.prepare('UPDATE team_invitations SET expires_at = ? WHERE id = ?').bind(Date.now() - 1, expired.json.id).run();
    expectError(await api('POST', pathOf(expired.json.accept_url), { token: c.token }), 404, 'not_found');
    // An expired invitation may be sent again; a live one is a 409.
    expect((await invite(team.id, team.owner.token, c.user.email)).status).toBe(201);
    expectError(await invite(team.id, team.owner.token, c.user.email), 409, 'conflict');
  });

  it('only owners and admins invite (admins no owners); direct adding is for super admins only', async () => {
    const team = await makeTeam([{}]);
    const [member] = team.members;
    const admin = await makeUser();
    await joinTeam(team.id, team.owner.token, admin, 'admin');
    const outsider = await makeUser();
    expectError(await invite(team.id, member!.token, outsider.user.email), 403, 'forbidden');
    expectError(await invite(team.id, outsider.token, outsider.user.email), 404, 'not_found');
    expectError(await invite(team.id, admin.token, outsider.user.email, 'owner'), 403, 'forbidden');
    expect((await invite(team.id, admin.token, outsider.user.email, 'admin')).status).toBe(201);
    for (const token of [team.owner.token, admin.token]) {
      expectError(await api('POST', `/v2/teams/${team.id}/members`, { token, body: { user_id: outsider.user.id } }), 403, 'forbidden');
      expectError(await api('POST', `/v2/teams/${team.id}/members`, { token, body: { email: 'nobody-at-all@example.com' } }), 403, 'forbidden');
    }
    const root = await makeAdmin();
    const added = await api('POST', `/v2/teams/${team.id}/members`, { token: root.token, body: { user_id: outsider.user.id } });
    expect(added.status).toBe(201);
    expectError(await api('GET', `/v2/teams/${team.id}/invitations`, { token: member!.token }), 403, 'forbidden');
    expectError(await invite(team.id, team.owner.token, 'not an email'), 400, 'validation_failed');
  });
});
