import { availableParallelism } from 'node:os';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// One `vitest run` (so one JSON report) for two suites: the Worker's tests inside workerd, and the end-to-end tests
// that drive a real `wrangler dev` with headless Chromium from Node.
export default defineConfig(async () => {
  const migrations = await readD1Migrations('./migrations');
  return {
    test: {
      // The Worker logs one JSON line per request; thousands of them would bury the test report. (Vitest reads
      // onConsoleLog from the root config only: inside a project it is silently ignored.)
      onConsoleLog: (log: string) => !log.startsWith('{"level":"info","msg":"request"'),
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                // D1_PRIMARY_LOCATION: every booking test creates its HostCalendar objects with a location hint.
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  WEBHOOK_RETRY_BASE_SECONDS: '1',
                  D1_PRIMARY_LOCATION: 'weur',
                  // A fixed key for tests only (production: `wrangler secret put CALENDAR_ENCRYPTION_KEY`).
                  CALENDAR_ENCRYPTION_KEY: 'dGVzdC1vbmx5LWNhbGVuZGFyLWtleS0zMi1ieXRlcyE=',
                  EMAIL_TRANSPORT: 'memory',
                  EMAIL_RETRY_BASE_SECONDS: '1',
                  // SMS through the in-memory transport; the token of Twilio's documented signature example.
                  SMS_TRANSPORT: 'memory',
                  TWILIO_AUTH_TOKEN: '12345',
                  // Stripe is a fake reached through the stubbed fetch (test/payments-helpers.ts).
                  STRIPE_API_BASE: 'http://stripe.test',
                  CALENDAR_WRITE_RETRY_BASE_SECONDS: '1',
                  // OAuth clients of the calendar providers (tests talk to a fake of their endpoints behind fetch).
                  GOOGLE_CLIENT_ID: 'calflare-test.apps.googleusercontent.com',
                  GOOGLE_CLIENT_SECRET: 'test-google-client-secret',
                  MICROSOFT_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
                  MICROSOFT_CLIENT_SECRET: 'test-microsoft-client-secret',
                  // DEEP_TESTS=1: ten times the property-test cases (test/runs.ts).
                  DEEP_TESTS: process.env.DEEP_TESTS ?? '',
                },
                queueConsumers: {
                  'calflare-webhooks': { maxBatchTimeout: 0.05 },
                  'calflare-calendars': { maxBatchTimeout: 0.05 },
                  'calflare-emails': { maxBatchTimeout: 0.05 },
                  'calflare-calendar-writes': { maxBatchTimeout: 0.05 },
                },
              },
            }),
          ],
          test: {
            name: 'workers',
            // Each file starts its own workerd (isolated storage), mostly waiting: two files at a time on two cores.
            maxWorkers: Math.max(2, availableParallelism()),
            setupFiles: ['./test/setup.ts'],
            include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
            exclude: ['test/e2e/**'],
            testTimeout: 20_000,
          },
        },
        {
          test: {
            name: 'e2e',
            environment: 'node',
            include: ['test/e2e/**/*.e2e.test.ts'],
            // One wrangler dev, mail catcher and Chromium for every file (seeded per file), one file at a time.
            globalSetup: ['./test/e2e/global-setup.ts'],
            maxWorkers: 1,
            // Starting wrangler dev and Chromium takes a while on a small machine.
            testTimeout: 120_000,
            hookTimeout: 240_000,
            // After the workers project, not beside it: both are heavy, and CI machines have few cores.
            sequence: { groupOrder: 1 },
          },
        },
      ],
    },
  };
});
