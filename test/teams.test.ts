// Teams and members over HTTP: roles, authorization (outsiders 404, members read-only), the last-owner rule.
import { describe, expect, it } from 'vitest';
import { api, expectError, makeAdmin, makeUser } from './helpers';
import { invite, joinTeam } from './teams-helpers';

const slug = () => `team-${Math.random().toString(36).slice(2, 10)}`;

async function teamWithRoles() {
  const owner = await makeUser();
  const admin = await makeUser();
  const member = await makeUser();
  const outsider = await makeUser();
  const created = await api('POST', '/v2/teams', { token: owner.token, body: { name: 'Sales', slug: slug() } });
  expect(created.status).toBe(201);
  const id = created.json.id as number;
  await joinTeam(id, owner.token, admin, 'admin');
  await joinTeam(id, owner.token, member);
  return { id, owner, admin, member, outsider };
}

describe('teams', () => {
  it('the creator becomes owner; the team answers with the caller\'s role', async () => {
    const owner = await makeUser();
    const s = slug();
    const res = await api('POST', '/v2/teams', { token: owner.token, body: { name: 'Support', slug: s } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ name: 'Support', slug: s, role: 'owner' });
    const members = await api('GET', `/v2/teams/${res.json.id}/members`, { token: owner.token });
    expect(members.json.data).toEqual([expect.objectContaining({ user_id: owner.user.id, role: 'owner' })]);
  });

  it('slugs follow the username rules and are unique', async () => {
    const owner = await makeUser();
    expectError(await api('POST', '/v2/teams', { token: owner.token, body: { name: 'X', slug: 'admin' } }), 400, 'validation_failed');
    expectError(await api('POST', '/v2/teams', { token: owner.token, body: { name: 'X', slug: 'Bad Slug' } }), 400, 'validation_failed');
    expectError(await api('POST', '/v2/teams', { token: owner.token, body: { name: 'X', slug: slug(), extra: 1 } }), 400, 'validation_failed');
    const s = slug();
    expect((await api('POST', '/v2/teams', { token: owner.token, body: { name: 'X', slug: s } })).status).toBe(201);
    expectError(await api('POST', '/v2/teams', { token: owner.token, body: { name: 'Y', slug: s } }), 409, 'conflict');
  });

  it('needs a session', async () => {
    expectError(await api('GET', '/v2/teams'), 401, 'unauthorized');
    expectError(await api('POST', '/v2/teams', { body: { name: 'X', slug: slug() } }), 401, 'unauthorized');
  });

  it('non-members get 404 on the team, its members and every change', async () => {
    const { id, outsider, member } = await teamWithRoles();
    const t = outsider.token;
    expectError(await api('GET', `/v2/teams/${id}`, { token: t }), 404, 'not_found');
    expectError(await api('GET', `/v2/teams/${id}/members`, { token: t }), 404, 'not_found');
    expectError(await api('PATCH', `/v2/teams/${id}`, { token: t, body: { name: 'Mine' } }), 404, 'not_found');
    expectError(await api('DELETE', `/v2/teams/${id}`, { token: t }), 404, 'not_found');
    expectError(await api('POST', `/v2/teams/${id}/members`, { token: t, body: { user_id: outsider.user.id } }), 404, 'not_found');
    expectError(await invite(id, t, outsider.user.email), 404, 'not_found');
    expectError(await api('PATCH', `/v2/teams/${id}/members/${member.user.id}`, { token: t, body: { role: 'admin' } }), 404, 'not_found');
    expectError(await api('DELETE', `/v2/teams/${id}/members/${member.user.id}`, { token: t }), 404, 'not_found');
    const list = await api('GET', '/v2/teams', { token: t });
    expect(list.json.data.map((x: any) => x.id)).not.toContain(id);
  });

  it('a member sees the team but cannot add members, change roles, rename or delete it', async () => {
    const { id, member, outsider, admin } = await teamWithRoles();
    const t = member.token;
    expect((await api('GET', `/v2/teams/${id}`, { token: t })).json.role).toBe('member');
    expect((await api('GET', `/v2/teams/${id}/members`, { token: t })).json.data).toHaveLength(3);
    expect((await api('GET', '/v2/teams', { token: t })).json.data.map((x: any) => x.id)).toContain(id);
    expectError(await invite(id, t, outsider.user.email), 403, 'forbidden');
    expectError(await api('PATCH', `/v2/teams/${id}/members/${admin.user.id}`, { token: t, body: { role: 'member' } }), 403, 'forbidden');
    expectError(await api('DELETE', `/v2/teams/${id}/members/${admin.user.id}`, { token: t }), 403, 'forbidden');
    expectError(await api('PATCH', `/v2/teams/${id}`, { token: t, body: { name: 'Mine' } }), 403, 'forbidden');
    expectError(await api('DELETE', `/v2/teams/${id}`, { token: t }), 403, 'forbidden');
  });

  it('an admin manages members but cannot make or touch owners, nor delete the team', async () => {
    const { id, admin, member, owner, outsider } = await teamWithRoles();
    const t = admin.token;
    const added = await joinTeam(id, t, outsider);
    expect(added).toMatchObject({ team_id: id, user_id: outsider.user.id, role: 'member', email: outsider.user.email });
    expectError(await invite(id, t, outsider.user.email, 'owner'), 403, 'forbidden');
    expect((await api('PATCH', `/v2/teams/${id}/members/${member.user.id}`, { token: t, body: { role: 'admin' } })).json.role).toBe('admin');
    expectError(await api('PATCH', `/v2/teams/${id}/members/${member.user.id}`, { token: t, body: { role: 'owner' } }), 403, 'forbidden');
    expectError(await api('PATCH', `/v2/teams/${id}/members/${owner.user.id}`, { token: t, body: { role: 'member' } }), 403, 'forbidden');
    expectError(await api('DELETE', `/v2/teams/${id}/members/${owner.user.id}`, { token: t }), 403, 'forbidden');
    expect((await api('PATCH', `/v2/teams/${id}`, { token: t, body: { name: 'Renamed' } })).json.name).toBe('Renamed');
    expectError(await api('DELETE', `/v2/teams/${id}`, { token: t }), 403, 'forbidden');
    expect((await api('DELETE', `/v2/teams/${id}/members/${outsider.user.id}`, { token: t })).status).toBe(204);
    expectError(await api('GET', `/v2/teams/${id}`, { token: outsider.token }), 404, 'not_found');
  });

  it('the team keeps at least one owner; a member may leave', async () => {
    const { id, owner, member } = await teamWithRoles();
    expectError(await api('PATCH', `/v2/teams/${id}/members/${owner.user.id}`, { token: owner.token, body: { role: 'admin' } }), 409, 'conflict');
    expectError(await api('DELETE', `/v2/teams/${id}/members/${owner.user.id}`, { token: owner.token }), 409, 'conflict');
    expect((await api('PATCH', `/v2/teams/${id}/members/${member.user.id}`, { token: owner.token, body: { role: 'owner' } })).status).toBe(200);
    expect((await api('DELETE', `/v2/teams/${id}/members/${owner.user.id}`, { token: owner.token })).status).toBe(204);
    expectError(await api('GET', `/v2/teams/${id}`, { token: owner.token }), 404, 'not_found');
    // The new owner is the last one now.
    expectError(await api('DELETE', `/v2/teams/${id}/members/${member.user.id}`, { token: member.token }), 409, 'conflict');
  });

  it('a super admin can do everything without being a member', async () => {
    const { id, member, outsider } = await teamWithRoles();
    const root = await makeAdmin();
    const t = root.token;
    expect((await api('GET', `/v2/teams/${id}`, { token: t })).json).toMatchObject({ id, role: null });
    expect((await api('GET', '/v2/teams?limit=200', { token: t })).status).toBe(200);
    expect((await api('POST', `/v2/teams/${id}/members`, { token: t, body: { user_id: outsider.user.id, role: 'owner' } })).status).toBe(201);
    expect((await api('PATCH', `/v2/teams/${id}/members/${member.user.id}`, { token: t, body: { role: 'admin' } })).status).toBe(200);
    expect((await api('PATCH', `/v2/teams/${id}`, { token: t, body: { slug: slug() } })).status).toBe(200);
    expect((await api('DELETE', `/v2/teams/${id}`, { token: t })).status).toBe(204);
    expectError(await api('GET', `/v2/teams/${id}`, { token: t }), 404, 'not_found');
  });

  it('a super admin adding by an unknown email or id gets a 400 on that field; bad ids are 404', async () => {
    const { id, owner } = await teamWithRoles();
    const root = await makeAdmin();
    const res = await api('POST', `/v2/teams/${id}/members`, { token: root.token, body: { email: 'nobody-here@example.com' } });
    expectError(res, 400, 'validation_failed');
    expect(res.json.error.issues).toEqual([{ path: 'email', message: 'User not found' }]);
    expectError(await api('POST', `/v2/teams/${id}/members`, { token: root.token, body: {} }), 400, 'validation_failed');
    expectError(await api('POST', `/v2/teams/${id}/members`, { token: root.token, body: { user_id: 1, email: 'a@b.co' } }), 400, 'validation_failed');
    expectError(await api('GET', '/v2/teams/0x1', { token: owner.token }), 404, 'not_found');
    expectError(await api('PATCH', `/v2/teams/${id}/members/999999999`, { token: owner.token, body: { role: 'admin' } }), 404, 'not_found');
  });

  it('lists pages of teams and members with a cursor', async () => {
    const owner = await makeUser();
    for (let i = 0; i < 3; i++) await api('POST', '/v2/teams', { token: owner.token, body: { name: `T${i}`, slug: slug() } });
    const first = await api('GET', '/v2/teams?limit=2', { token: owner.token });
    expect(first.json.data).toHaveLength(2);
    const second = await api('GET', `/v2/teams?limit=2&cursor=${first.json.next_cursor}`, { token: owner.token });
    expect(second.json.data).toHaveLength(1);
    expect(second.json.next_cursor).toBeNull();
  });
});
