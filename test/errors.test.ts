import { SELF } from 'cloudflare:test';
import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { handleError } from '../src/app';
import type { AppEnv } from '../src/env';
import { api, BASE, expectError, makeUser } from './helpers';

describe('error shape', () => {
  it('answers unknown routes with 404 not_found JSON', async () => {
    const res = await api('GET', '/v2/nope');
    expectError(res, 404, 'not_found');
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('answers a body over 64 KiB with 413 payload_too_large', async () => {
    const { token } = await makeUser();
    const res = await api('POST', '/v2/event-types', { token, body: { title: 'x'.repeat(70_000) } });
    expectError(res, 413, 'payload_too_large');
  });

  it('answers a chunked body over the limit with 413 too', async () => {
    const big = new TextEncoder().encode(JSON.stringify({ title: 'y'.repeat(70_000) }));
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(big);
        controller.close();
      },
    });
    const res = await SELF.fetch(`${BASE}/v2/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.code).toBe('payload_too_large');
  });

  it('answers an unexpected failure with 500 internal and no stack or SQL', async () => {
    const failing = new Hono<AppEnv>()
      .get('/boom', () => {
        throw new Error('D1_ERROR: no such column: password_hash in SELECT * FROM users');
      })
      .onError(handleError);
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await failing.request('/boom');
    log.mockRestore();
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'Internal server error' } });
    expect(text).not.toMatch(/SELECT|password_hash|at /);
  });

  it('rejects out-of-range numeric query values as validation errors, not crashes', async () => {
    const res = await api('GET', `/v2/event-types?owner_id=${'9'.repeat(30)}`);
    expectError(res, 400, 'validation_failed');
    expect(res.json.error.issues[0].path).toBe('owner_id');
  });
});

describe('JSON bodies only', () => {
  it.each(['application/json-seq', 'text/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'answers a body sent as %s with 415',
    async (type) => {
      const res = await api('POST', '/v2/auth/login', { body: '{"email":"a@b.co","password":"x"}', headers: { 'content-type': type } });
      expectError(res, 415, 'unsupported_media_type');
    },
  );

  it('accepts JSON with a charset and vendor +json types', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/vnd.api+json']) {
      const res = await api('POST', '/v2/auth/login', { body: '{"email":"nobody@example.com","password":"whatever-123"}', headers: { 'content-type': type } });
      expectError(res, 401, 'unauthorized');
    }
  });
});
