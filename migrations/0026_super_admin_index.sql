-- Issue #32: a booking event finds the super admins' webhooks through this index instead of reading every user and
-- every subscription (src/webhooks/outbox.ts).
CREATE INDEX `users_super_admin_idx` ON `users` (`id`) WHERE "users"."role" = 'super_admin';