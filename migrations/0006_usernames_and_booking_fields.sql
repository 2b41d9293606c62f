ALTER TABLE `bookings` ADD `booking_fields_responses` text;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `booking_fields` text;--> statement-breakpoint
ALTER TABLE `users` ADD `username` text;--> statement-breakpoint
-- Existing users get a username derived from their email's local part (as src/users/username.ts does): lowercased,
-- the characters an email may hold but a username may not ('.', '_', "'", '+') become dashes, runs of dashes collapse,
-- dashes trimmed, at most 40 characters. Unusable or reserved results become user-<id>; duplicates get -<id>.
UPDATE `users` SET `username` = lower(substr(`email`, 1, instr(`email`, '@') - 1)) WHERE `username` IS NULL;--> statement-breakpoint
UPDATE `users` SET `username` = replace(replace(replace(replace(`username`, '.', '-'), '_', '-'), '''', '-'), '+', '-');--> statement-breakpoint
UPDATE `users` SET `username` = replace(replace(replace(replace(replace(replace(`username`, '--', '-'), '--', '-'), '--', '-'), '--', '-'), '--', '-'), '--', '-');--> statement-breakpoint
UPDATE `users` SET `username` = rtrim(substr(trim(`username`, '-'), 1, 40), '-');--> statement-breakpoint
UPDATE `users` SET `username` = 'user-' || `id` WHERE length(`username`) < 3 OR `username` GLOB '*[^a-z0-9-]*' OR `username` IN ('admin', 'api', 'app', 'assets', 'auth', 'book', 'booking', 'bookings', 'cal', 'calflare', 'cancel', 'dashboard', 'docs', 'event-types', 'favicon', 'health', 'help', 'login', 'logout', 'me', 'new', 'openapi', 'public', 'reschedule', 'robots', 'root', 'schedules', 'settings', 'signup', 'slots', 'static', 'support', 'system', 'team', 'teams', 'user', 'users', 'v1', 'v2', 'v3', 'webhooks', 'www');--> statement-breakpoint
UPDATE `users` SET `username` = rtrim(substr(`username`, 1, 33), '-') || '-' || `id` WHERE EXISTS (SELECT 1 FROM `users` AS `earlier` WHERE `earlier`.`username` = `users`.`username` AND `earlier`.`id` < `users`.`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);