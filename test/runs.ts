// How many cases a property test tries: the count written in the test on every run (CI included), ten times as many
// with DEEP_TESTS=1 (`DEEP_TESTS=1 npm test`, README "Tests"): a deeper search before a release or after touching a
// pure rule. vitest.config.ts passes the variable into workerd as a binding.
import { env } from 'cloudflare:workers';

const DEEP_FACTOR = 10;

export const deepTests = (env as { DEEP_TESTS?: string }).DEEP_TESTS === '1';

export function runs(ciCount: number): number {
  return deepTests ? ciCount * DEEP_FACTOR : ciCount;
}
