// Team bookings' webhooks: Cal.com's `team` (name and the attending hosts) and `organizer` (the assigned host).
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bookingEnvelopeSchemas } from '../src/webhooks/envelopes';
import { api, book, upcomingDate } from './helpers';
import { makeTeam, teamEventType } from './teams-helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;

beforeEach(() => {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('ok', { status: 200 }));
});
afterEach(() => vi.restoreAllMocks());

async function createdPayload(uid: string) {
  const row = await env.DB.prepare(
    `SELECT d.payload FROM booking_webhook_deliveries d JOIN bookings b ON b.id = d.booking_id WHERE b.uid = ? AND d.trigger_event = 'BOOKING_CREATED'`,
  )
    .bind(uid)
    .first<{ payload: string }>();
  return JSON.parse(row!.payload) as { triggerEvent: 'BOOKING_CREATED'; createdAt: string; payload: Record<string, any> };
}

describe('team booking webhooks', () => {
  it('a round-robin booking names the assigned host as organizer and the team with its attending hosts', async () => {
    const team = await makeTeam([{}, {}, {}]);
    const [fixed, a, b] = team.members as [any, any, any];
    const et = await teamEventType(team.id, team.owner.token, {
      scheduling_type: 'round_robin',
      hosts: [{ user_id: fixed.user.id, is_fixed: true }, { user_id: a.user.id, priority: 4 }, { user_id: b.user.id }],
    });
    // The assigned host's webhooks fire.
    const hook = await api('POST', '/v2/webhooks', { token: a.token, body: { subscriber_url: 'https://hooks.example.com/team', event_triggers: ['BOOKING_CREATED'] } });
    expect(hook.status).toBe(201);
    const booked = await book(et.id, at('10:00'));
    expect(booked.status).toBe(201);
    expect(booked.json.host_id).toBe(a.user.id);
    const envelope = await createdPayload(booked.json.uid);
    expect(envelope.payload.organizer).toMatchObject({ id: a.user.id, email: a.user.email });
    expect(envelope.payload.team.name).toBe('Team Rocket');
    expect(envelope.payload.team.members.map((m: any) => m.id)).toEqual([fixed.user.id, a.user.id].sort((x, y) => x - y));
    expect(bookingEnvelopeSchemas.BOOKING_CREATED.safeParse(envelope).success).toBe(true);
  });
});
