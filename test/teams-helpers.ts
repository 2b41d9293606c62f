// Shared setup for the team tests: a team of fresh users and its event types.
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { api, makeUser } from './helpers';

export type TestUser = Awaited<ReturnType<typeof makeUser>>;

export async function makeTeam(memberOpts: { timezone?: string }[] = [{}, {}]) {
  const owner = await makeUser();
  const slug = `team-${Math.random().toString(36).slice(2, 10)}`;
  const created = await api('POST', '/v2/teams', { token: owner.token, body: { name: 'Team Rocket', slug } });
  expect(created.status).toBe(201);
  const members: TestUser[] = [];
  for (const opts of memberOpts) {
    const member = await makeUser(opts);
    await joinTeam(created.json.id, owner.token, member);
    members.push(member);
  }
  return { id: created.json.id as number, slug, owner, members };
}

/** POST /v2/teams/{id}/invitations by an owner or admin. */
export function invite(teamId: number, token: string, email: string, role?: 'owner' | 'admin' | 'member') {
  return api('POST', `/v2/teams/${teamId}/invitations`, { token, body: { email, ...(role ? { role } : {}) } });
}

/** Membership by consent: invited by `inviterToken`, accepted by the user through the invitation's link. */
export async function joinTeam(teamId: number, inviterToken: string, user: TestUser, role?: 'owner' | 'admin' | 'member') {
  const invited = await invite(teamId, inviterToken, user.user.email, role);
  expect(invited.status).toBe(201);
  const accepted = await api('POST', new URL(invited.json.accept_url).pathname, { token: user.token });
  expect(accepted.status).toBe(201);
  return accepted.json;
}

export async function teamEventType(teamId: number, token: string, body: Record<string, unknown>) {
  const res = await api('POST', `/v2/teams/${teamId}/event-types`, {
    token,
    body: { title: 'Team Call', slug: `call-${Math.random().toString(36).slice(2, 10)}`, duration_minutes: 30, ...body },
  });
  if (res.status !== 201) throw new Error(`team event type not created: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as { id: number; slug: string; hosts: { user_id: number }[]; [k: string]: unknown };
}

/** Pairs of live bookings in which this user takes time and whose occupied spans overlap: must always be zero. */
export async function overlapsOfHost(userId: number): Promise<number> {
  const row = await env.DB.prepare(
    `SELECT COUNT(*) AS n
       FROM booking_hosts x JOIN bookings a ON a.id = x.booking_id
       JOIN booking_hosts y ON y.user_id = x.user_id AND y.booking_id > x.booking_id JOIN bookings b ON b.id = y.booking_id
      WHERE x.user_id = ? AND a.status IN ('accepted','pending') AND b.status IN ('accepted','pending')
        AND x.occupied_start < y.occupied_end AND y.occupied_start < x.occupied_end`,
  )
    .bind(userId)
    .first<{ n: number }>();
  return row!.n;
}

export async function hostsOfBooking(uid: string): Promise<number[]> {
  const rows = await env.DB.prepare('SELECT bh.user_id FROM booking_hosts bh JOIN bookings b ON b.id = bh.booking_id WHERE b.uid = ? ORDER BY bh.user_id')
    .bind(uid)
    .all<{ user_id: number }>();
  return rows.results.map((r) => r.user_id);
}

export const statuses = (results: { status: number }[]) =>
  results.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

export const slotStarts = (json: any): string[] => Object.values(json.slots as Record<string, { start: string }[]>).flat().map((s) => s.start);
