/**
 * The admin in a real browser: headless Chromium (driven by playwright-core) against the suite's shared `wrangler dev`
 * (workerd, local D1, Durable Objects, Queues; test/e2e/global-setup.ts), into which this file seeds a super admin and a
 * host with an event type. Other files' rows share the database: lists are read for this file's host. Screenshots of each tab land in test-results/screenshots/.
 *
 * Needs Chromium at /usr/bin/chromium (Debian: `apt-get install -y chromium`) or at $CHROMIUM_PATH.
 */
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/crypto';
import { randomToken, sha256Hex } from '../../src/lib/crypto';
import { provisionUserStatements, type SqlStatement } from '../../src/users/provision';
import Stripe from 'stripe';
import { startStripeSite } from './stripe-site';
import { connectBrowser, seedShared, sharedServer } from './harness';
const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

const ADMIN = { email: 'e2e-admin@calflare.dev', password: 'e2e-admin-password', name: 'Erin Admin' };
const HOST = { email: 'e2e-host@calflare.dev', password: 'e2e-host-password', name: 'Hugo Host' };

/** YYYY-MM-DD of the first Monday at least a week away (the host works Mon-Fri 09:00-17:00 UTC). */
function nextMonday(): string {
  const d = new Date(Date.now() + 7 * 86_400_000);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

let browser: Browser;
let base: string;
let adminToken: string;
let hostToken: string;
let hostId: number;
let eventTypeId: number;
let context: BrowserContext | undefined;
let page: Page;
let receiver: Server | undefined;
let receiverUrl: string;
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
const cspViolations: string[] = [];

async function seedStatements(): Promise<SqlStatement[]> {
  const now = Date.now();
  adminToken = randomToken();
  hostToken = randomToken();
  const hostId = '(SELECT id FROM users WHERE email = ?)';
  return [
    ...provisionUserStatements({ ...ADMIN, role: 'super_admin', timezone: 'UTC', passwordHash: await hashPassword(ADMIN.password) }, now),
    ...provisionUserStatements({ ...HOST, role: 'user', timezone: 'UTC', passwordHash: await hashPassword(HOST.password) }, now),
    {
      sql: `INSERT INTO booking_event_types (owner_id, schedule_id, title, slug, description, duration_minutes, buffer_before_minutes,
              buffer_after_minutes, minimum_notice_hours, booking_window_days, location_type, location_value, requires_confirmation,
              is_active, created_at, updated_at)
            SELECT ${hostId}, s.id, 'Intro Call', 'intro-call', 'First conversation.', 30, 0, 0, 0, 60, 'google_meet',
              'https://meet.google.com/e2e', 0, 1, ?, ?
            FROM booking_schedules s WHERE s.user_id = ${hostId} AND s.is_default = 1`,
      params: [HOST.email, now, now, HOST.email],
    },
    {
      // A session for checking the browser's work through the API.
      sql: `INSERT INTO sessions (token_hash, user_id, expires_at, created_at) SELECT ?, id, ?, ? FROM users WHERE email = ?`,
      params: [await sha256Hex(adminToken), now + 86_400_000, now, ADMIN.email],
    },
    {
      // The host's own session: the one way to learn its id in a database other files share.
      sql: `INSERT INTO sessions (token_hash, user_id, expires_at, created_at) SELECT ?, id, ?, ? FROM users WHERE email = ?`,
      params: [await sha256Hex(hostToken), now + 86_400_000, now, HOST.email],
    },
  ];
}

function startReceiver(): Promise<void> {
  receiver = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  return new Promise((resolve) => {
    receiver!.listen(0, '127.0.0.1', () => {
      receiverUrl = `http://127.0.0.1:${(receiver!.address() as { port: number }).port}/hooks/calflare`;
      resolve();
    });
  });
}

async function apiJson(method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

const screenshot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

// The ids Chromium gives the admin's rows: the page's own HTML, not a test-only hook.
const rowOf = (id: string) => page.locator(`tr#${id}`);

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // The test's webhook receiver listens on 127.0.0.1, which the shared server allows (production would refuse).
  base = seedShared(await seedStatements()).base;
  await startReceiver();
  hostId = ((await (await fetch(`${base}/v2/me`, { headers: { authorization: `Bearer ${hostToken}` } })).json()) as { id: number }).id;
  const types = await apiJson('GET', `/v2/event-types?owner_id=${hostId}`);
  eventTypeId = types.json.data.find((et: { slug: string }) => et.slug === 'intro-call').id;
  browser = await connectBrowser();
  context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

describe('admin in headless Chromium', () => {
  it('sends an anonymous visitor to the login page and shows a wrong password there', async () => {
    await page.goto(`${base}/admin/bookings`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('#email', ADMIN.email);
    await page.fill('#password', 'not-the-password');
    await page.click('#login-form button[type=submit]');
    await expect.poll(() => page.textContent('.errors')).toContain('Invalid email or password');
    await screenshot('1-login');
  });

  it('signs a super admin in with a Secure, HttpOnly session cookie and renders the styled bookings tab', async () => {
    await page.fill('#email', ADMIN.email);
    await page.fill('#password', ADMIN.password);
    await Promise.all([page.waitForURL(`${base}/admin/bookings`), page.click('#login-form button[type=submit]')]);
    expect(await page.textContent('h1')).toBe('Bookings');
    // Chromium keeps a Secure cookie set over http://127.0.0.1 (a potentially trustworthy origin): the redirect above
    // only reached the bookings tab because the cookie came back.
    const session = (await context!.cookies(base)).find((c) => c.name === 'session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });
    // The nonce'd stylesheet applied under the CSP.
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(246, 247, 249)');
  });

  it('creates an event type for the host and switches it off in one click', async () => {
    await page.click('nav.tabs >> text=Event Types');
    await page.click('text=New event type');
    await page.selectOption('#owner_id', { label: `${HOST.name} (${HOST.email})` });
    await page.fill('#title', 'Team Sync');
    await page.fill('#slug', 'team-sync');
    await page.fill('#duration_minutes', '45');
    await page.fill('#buffer_before_minutes', '5');
    await page.fill('#buffer_after_minutes', '10');
    await page.selectOption('#location_type', 'zoom');
    await page.fill('#location_value', 'https://zoom.us/j/42');
    await page.fill('#description', 'Weekly sync of the team.');
    // The host already has this slug: only the server knows, and says so in the page, keeping what was typed.
    await page.fill('#slug', 'intro-call');
    await page.click('#event-type-form button[type=submit]');
    await expect.poll(() => page.textContent('.errors')).toContain('The owner already has an event type with this slug');
    expect(await page.inputValue('#title')).toBe('Team Sync');
    expect(await page.inputValue('#duration_minutes')).toBe('45');
    await screenshot('2a-event-type-form-error');
    await page.fill('#slug', 'team-sync');
    await Promise.all([page.waitForURL(`${base}/admin/event-types`), page.click('#event-type-form button[type=submit]')]);
    expect(await page.textContent('.flash')).toContain('Event type “Team Sync” created for Hugo Host.');

    const row = page.locator('tr[data-slug="team-sync"]');
    expect(await row.textContent()).toContain(HOST.email);
    expect(await row.textContent()).toContain('5 / 10 min');
    const id = Number((await row.getAttribute('id'))!.replace('event-type-', ''));
    expect((await apiJson('GET', `/v2/event-types/${id}`)).json).toMatchObject({ title: 'Team Sync', duration_minutes: 45, is_active: true });

    await row.locator('button', { hasText: 'Deactivate' }).click();
    await expect.poll(() => page.textContent('.flash')).toContain('“Team Sync” is now inactive.');
    expect(await page.locator('tr[data-slug="team-sync"] .badge', { hasText: 'Inactive' }).count()).toBe(1);
    expect((await apiJson('GET', `/v2/event-types/${id}`)).json.is_active).toBe(false);
    await screenshot('2-event-types');
  });

  it('deletes an event type through its confirmation page', async () => {
    await page.locator('tr[data-slug="team-sync"] a', { hasText: 'Delete' }).click();
    expect(await page.textContent('h1')).toBe('Delete “Team Sync”?');
    await screenshot('2b-event-type-delete');
    await Promise.all([page.waitForURL(`${base}/admin/event-types`), page.click('button:has-text("Delete event type")')]);
    expect(await page.textContent('.flash')).toContain('Event type “Team Sync” deleted.');
    expect(await page.locator('tr[data-slug="team-sync"]').count()).toBe(0);
    const left = await apiJson('GET', `/v2/event-types?owner_id=${hostId}`);
    expect(left.json.data.map((et: { slug: string }) => et.slug)).toEqual(['intro-call']);
  });

  it('shows a booking made through the API in the chosen timezone, and cancels it with a reason', async () => {
    const attendee = { name: 'Ada Lovelace', email: 'ada@example.com', timezone: 'Europe/London', notes: 'Agenda: the analytical engine' };
    const created = await fetch(`${base}/v2/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event_type_id: eventTypeId, start: `${nextMonday()}T15:00:00Z`, attendee }),
    });
    expect(created.status).toBe(201);
    const { uid } = (await created.json()) as { uid: string };

    await page.click('nav.tabs >> text=Bookings');
    await page.fill('#tz', 'Asia/Kolkata');
    await Promise.all([page.waitForURL(/tz=Asia%2FKolkata/), page.click('#booking-filters button[type=submit]')]);
    const row = rowOf(`booking-${uid}`);
    const text = (await row.textContent())!;
    for (const part of [attendee.name, attendee.email, attendee.timezone, attendee.notes, HOST.email, 'Intro Call', 'Accepted']) expect(text).toContain(part);
    // 15:00Z is 20:30 in India.
    expect(await row.locator('time.start').textContent()).toMatch(/20:30$/);
    expect(await row.locator('time.end').textContent()).toBe('21:00');
    await screenshot('3-bookings');

    await row.locator('summary', { hasText: 'Cancel…' }).click();
    await row.locator('form[action$="/cancel"] input[name=reason]').fill('Host unavailable');
    await row.locator('button', { hasText: 'Cancel booking' }).click();
    await expect.poll(() => page.textContent('.flash')).toContain('cancelled.');
    expect(page.url()).toContain('tz=Asia%2FKolkata');
    expect(await rowOf(`booking-${uid}`).textContent()).toContain('Cancelled');
    expect(await rowOf(`booking-${uid}`).textContent()).toContain('Reason: Host unavailable');
    expect((await apiJson('GET', `/v2/bookings/${uid}`)).json).toMatchObject({ status: 'cancelled', cancellation_reason: 'Host unavailable' });
  });

  it('creates a webhook, shows its generated secret once, and pings it', async () => {
    await page.click('nav.tabs >> text=Webhooks');
    expect(await page.textContent('.empty')).toContain('No webhooks yet');
    await page.click('text=New webhook');
    await page.fill('#subscriber_url', receiverUrl);
    await page.check('input[name=event_triggers][value=BOOKING_REQUESTED]');
    await Promise.all([page.waitForURL(`${base}/admin/webhooks`), page.click('#webhook-form button[type=submit]')]);
    const secret = (await page.textContent('#generated-secret'))!.trim();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await apiJson('GET', '/v2/webhooks');
    expect(listed.json.data).toHaveLength(1);
    expect(listed.json.data[0]).toMatchObject({ subscriber_url: receiverUrl, active: true });
    expect(listed.json.data[0].event_triggers).toContain('BOOKING_REQUESTED');
    await screenshot('4-webhooks');
    await page.reload();
    expect(await page.locator('#generated-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    await page.click('text=Deliveries');
    await page.click('button:has-text("Send test ping")');
    await expect.poll(() => page.textContent('.flash')).toContain('Test ping delivered: HTTP 200');
    expect(await page.locator('#deliveries tbody tr').count()).toBe(1);
    expect(received).toHaveLength(1);
    // Signed with the secret shown once: the receiver can verify it.
    const signature = createHmac('sha256', secret).update(received[0]!.body).digest('hex');
    expect(received[0]!.headers['x-cal-signature-256']).toBe(signature);
    await screenshot('5-webhook-deliveries');
  });

  it('signs out, after which the admin asks for a login again', async () => {
    await Promise.all([page.waitForURL(`${base}/admin/login`), page.click('header button:has-text("Sign out")')]);
    expect(await page.textContent('.flash')).toContain('You are signed out.');
    await page.goto(`${base}/admin/event-types`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
  });

  it('never tripped the Content-Security-Policy', () => {
    expect(cspViolations).toEqual([]);
  });
});

// Paid event types (issue #30), the invitee's side: the booking form goes on to Checkout (a stand-in on the port the
// shared server calls as STRIPE_API_BASE), Stripe's signed webhook books it, and Checkout's success URL brings the
// invitee back to the paid booking.
describe('a paid event type in the browser', () => {
  it('goes from the booking form to Checkout and back from the success URL to a paid, confirmed booking', async () => {
    const stripe = await startStripeSite(sharedServer().stripePort);
    const paying = await browser.newContext({ viewport: { width: 1200, height: 860 }, timezoneId: 'UTC', locale: 'en-GB' });
    try {
      const webhookSecret = 'whsec_e2eStripeSigningSecret000000';
      const host = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${hostToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
        return (await res.json()) as any;
      };
      expect((await host('POST', '/v2/payments/stripe/account', { secret_key: 'sk_test_e2eStripeSecretKey0000000', webhook_secret: webhookSecret })).connected).toBe(true);
      const et = await host('POST', '/v2/event-types', { title: 'Paid Session', slug: 'paid-session', duration_minutes: 30, price: 4900, currency: 'eur' });
      const { username } = await host('GET', '/v2/me');
      const start = `${nextMonday()}T15:30:00Z`;
      const tab = await paying.newPage();
      await tab.goto(`${base}/${username}/${et.slug}/book?start=${start}&tz=UTC`);
      await tab.fill('#booking-form input[name="name"]', 'Paula Payer');
      await tab.fill('#booking-form input[name="email"]', 'e2e-paula-payer@calflare.dev');
      await Promise.all([tab.waitForURL(/\/c\/pay\/cs_test_/), tab.click('#booking-form button[type="submit"]')]);
      expect(await tab.textContent('h1')).toBe('Pay 4900 eur');
      const session = [...stripe.sessions.values()].at(-1)!;
      const uid = session.client_reference_id as string;
      expect(stripe.requests[0]).toMatchObject({ method: 'POST', path: '/v1/checkout/sessions', idempotencyKey: `calflare-checkout-${uid}` });

      // Stripe takes the money and tells the Worker, signed; then Checkout redirects to the success URL.
      Object.assign(session, { status: 'complete', payment_status: 'paid', payment_intent: 'pi_e2e_1' });
      const payload = JSON.stringify({ id: `evt_e2e_${uid}`, object: 'event', type: 'checkout.session.completed', data: { object: session } });
      const signature = await Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: webhookSecret });
      const hook = await fetch(`${base}/v2/payments/stripe/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
      expect(hook.status).toBe(200);
      await Promise.all([tab.waitForURL(new RegExp(`/booking/${uid}\\?paid=1`)), tab.click('#pay')]);
      expect(await tab.textContent('#status')).toContain('Confirmed');
      expect(await tab.textContent('#payment')).toContain('Paid €49.00');
      await tab.screenshot({ path: join(SCREENSHOTS, '6-paid-booking.png'), fullPage: true });
    } finally {
      await paying.close().catch(() => undefined);
      await stripe.close();
    }
  });
});
