// Creating a user is three writes that must land together: the user, a default schedule, its weekly hours.
// They are plain SQL so that the Worker (D1 batch) and the `user:create` / seed scripts (wrangler d1 execute)
// run the very same statements.

import { USERNAME_MAX, usernameFromEmail } from './username';

export interface SqlStatement {
  sql: string;
  params: (string | number | null)[];
}

export interface NewUser {
  email: string;
  /** When absent, derived from the email (with a random suffix if that one is taken). */
  username?: string;
  name: string;
  passwordHash: string;
  role: 'user' | 'super_admin';
  timezone: string;
}

/** Monday to Friday, 09:00-17:00 in the user's timezone: a fresh event type is bookable at once. */
export const DEFAULT_WEEKLY_HOURS = [1, 2, 3, 4, 5].map((day) => ({ dayOfWeek: day, startTime: '09:00', endTime: '17:00' }));

/**
 * Statements for a new user; with `ifAbsent` they do nothing when the email already exists (idempotent seeding).
 * Later statements find the user by email, so no id has to travel between them.
 */
export function provisionUserStatements(user: NewUser, now: number, ifAbsent = false): SqlStatement[] {
  const userId = '(SELECT id FROM users WHERE email = ?)';
  const suffix = randomSuffix();
  // A given username is taken as is (the unique index refuses a duplicate); a derived one steps aside when taken.
  const username: SqlStatement = user.username
    ? { sql: '?', params: [user.username] }
    : (() => {
        const derived = usernameFromEmail(user.email, suffix);
        const other = `${derived.slice(0, USERNAME_MAX - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
        return { sql: 'CASE WHEN EXISTS (SELECT 1 FROM users WHERE username = ?) THEN ? ELSE ? END', params: [derived, other, derived] };
      })();
  const statements: SqlStatement[] = [
    {
      sql: `INSERT INTO users (email, username, name, password_hash, role, timezone, is_active, created_at, updated_at)
            VALUES (?, ${username.sql}, ?, ?, ?, ?, 1, ?, ?)${ifAbsent ? ' ON CONFLICT(email) DO NOTHING' : ''}`,
      params: [user.email, ...username.params, user.name, user.passwordHash, user.role, user.timezone, now, now],
    },
    {
      sql: `INSERT INTO booking_schedules (user_id, name, timezone, is_default, created_at, updated_at)
            SELECT ${userId}, 'Working hours', ?, 1, ?, ?
            WHERE NOT EXISTS (SELECT 1 FROM booking_schedules WHERE user_id = ${userId})`,
      params: [user.email, user.timezone, now, now, user.email],
    },
  ];
  for (const { dayOfWeek, startTime, endTime } of DEFAULT_WEEKLY_HOURS) {
    statements.push({
      sql: `INSERT INTO booking_availability (schedule_id, day_of_week, start_time, end_time)
            SELECT s.id, ?, ?, ? FROM booking_schedules s
            WHERE s.user_id = ${userId} AND s.is_default = 1
              AND NOT EXISTS (SELECT 1 FROM booking_availability a WHERE a.schedule_id = s.id AND a.day_of_week = ?)`,
      params: [dayOfWeek, startTime, endTime, user.email, dayOfWeek],
    });
  }
  return statements;
}

/** Inlines parameters as SQL literals, for `wrangler d1 execute --command`, which takes no bindings. */
export function inlineSql({ sql, params }: SqlStatement): string {
  let i = 0;
  return sql.replace(/\?/g, () => {
    const value = params[i++];
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'number') return String(value);
    return `'${value.replace(/'/g, "''")}'`;
  });
}

/** Six random lowercase hex digits (Web Crypto: the same in the Worker and in Node scripts). */
function randomSuffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
