// What Redocly's recommended rules ask of the document (test/e2e/docs.e2e.test.ts runs the linter itself on the served
// one), checked here offline and fast, together with the answers those documented errors stand for.
import { describe, expect, it } from 'vitest';
import { licenseOf } from '../src/openapi/document';
import { OPERATIONS } from '../src/openapi/operations';
import { api, ATTENDEE, createEventType, makeAdmin, makeUser, upcomingDate } from './helpers';
import { documentedOperation, expectDocumented, servedDocument } from './openapi-helpers';

const FOREIGN = { origin: 'https://evil.example' };

describe('the document as a linter reads it', () => {
  it('names a server (relative: the origin serving it) and a license', async () => {
    const doc = await servedDocument();
    expect(doc.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    expect((doc.info as { license?: unknown }).license).toEqual({ name: expect.any(String), identifier: expect.stringMatching(/\S/) });
  });

  it('package.json license: an SPDX id is passed on; UNLICENSED becomes a custom LicenseRef', () => {
    expect(licenseOf('MIT')).toEqual({ name: 'MIT', identifier: 'MIT' });
    expect(licenseOf('UNLICENSED')).toEqual({ name: 'Proprietary: no license granted', identifier: 'LicenseRef-UNLICENSED' });
  });

  it('every webhook delivery says it carries no session (security: [])', async () => {
    const doc = await servedDocument();
    expect(Object.keys(doc.webhooks).length).toBeGreaterThan(5);
    for (const [trigger, item] of Object.entries(doc.webhooks)) expect(item.post.security, trigger).toEqual([]);
  });

  it('keeps only the shared error responses some operation refers to, and every reference resolves', async () => {
    const doc = await servedDocument();
    const refs = new Set(
      Object.values(doc.paths)
        .flatMap((item) => Object.values(item))
        .flatMap((op) => Object.values(op.responses))
        .flatMap((r) => ('$ref' in r ? [String(r.$ref).split('/').pop()!] : [])),
    );
    expect(Object.keys(doc.components.responses).sort()).toEqual([...refs].sort());
  });

  it('every operation documents a 4xx', async () => {
    const doc = await servedDocument();
    for (const o of OPERATIONS) {
      const statuses = Object.keys(documentedOperation(doc, o.method, o.path).responses);
      expect(statuses.some((s) => s.startsWith('4')), `${o.method} ${o.path}`).toBe(true);
    }
  });
});

describe('errors every route can answer, documented where they happen', () => {
  it('every write documents 403 for a cross-origin cookie write; reads do not', async () => {
    const doc = await servedDocument();
    for (const o of OPERATIONS) {
      const forbidden = documentedOperation(doc, o.method, o.path).responses['403'];
      if (o.method === 'get') {
        // A read may refuse by role (a plain member listing a team's invitations), never as a cross-site write.
        if (o.auth !== 'super_admin' && forbidden) expect('$ref' in forbidden ? '' : forbidden.description, `${o.method} ${o.path}`).not.toMatch(/another site/);
        if (o.auth !== 'super_admin' && !o.errors?.forbidden) expect(forbidden, `${o.method} ${o.path}`).toBeUndefined();
      } else {
        expect(forbidden, `${o.method} ${o.path}`).toBeDefined();
        const text = '$ref' in forbidden! ? doc.components.responses.forbidden!.description : forbidden!.description;
        expect(text, `${o.method} ${o.path}`).toMatch(/another site/);
      }
    }
  });

  it('a cross-origin cookie write answers that documented 403: a public write, a session write, a super admin write', async () => {
    const admin = await makeAdmin();
    const host = await makeUser();
    const eventType = await createEventType(host.token);
    const booking = await api('POST', '/v2/bookings', {
      cookie: `session=${admin.token}`,
      headers: FOREIGN,
      body: { event_type_id: eventType.id, start: `${upcomingDate(1)}T10:00:00Z`, attendee: ATTENDEE },
    });
    expect(booking.status).toBe(403);
    await expectDocumented('POST', '/v2/bookings', booking);

    const logout = await api('POST', '/v2/auth/logout', { cookie: `session=${host.token}`, headers: FOREIGN });
    expect(logout.status).toBe(403);
    await expectDocumented('POST', '/v2/auth/logout', logout);

    const user = await api('POST', '/v2/users', {
      cookie: `session=${admin.token}`,
      headers: FOREIGN,
      body: { email: 'cross-origin@example.com', name: 'X', password: 'long enough password', timezone: 'UTC' },
    });
    expect(user.status).toBe(403);
    await expectDocumented('POST', '/v2/users', user);
  });

  it('a route that reads no body still answers the documented 415 to a non-JSON one', async () => {
    const { token } = await makeUser();
    const res = await api('POST', '/v2/auth/logout', { token, body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
    await expectDocumented('POST', '/v2/auth/logout', res);
  });
});
