// Workflow test helpers: a host with a 24 h and a 1 h reminder, and the host object's clock moved for one call.
import { env, runInDurableObject } from 'cloudflare:test';
import { expect } from 'vitest';
import { hostCalendar } from '../src/bookings/stub';
import type { HostCalendar } from '../src/bookings/host-calendar';
import { api, hostWithEventType } from './helpers';

export function reminderWorkflow(token: string, eventTypeId: number, offsetMinutes: number, extra: Record<string, unknown> = {}) {
  return api('POST', `/v2/event-types/${eventTypeId}/workflows`, {
    token,
    body: { name: `${offsetMinutes} min before`, trigger: 'before_start', offset_minutes: offsetMinutes, steps: [{ action: 'email_attendee' }], ...extra },
  });
}

/** Runs `fn` with the host's object clock at `now`, then puts it back. */
export async function atTime<T>(hostId: number, now: number, fn: () => Promise<T>): Promise<T> {
  const stub = hostCalendar(env, hostId);
  await runInDurableObject(stub, (obj) => void ((obj as unknown as HostCalendar).clock = () => now));
  try {
    return await fn();
  } finally {
    await runInDurableObject(stub, (obj) => void ((obj as unknown as HostCalendar).clock = () => Date.now()));
  }
}

export async function hostWithReminders(eventType: Record<string, unknown> = {}) {
  const host = await hostWithEventType(eventType);
  for (const minutes of [24 * 60, 60]) expect((await reminderWorkflow(host.token, host.eventType.id, minutes)).status).toBe(201);
  return host;
}

