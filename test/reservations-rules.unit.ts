import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS_HOLD_MINUTES, holdCapReached, holdMinutes, positiveIntVar } from '../src/reservations/rules';

describe('holdMinutes', () => {
  it('everyone gets 5 minutes by default', () => {
    for (const caller of ['anonymous', 'signed_in', 'privileged'] as const) {
      expect(holdMinutes(undefined, caller)).toEqual({ ok: true, value: ANONYMOUS_HOLD_MINUTES });
    }
  });

  it('only the host or a super admin chooses; everyone else is refused with 403 forbidden', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), (minutes) => {
        expect(holdMinutes(minutes, 'privileged')).toEqual({ ok: true, value: minutes });
        expect(holdMinutes(minutes, 'anonymous')).toMatchObject({ ok: false, code: 'forbidden' });
        expect(holdMinutes(minutes, 'signed_in')).toMatchObject({ ok: false, code: 'forbidden' });
      }),
    );
  });
});

describe('holdCapReached', () => {
  it('counts by client always and by holder only when signed in', () => {
    fc.assert(
      fc.property(fc.nat(10), fc.nat(10), fc.boolean(), fc.integer({ min: 1, max: 10 }), (byClient, byHolder, signedIn, cap) => {
        expect(holdCapReached({ byClient, byHolder }, signedIn, cap)).toBe(byClient >= cap || (signedIn && byHolder >= cap));
      }),
    );
    expect(holdCapReached({ byClient: 2, byHolder: 3 }, false, 3)).toBe(false);
    expect(holdCapReached({ byClient: 2, byHolder: 3 }, true, 3)).toBe(true);
  });
});

describe('positiveIntVar', () => {
  it('reads a positive integer and falls back on anything else', () => {
    expect(positiveIntVar('7', 3)).toBe(7);
    for (const bad of [undefined, '', '0', '-2', '2.5', 'ten', '1e400']) expect(positiveIntVar(bad, 3)).toBe(3);
  });
});
