// Usernames: the first segment of a host's public pages (/{username}, /{username}/{slug}). Pure.
//
// Lowercase letters, digits and single inner dashes, 3-40 characters, and never a word the app's own top-level paths
// use (or may use), so a username can never shadow a route.
import { z } from 'zod';

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 40;
const USERNAME_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  'admin', 'api', 'app', 'assets', 'auth', 'book', 'booking', 'bookings', 'cal', 'calflare', 'cancel', 'dashboard', 'docs',
  'event-types', 'favicon', 'health', 'help', 'login', 'logout', 'me', 'new', 'openapi', 'public', 'reschedule', 'robots',
  'root', 'schedules', 'settings', 'signup', 'slots', 'static', 'support', 'system', 'team', 'teams', 'user', 'users', 'v1',
  'v2', 'v3', 'webhooks', 'www',
]);

export function usernameProblem(value: string): string | null {
  if (RESERVED_USERNAMES.has(value)) return 'This word is reserved; choose another username';
  if (value.length < USERNAME_MIN || value.length > USERNAME_MAX) return `Use ${USERNAME_MIN} to ${USERNAME_MAX} characters`;
  if (!USERNAME_RE.test(value)) return 'Use lowercase letters, digits and single dashes inside';
  return null;
}

export const usernameSchema = z.string().superRefine((value, ctx) => {
  const problem = usernameProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * A valid username from an email's local part ("Ada.Lovelace+cal@x" -> "ada-lovelace-cal"), or "user-<suffix>" when
 * nothing usable is left. Uniqueness is the caller's job (see provisionUserStatements).
 */
export function usernameFromEmail(email: string, fallbackSuffix: string): string {
  const local = email.split('@')[0] ?? '';
  let name = local
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  name = name.slice(0, USERNAME_MAX).replace(/-+$/, '');
  return usernameProblem(name) === null ? name : `user-${fallbackSuffix}`;
}
