CREATE TABLE `booking_calendar_feeds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`name` text,
	`token_hash` text NOT NULL,
	`last_used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `booking_calendar_feeds_token_hash_unique` ON `booking_calendar_feeds` (`token_hash`);--> statement-breakpoint
CREATE INDEX `booking_calendar_feeds_user_idx` ON `booking_calendar_feeds` (`user_id`,`id`);--> statement-breakpoint
CREATE TABLE `booking_email_notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notification_id` text NOT NULL,
	`booking_id` integer,
	`booking_uid` text NOT NULL,
	`trigger_event` text NOT NULL,
	`recipient_role` text NOT NULL,
	`recipient_email` text NOT NULL,
	`recipient_name` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`attempt_log` text DEFAULT '[]' NOT NULL,
	`next_attempt_at` integer,
	`lease_until` integer,
	`enqueued_at` integer,
	`sent_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `booking_email_notifications_notification_id_unique` ON `booking_email_notifications` (`notification_id`);--> statement-breakpoint
CREATE INDEX `booking_email_notifications_outbox_idx` ON `booking_email_notifications` (`status`,`enqueued_at`);--> statement-breakpoint
CREATE INDEX `booking_email_notifications_booking_idx` ON `booking_email_notifications` (`booking_id`);--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `email_notifications` integer DEFAULT true NOT NULL;