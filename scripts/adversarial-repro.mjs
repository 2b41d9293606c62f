// Re-runs the repros of issue #11 (adversarial review) against a running local server and prints HELD or FAILS for each.
// Usage: PORT=8799 npm run dev   (in another terminal), then: node scripts/adversarial-repro.mjs http://127.0.0.1:8799
// Bounded: about 150 requests; it creates a few users, bookings and webhooks in the local database.
const API = process.argv[2];
const out = [];
const j = async (method, path, { token, cookie, body, headers = {} } = {}) => {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (cookie) h.cookie = cookie;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(API + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch {}
  return { status: res.status, headers: res.headers, json };
};
const check = (name, ok, detail) => { out.push(`${ok ? 'HELD ' : 'FAILS'}  ${name}  ${detail}`); };

const admin = await j('POST', '/v2/auth/login', { body: { email: 'admin@calflare.dev', password: 'calflare-admin-demo' } });
const token = admin.json.token;
check('login: no-store + nosniff', admin.headers.get('cache-control') === 'no-store' && admin.headers.get('x-content-type-options') === 'nosniff', `${admin.headers.get('cache-control')} / ${admin.headers.get('x-content-type-options')}`);

// 1 + 2: 60 concurrent attempts, the 46th right, all from one client (no CF-Connecting-IP locally: one "unknown" client)
const victim = `victim-${Date.now()}@example.com`;
await j('POST', '/v2/users', { token, body: { email: victim, name: 'Victim', password: 'the right password 1' } });
const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => j('POST', '/v2/auth/login', { body: { email: victim, password: i === 45 ? 'the right password 1' : `wrong ${i}` } })));
const checked = burst.filter((r) => r.status === 200 || r.status === 401).length;
check('throttle: passwords checked in a 60-request burst', checked <= 10, `${checked} checked, ${burst.filter((r) => r.status === 200).length} signed in, ${burst.filter((r) => r.status === 429).length} x 429`);

// 4: public event type list
const list = await j('GET', '/v2/event-types');
const leaked = list.json.data.filter((e) => 'location_value' in e || 'schedule_id' in e).length;
check('public event types hide location_value and schedule_id', leaked === 0, `${leaked} of ${list.json.data.length} leak`);

// 5: attendee location on the demo zoom/whatever event type
const et = list.json.data[0];
const from = new Date(Date.now() + 2 * 86400e3).toISOString().slice(0, 10);
const to = new Date(Date.now() + 9 * 86400e3).toISOString().slice(0, 10);
const slots = await j('GET', `/v2/slots/available?event_type_id=${et.id}&start_time=${from}T00:00:00Z&end_time=${to}T00:00:00Z`);
const starts = Object.values(slots.json.slots).flat().map((s) => s.start);
const attendee = { name: 'Eve', email: 'eve@example.com', timezone: 'UTC' };
const js = await j('POST', '/v2/bookings', { body: { event_type_id: et.id, start: starts[0], attendee, location: 'javascript:alert(3)' } });
check(`attendee location javascript: on a ${et.location_type} event type`, js.status === 400, `${js.status} ${js.json?.error?.code}`);

// 7: idempotency key reused by another attendee
const key = `k-${Date.now()}`;
const b1 = await j('POST', '/v2/bookings', { headers: { 'idempotency-key': key }, body: { event_type_id: et.id, start: starts[4], attendee } });
const b2 = await j('POST', '/v2/bookings', { headers: { 'idempotency-key': key }, body: { event_type_id: et.id, start: starts[8], attendee: { ...attendee, email: 'mallory@example.com' } } });
check('idempotency key of another attendee', b1.status === 201 && b2.status === 201 && b2.json.uid !== b1.json.uid, `${b1.status} then ${b2.status} ${b2.json?.error?.code ?? ''}`);

// 10: cookie-authenticated bodiless POST from a foreign origin
const hook = await j('POST', '/v2/webhooks', { token, body: { subscriber_url: 'https://example.com/h', event_triggers: ['BOOKING_CREATED'], active: false } });
const ping = await j('POST', `/v2/webhooks/${hook.json.id}/ping`, { cookie: `session=${token}`, headers: { origin: 'https://evil.example' } });
const logout = await j('POST', '/v2/auth/logout', { cookie: `session=${token}`, headers: { origin: 'https://evil.example' } });
check('cookie POSTs from a foreign Origin (ping, logout)', ping.status === 403 && logout.status === 403, `${ping.status} / ${logout.status}`);

// 9: webhook cap
let capStatus = 0;
for (let i = 0; i < 30; i++) {
  const r = await j('POST', '/v2/webhooks', { token, body: { subscriber_url: `https://example.com/h${i}`, event_triggers: ['BOOKING_CREATED'], active: false } });
  if (r.status !== 201) { capStatus = r.status; break; }
}
check('webhooks per owner capped', capStatus === 409, `stopped with ${capStatus}`);

// 11: time zones, control characters, number spellings
const tz = await j('POST', '/v2/users', { token, body: { email: `tz-${Date.now()}@example.com`, name: 'Tz', password: 'long enough password', timezone: 'us/eastern' } });
const factory = await j('POST', '/v2/users', { token, body: { email: `f-${Date.now()}@example.com`, name: 'F', password: 'long enough password', timezone: 'Factory' } });
check('time zones: canonical names, Factory refused', tz.json?.timezone === 'America/New_York' && factory.status === 400, `${tz.json?.timezone} / ${factory.status}`);
const ctl = await j('POST', '/v2/event-types', { token, body: { title: 'evil\u202Etxt', slug: `ctl-${Date.now()}`, duration_minutes: 30 } });
check('bidi override in a title', ctl.status === 400, `${ctl.status}`);
const hex = await j('GET', '/v2/event-types?limit=0x1');
const hexId = await j('GET', `/v2/event-types/0x${et.id.toString(16)}`, { token });
check('limit=0x1 and id 0x..', hex.status === 400 && hexId.status === 404, `${hex.status} / ${hexId.status}`);

console.log(out.join('\n'));
