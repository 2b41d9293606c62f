// Creating a user is three writes that must land together: the user, a default schedule, its weekly hours.
// They are plain SQL so that the Worker (D1 batch) and the `user:create` / seed scripts (wrangler d1 execute)
// run the very same statements.

export interface SqlStatement {
  sql: string;
  params: (string | number | null)[];
}

export interface NewUser {
  email: string;
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
  const statements: SqlStatement[] = [
    {
      sql: `INSERT INTO users (email, name, password_hash, role, timezone, is_active, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, 1, ?, ?)${ifAbsent ? ' ON CONFLICT(email) DO NOTHING' : ''}`,
      params: [user.email, user.name, user.passwordHash, user.role, user.timezone, now, now],
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
