import { describe, expect, it } from 'vitest';
import { api } from './helpers';

describe('GET /health', () => {
  it('answers ok without touching storage', async () => {
    const res = await api('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true });
  });
});
