// Team event types: members see them, owners and admins (and super admins) create, change and delete them. Hosts
// must be members of the team; the slug is unique within the team.
import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import type { EventType, User } from '../db/schema';
import { ApiError, notFound } from '../lib/errors';
import type { CreateTeamEventTypeBody, HostInput, UpdateTeamEventTypeBody } from './event-type-schemas';
import { deleteTeamEventType, findTeamEventType, hostsOf, insertTeamEventType, membersAmong, updateTeamEventType, teamEventTypeJson } from './event-types-repo';
import { managedTeam, teamFor } from './service';
import { paymentConflict } from '../payments/money';

/** A price needs its currency (and an amount the currency can charge); money goes to the team owner's Stripe account. */
function assertPayable(price: number | null, currency: string | null) {
  const conflict = paymentConflict({ price, currency, seatsPerTimeSlot: null, recurringEvent: null });
  if (conflict) throw new ApiError('validation_failed', 'Request validation failed', [conflict]);
}

const slugTaken = () => new ApiError('conflict', 'The team already has an event type with this slug');

async function assertHostsAreMembers(db: Db, teamId: number, hosts: HostInput[] | undefined) {
  if (!hosts?.length) return;
  const members = await membersAmong(db, teamId, hosts.map((h) => h.userId));
  const issues = hosts.flatMap((h, i) => (members.has(h.userId) ? [] : [{ path: `hosts.${i}.user_id`, message: 'Not a member of this team' }]));
  if (issues.length) throw new ApiError('validation_failed', 'Request validation failed', issues);
}

async function withHosts(db: Db, teamId: number, et: EventType) {
  return teamEventTypeJson(et, (await hostsOf(db, teamId, [et])).get(et.id) ?? []);
}

export async function teamEventTypesJson(db: Db, teamId: number, ets: EventType[]) {
  const hosts = await hostsOf(db, teamId, ets);
  return ets.map((et) => teamEventTypeJson(et, hosts.get(et.id) ?? []));
}

export async function getTeamEventType(db: Db, actor: User, teamId: number, id: number) {
  await teamFor(db, actor, teamId);
  const et = await findTeamEventType(db, teamId, id);
  if (!et) throw notFound('Event type');
  return withHosts(db, teamId, et);
}

export async function createTeamEventType(db: Db, actor: User, teamId: number, body: CreateTeamEventTypeBody) {
  await managedTeam(db, actor, teamId);
  assertPayable(body.price, body.currency);
  await assertHostsAreMembers(db, teamId, body.hosts);
  try {
    return await withHosts(db, teamId, await insertTeamEventType(db, teamId, actor.id, body));
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken();
    throw error;
  }
}

export async function changeTeamEventType(db: Db, actor: User, teamId: number, id: number, body: UpdateTeamEventTypeBody) {
  await managedTeam(db, actor, teamId);
  const et = await findTeamEventType(db, teamId, id);
  if (!et) throw notFound('Event type');
  assertPayable(body.price === undefined ? et.price : body.price, body.currency === undefined ? et.currency : body.currency);
  await assertHostsAreMembers(db, teamId, body.hosts);
  const assignAll = body.assign_all_team_members ?? et.assignAllTeamMembers;
  if (!assignAll && body.hosts?.length === 0) {
    throw new ApiError('validation_failed', 'Request validation failed', [{ path: 'hosts', message: 'Give hosts or assign_all_team_members: true' }]);
  }
  try {
    const updated = await updateTeamEventType(db, id, body);
    if (!updated) throw notFound('Event type');
    return withHosts(db, teamId, updated);
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken();
    throw error;
  }
}

export async function removeTeamEventType(db: Db, actor: User, teamId: number, id: number) {
  await managedTeam(db, actor, teamId);
  const et = await findTeamEventType(db, teamId, id);
  if (!et) throw notFound('Event type');
  await deleteTeamEventType(db, id);
}
