// npm run user:create -- --email a@b.c --password '...' [--username U] [--role super_admin] [--name N] [--timezone Z] [--remote]
import { hashPassword, passwordWeakness } from '../src/auth/crypto';
import { email as emailSchema } from '../src/auth/schemas';
import { isValidTimeZone } from '../src/lib/time';
import { provisionUserStatements } from '../src/users/provision';
import { usernameProblem } from '../src/users/username';
import { applyMigrations, argValue, execute, query } from './lib/d1';

function fail(message: string): never {
  console.error(`user:create: ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
const remote = args.includes('--remote');
const parsedEmail = emailSchema.safeParse(argValue(args, 'email') ?? '');
if (!parsedEmail.success) fail('--email <address> is required and must be a valid email address');
const email = parsedEmail.data;
const password = argValue(args, 'password') ?? fail('--password <password> is required');
const weakness = passwordWeakness(password);
if (weakness) fail(`weak password: ${weakness}`);
const role = argValue(args, 'role') ?? 'user';
if (role !== 'user' && role !== 'super_admin') fail('--role must be user or super_admin');
const timezone = argValue(args, 'timezone') ?? 'UTC';
if (!isValidTimeZone(timezone)) fail(`unknown timezone ${timezone}`);
const name = argValue(args, 'name') ?? email.split('@')[0]!;
// Optional: derived from the email (made unique) when not given.
const username = argValue(args, 'username');
if (username !== undefined) {
  const problem = usernameProblem(username);
  if (problem) fail(`--username ${username}: ${problem}`);
}

const target = { remote };
if (!remote) for (const name of applyMigrations(target)) console.log(`applied migration ${name}`);
const byEmail = { sql: 'SELECT id FROM users WHERE email = ?', params: [email] };
if (query(byEmail, target).length > 0) fail(`a user with email ${email} already exists`);
if (username && query({ sql: 'SELECT id FROM users WHERE username = ?', params: [username] }, target).length > 0) fail(`the username ${username} is taken`);
execute(provisionUserStatements({ email, username, name, role, timezone, passwordHash: await hashPassword(password) }, Date.now()), target);
const [created] = query<{ id: number; username: string }>({ ...byEmail, sql: 'SELECT id, username FROM users WHERE email = ?' }, target);
if (!created) fail('the user was not created');
console.log(`created ${role} ${email} (username ${created.username}, booking page /${created.username}) with id ${created.id}`);
console.log(created.id);
