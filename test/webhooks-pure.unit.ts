import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RETRY_DELAY_SECONDS, retryAfterFailure, retryDelaySeconds, retrySettings } from '../src/webhooks/backoff';
import { bookingEnvelope, pingEnvelope, type BookingEventSnapshot } from '../src/webhooks/payload';
import { deliveryHeaders, signBody, verifyBody } from '../src/webhooks/signing';
import { parseIPv6 } from '../src/lib/ip';
import { checkSubscriberUrl, privateUrlsAllowed } from '../src/webhooks/url-guard';

describe('webhook signatures', () => {
  // Expected values computed outside the Worker with the spec's algorithm:
  // python3 -c 'import hmac,hashlib;print(hmac.new(b"whsec_test",BODY,hashlib.sha256).hexdigest())'
  const BODY = '{"triggerEvent":"BOOKING_CREATED","createdAt":"2025-11-15T14:00:00.000Z","payload":{"uid":"abc","title":"Café chat"}}';
  const EXPECTED = '90baf8482f7ee6dc3558fd4cf1182d58667f8cdfe247ba65a10a60a9ddf67e0b';

  it('signs the exact body bytes (UTF-8) like the spec’s Python verify_webhook_signature', async () => {
    expect(await signBody('whsec_test', BODY)).toBe(EXPECTED);
    expect(await signBody('whsec_test', '')).toBe('43c0f4d23c8e8841358fad4624b1a592799222b29f25bb59baea43cdcb522ed1');
  });

  it('verifies a good signature and rejects a changed body, secret or signature', async () => {
    expect(await verifyBody('whsec_test', BODY, EXPECTED)).toBe(true);
    expect(await verifyBody('whsec_test', BODY, EXPECTED.toUpperCase())).toBe(true);
    expect(await verifyBody('whsec_test', BODY + ' ', EXPECTED)).toBe(false);
    expect(await verifyBody('whsec_other', BODY, EXPECTED)).toBe(false);
    expect(await verifyBody('whsec_test', BODY, EXPECTED.slice(0, -1) + '0')).toBe(false);
    expect(await verifyBody('whsec_test', BODY, 'not-hex')).toBe(false);
  });

  it('sends the signature, a stable webhook-id, the attempt time in unix seconds and the JSON content type', async () => {
    const headers = await deliveryHeaders('whsec_test', BODY, 'msg_abc_1', Date.parse('2025-11-15T14:00:05.900Z'));
    expect(headers).toMatchObject({
      'Content-Type': 'application/json',
      'X-Cal-Signature-256': EXPECTED,
      'webhook-id': 'msg_abc_1',
      'webhook-timestamp': String(Date.parse('2025-11-15T14:00:05Z') / 1000),
    });
  });
});

describe('retry backoff', () => {
  it('retries a failure that may pass while attempts remain, and gives up after the last one or on a permanent one (every outbox)', () => {
    const settings = { maxAttempts: 3, baseSeconds: 60 };
    expect(retryAfterFailure(1, false, settings, () => 0.5)).toBe(60);
    expect(retryAfterFailure(2, false, settings, () => 0.5)).toBe(120);
    expect(retryAfterFailure(3, false, settings, () => 0.5)).toBeNull();
    expect(retryAfterFailure(1, true, settings, () => 0.5)).toBeNull();
  });

  it('doubles from the base with +-20% jitter', () => {
    expect(retryDelaySeconds(1, 60, () => 0.5)).toBe(60);
    expect(retryDelaySeconds(2, 60, () => 0.5)).toBe(120);
    expect(retryDelaySeconds(7, 60, () => 0.5)).toBe(3840);
    expect(retryDelaySeconds(3, 60, () => 0)).toBe(192);
    expect(retryDelaySeconds(3, 60, () => 0.999999)).toBe(288);
  });

  it('spreads the production default of 8 attempts over about two hours', () => {
    const total = [1, 2, 3, 4, 5, 6, 7].reduce((sum, n) => sum + retryDelaySeconds(n, 60, () => 0.5), 0);
    expect(total).toBe(7620);
  });

  it('is always a whole number of seconds between 1 and the Queues limit, within 20% of nominal below the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 86_400 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, base, r) => {
          const delay = retryDelaySeconds(attempt, base, () => r);
          const nominal = base * 2 ** (attempt - 1);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(1);
          expect(delay).toBeLessThanOrEqual(MAX_RETRY_DELAY_SECONDS);
          if (nominal * 1.2 < MAX_RETRY_DELAY_SECONDS) {
            expect(delay).toBeGreaterThanOrEqual(Math.floor(nominal * 0.8));
            expect(delay).toBeLessThanOrEqual(Math.ceil(nominal * 1.2));
          }
        },
      ),
    );
  });

  it('never waits less after a later attempt (same jitter draw)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 3600 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (n, base, r) => {
        expect(retryDelaySeconds(n + 1, base, () => r)).toBeGreaterThanOrEqual(retryDelaySeconds(n, base, () => r));
      }),
    );
  });

  it('reads the vars, falling back to the production defaults on nonsense', () => {
    expect(retrySettings({ WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_RETRY_BASE_SECONDS: '1' })).toEqual({ maxAttempts: 3, baseSeconds: 1 });
    expect(retrySettings({ WEBHOOK_MAX_ATTEMPTS: 'many', WEBHOOK_RETRY_BASE_SECONDS: '0' })).toEqual({ maxAttempts: 8, baseSeconds: 900 });
    expect(retrySettings({})).toEqual({ maxAttempts: 8, baseSeconds: 900 });
  });
});

