CREATE TABLE `sms_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_key` text NOT NULL,
	`booking_id` integer,
	`host_id` integer NOT NULL,
	`kind` text NOT NULL,
	`recipient_role` text NOT NULL,
	`to_number` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`attempt_log` text DEFAULT '[]' NOT NULL,
	`last_error` text,
	`provider_id` text,
	`next_attempt_at` integer,
	`lease_until` integer,
	`sent_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sms_messages_message_key_unique` ON `sms_messages` (`message_key`);--> statement-breakpoint
CREATE INDEX `sms_messages_to_idx` ON `sms_messages` (`to_number`,`created_at`);--> statement-breakpoint
CREATE INDEX `sms_messages_host_idx` ON `sms_messages` (`host_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `sms_messages_due_idx` ON `sms_messages` (`next_attempt_at`) WHERE status IN ('pending', 'sending');--> statement-breakpoint
CREATE INDEX `sms_messages_booking_idx` ON `sms_messages` (`booking_id`);--> statement-breakpoint
CREATE TABLE `sms_opt_outs` (
	`phone_number` text PRIMARY KEY NOT NULL,
	`keyword` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `users` ADD `time_format` text;--> statement-breakpoint
ALTER TABLE `users` ADD `phone_number` text;--> statement-breakpoint
ALTER TABLE `users` ADD `phone_verified_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `phone_code_hash` text;--> statement-breakpoint
ALTER TABLE `users` ADD `phone_code_expires_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `phone_code_tries` integer DEFAULT 0 NOT NULL;