import { z } from 'zod';

export const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'Invalid email address' }))
  .transform((s) => s.toLowerCase());

export const loginBody = z.strictObject({
  email,
  password: z.string().min(1).max(256),
});
