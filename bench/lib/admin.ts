// A super admin and a session for it, written straight into a fresh state directory before `wrangler dev` starts
// (a `seed` for scripts/lib/processes.ts startWranglerDev): benchmarks create their hosts through the API with it.
import { hashPassword } from '../../src/auth/crypto';
import { randomToken, sha256Hex } from '../../src/lib/crypto';
import { provisionUserStatements } from '../../src/users/provision';
import { execute } from '../../scripts/lib/d1';

export function benchAdmin(): { token: string; seed: (state: string) => Promise<void> } {
  const token = randomToken();
  const seed = async (state: string) => {
    const now = Date.now();
    execute(
      [
        ...provisionUserStatements(
          { email: 'bench-admin@calflare.dev', name: 'Bench Admin', role: 'super_admin', timezone: 'UTC', passwordHash: await hashPassword('bench-admin-password') },
          now,
        ),
        {
          sql: `INSERT INTO sessions (token_hash, user_id, expires_at, created_at) SELECT ?, id, ?, ? FROM users WHERE email = ?`,
          params: [await sha256Hex(token), now + 86_400_000, now, 'bench-admin@calflare.dev'],
        },
      ],
      { persistTo: state },
    );
  };
  return { token, seed };
}
