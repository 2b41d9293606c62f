// Look-ups only the admin pages need: names to show next to ids, and the people an owner can be chosen from.
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { bookingHosts, eventTypes, users, type EventType, type User } from '../db/schema';

export type Person = Pick<User, 'id' | 'name' | 'email'>;

// Ids travel as one JSON parameter: D1 binds at most 100 parameters per statement, and a page holds more rows.
const idsIn = (column: typeof users.id | typeof eventTypes.id, ids: number[]) =>
  sql`${column} IN (SELECT value FROM json_each(${JSON.stringify([...new Set(ids)])}))`;

export async function peopleByIds(db: Db, ids: number[]): Promise<Map<number, Person>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(idsIn(users.id, ids)).all();
  return new Map(rows.map((r) => [r.id, r]));
}

export async function eventTypesByIds(db: Db, ids: number[]): Promise<Map<number, Pick<EventType, 'id' | 'title' | 'slug' | 'bookingFields'>>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: eventTypes.id, title: eventTypes.title, slug: eventTypes.slug, bookingFields: eventTypes.bookingFields })
    .from(eventTypes)
    .where(idsIn(eventTypes.id, ids))
    .all();
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Every host attending each booking (booking_hosts), the organizer among them, by user id: a team booking shows all
 * its hosts. One query for the page.
 */
export async function hostsOfBookings(db: Db, bookingIds: number[]): Promise<Map<number, Person[]>> {
  const out = new Map<number, Person[]>();
  if (bookingIds.length === 0) return out;
  const rows = await db
    .select({ bookingId: bookingHosts.bookingId, id: users.id, name: users.name, email: users.email })
    .from(bookingHosts)
    .innerJoin(users, eq(users.id, bookingHosts.userId))
    .where(sql`${bookingHosts.bookingId} IN (SELECT value FROM json_each(${JSON.stringify([...new Set(bookingIds)])}))`)
    .orderBy(asc(bookingHosts.bookingId), asc(users.id))
    .all();
  for (const { bookingId, ...person } of rows) {
    const list = out.get(bookingId);
    if (list) list.push(person);
    else out.set(bookingId, [person]);
  }
  return out;
}

/** Whom a new event type or webhook may belong to: active accounts, by name. */
export async function activePeople(db: Db, limit = 1000): Promise<Person[]> {
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(eq(users.isActive, true))
    .orderBy(asc(users.name), asc(users.id))
    .limit(limit)
    .all();
}