describe('subscriber URL guard', () => {
  const strict = { allowPrivate: false };
  const dev = { allowPrivate: true };
  const reasonOf = (url: string, opts = strict) => {
    const verdict = checkSubscriberUrl(url, opts);
    return verdict.ok ? null : verdict.reason;
  };

  it.each([
    'https://yourapp.com/webhooks/bookings',
    'https://hooks.example.com:8443/x?y=1',
    'https://8.8.8.8/hook',
    'https://172.32.0.1/',
    'https://100.128.0.1/',
    'https://[2606:4700:4700::1111]/hook',
    'https://localhost.example.com/',
  ])('accepts the public https URL %s', (url) => {
    expect(reasonOf(url)).toBeNull();
  });

  it.each([
    ['not a url', /absolute URL/],
    ['/relative/path', /absolute URL/],
    ['http://yourapp.com/hook', /https/],
    ['ftp://yourapp.com/hook', /https/],
    ['https://user:pass@yourapp.com/hook', /credentials/],
    ['https://10.1.2.3/', /private/],
    ['https://172.16.0.1/', /private/],
    ['https://172.31.255.255/', /private/],
    ['https://192.168.1.10/', /private/],
    ['https://127.0.0.1/', /loopback/],
    ['https://127.9.9.9:8443/', /loopback/],
    ['https://169.254.169.254/latest/meta-data', /link-local/],
    ['https://0.0.0.0/', /unspecified/],
    ['https://100.64.0.1/', /shared/],
    ['https://100.127.255.255/', /shared/],
    ['https://2130706433/', /loopback/], // 127.0.0.1 as one number: the URL parser normalizes it
    ['https://0x7f.1/', /loopback/],
    ['https://[::1]/', /loopback/],
    ['https://[0:0:0:0:0:0:0:1]/', /loopback/],
    ['https://[::]/', /unspecified/],
    ['https://[fc00::1]/', /unique local/],
    ['https://[fd12:3456::1]/', /unique local/],
    ['https://[fe80::1]/', /link-local/],
    ['https://[febf::1]/', /link-local/],
    ['https://[::ffff:127.0.0.1]/', /loopback/],
    ['https://[::ffff:10.0.0.1]/', /private/],
    ['https://[64:ff9b::192.168.0.1]/', /private/],
    ['https://localhost/', /localhost/],
    ['https://LOCALHOST./', /localhost/],
    ['https://api.localhost/', /localhost/],
    ['https://printer.local/', /local-only/],
    ['https://metadata.google.internal/', /local-only/],
  ])('rejects %s', (url, reason) => {
    expect(reasonOf(url)).toMatch(reason);
  });

  it('with WEBHOOK_ALLOW_PRIVATE_URLS allows http and private hosts, but still only http(s) without credentials', () => {
    for (const url of ['http://127.0.0.1:8790/hook', 'http://localhost:3000/', 'https://[::1]/', 'http://10.0.0.5/', 'http://printer.local/']) {
      expect(reasonOf(url, dev)).toBeNull();
    }
    expect(reasonOf('ftp://127.0.0.1/', dev)).toMatch(/http or https/);
    expect(reasonOf('http://u:p@127.0.0.1/', dev)).toMatch(/credentials/);
    expect(reasonOf('nonsense', dev)).toMatch(/absolute URL/);
  });

  it('reads only the exact string "true" as permission', () => {
    expect(privateUrlsAllowed({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' })).toBe(true);
    expect(privateUrlsAllowed({ WEBHOOK_ALLOW_PRIVATE_URLS: 'false' })).toBe(false);
    expect(privateUrlsAllowed({ WEBHOOK_ALLOW_PRIVATE_URLS: 'TRUE' })).toBe(false);
    expect(privateUrlsAllowed({})).toBe(false);
  });

  it('parses IPv6 text forms into eight groups', () => {
    expect(parseIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('fe80::')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6('::ffff:10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIPv6('1:2:3:4:5:6:7')).toBeNull();
    expect(parseIPv6('1::2::3')).toBeNull();
    expect(parseIPv6('fe80::1%eth0')).toBeNull();
  });
});

describe('webhook bodies', () => {
  const snapshot: BookingEventSnapshot = {
    trigger: 'BOOKING_RESCHEDULED',
    hostId: 7,
    booking: {
      uid: 'bk_123',
      title: 'Coffee Chat between Host and Jane Doe',
      description: 'Quick chat',
      startAt: Date.parse('2025-11-16T15:00:00Z'),
      endAt: Date.parse('2025-11-16T15:30:00Z'),
      status: 'accepted',
      locationType: 'google_meet',
      locationValue: null,
      metadata: { source: 'test' },
      cancellationReason: null,
      rejectionReason: null,
    },
    eventType: { id: 3, slug: 'coffee-chat', durationMinutes: 30 },
    organizer: { id: 7, name: 'Host', email: 'host@example.com', timezone: 'America/New_York' },
    attendee: { name: 'Jane Doe', email: 'jane@example.com', timezone: 'Europe/Paris', notes: null },
    reschedule: { previousStartAt: Date.parse('2025-11-15T14:00:00Z'), previousEndAt: Date.parse('2025-11-15T14:30:00Z'), reason: null },
  };

  it('uses Cal.com’s envelope and field names, with the previous times of a reschedule', () => {
    const envelope = bookingEnvelope(snapshot, Date.parse('2025-11-10T08:00:00Z'));
    expect(envelope).toEqual({
      triggerEvent: 'BOOKING_RESCHEDULED',
      createdAt: '2025-11-10T08:00:00.000Z',
      payload: {
        type: 'coffee-chat',
        title: 'Coffee Chat between Host and Jane Doe',
        description: 'Quick chat',
        additionalNotes: '',
        startTime: '2025-11-16T15:00:00.000Z',
        endTime: '2025-11-16T15:30:00.000Z',
        organizer: { id: 7, name: 'Host', email: 'host@example.com', timeZone: 'America/New_York' },
        attendees: [{ name: 'Jane Doe', email: 'jane@example.com', timeZone: 'Europe/Paris' }],
        responses: {
          name: { label: 'your_name', value: 'Jane Doe' },
          email: { label: 'email_address', value: 'jane@example.com' },
          notes: { label: 'additional_notes' },
        },
        location: 'integrations:google:meet',
        uid: 'bk_123',
        bookingId: null,
        eventTypeId: 3,
        length: 30,
        status: 'ACCEPTED',
        metadata: { source: 'test' },
        rescheduleUid: 'bk_123',
        rescheduleStartTime: '2025-11-15T14:00:00.000Z',
        rescheduleEndTime: '2025-11-15T14:30:00.000Z',
      },
    });
  });

  it('carries the reason of a cancellation or a decline only on those triggers', () => {
    const cancelled = bookingEnvelope(
      { ...snapshot, trigger: 'BOOKING_CANCELLED', booking: { ...snapshot.booking, status: 'cancelled', cancellationReason: 'Sick' } },
      0,
    );
    expect(cancelled.payload).toMatchObject({ status: 'CANCELLED', cancellationReason: 'Sick' });
    expect(cancelled.payload).not.toHaveProperty('rescheduleUid');
    expect(cancelled.payload).not.toHaveProperty('rejectionReason');
    const rejected = bookingEnvelope(
      { ...snapshot, trigger: 'BOOKING_REJECTED', booking: { ...snapshot.booking, status: 'rejected', rejectionReason: 'Busy' } },
      0,
    );
    expect(rejected.payload).toMatchObject({ status: 'REJECTED', rejectionReason: 'Busy' });
    expect(rejected.payload).not.toHaveProperty('cancellationReason');
  });

  it('prefers the concrete location and shows the attendee’s notes', () => {
    const envelope = bookingEnvelope(
      {
        ...snapshot,
        trigger: 'BOOKING_CREATED',
        booking: { ...snapshot.booking, locationType: 'in_person', locationValue: '1 Main St', metadata: null, status: 'pending' },
        attendee: { ...snapshot.attendee, notes: 'Looking forward' },
      },
      0,
    );
    expect(envelope.payload).toMatchObject({
      location: '1 Main St',
      metadata: {},
      status: 'PENDING',
      additionalNotes: 'Looking forward',
      responses: { notes: { label: 'additional_notes', value: 'Looking forward' } },
    });
  });

  it('pings with Cal.com’s PING test event organized by the webhook owner', () => {
    const ping = pingEnvelope({ id: 1, name: 'Owner', email: 'o@example.com', timezone: 'UTC' }, Date.parse('2025-11-10T08:20:00Z'));
    expect(ping).toMatchObject({
      triggerEvent: 'PING',
      createdAt: '2025-11-10T08:20:00.000Z',
      payload: {
        type: 'Test',
        title: 'Test trigger event',
        startTime: '2025-11-10T10:00:00.000Z',
        endTime: '2025-11-10T10:30:00.000Z',
        organizer: { id: 1, name: 'Owner', email: 'o@example.com', timeZone: 'UTC' },
      },
    });
  });
});
