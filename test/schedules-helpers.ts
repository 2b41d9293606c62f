// Shared by the schedule tests (schedules: CRUD and defaults; schedules-overrides: date overrides).
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { api, create } from './helpers';

export const EPOCH = '1970-01-01T00:00:00.000Z';
export const WEEKDAYS_9_TO_5 = [1, 2, 3, 4, 5].map((day) => ({ day_of_week: day, start_time: '09:00', end_time: '17:00' }));

export const createSchedule = (token: string, body: Record<string, unknown> = {}) =>
  create('/v2/schedules', token, { name: 'Evenings', timezone: 'Europe/Berlin', ...body });

export async function listOwn(token: string) {
  const res = await api('GET', '/v2/schedules?limit=200', { token });
  expect(res.status).toBe(200);
  return res.json.data as { id: number; name: string; is_default: boolean }[];
}

export const defaults = async (token: string) => (await listOwn(token)).filter((s) => s.is_default).map((s) => s.id);

/** Makes `updated_at` old, so a test can see whether a request touched the schedule. */
export const ageSchedule = (id: number) => env.DB.prepare('UPDATE booking_schedules SET updated_at = 0 WHERE id = ?').bind(id).run();

export function datesFrom(start: string, count: number): string[] {
  const first = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(first + i * 86_400_000).toISOString().slice(0, 10));
}
