CREATE TABLE `calendar_destinations` (
	`host_id` integer PRIMARY KEY NOT NULL,
	`connection_id` integer NOT NULL,
	`calendar_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`host_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`connection_id`) REFERENCES `calendar_connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `calendar_writes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`host_id` integer NOT NULL,
	`connection_id` integer NOT NULL,
	`calendar_id` text,
	`payload` text NOT NULL,
	`target_sequence` integer NOT NULL,
	`written_sequence` integer,
	`remote_ref` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`lease_until` integer,
	`enqueued_at` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`host_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`connection_id`) REFERENCES `calendar_connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_writes_booking_connection_idx` ON `calendar_writes` (`booking_id`,`connection_id`);--> statement-breakpoint
CREATE INDEX `calendar_writes_due_idx` ON `calendar_writes` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `calendar_writes_connection_idx` ON `calendar_writes` (`connection_id`);--> statement-breakpoint
CREATE TABLE `payment_accounts` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`secret_key_sealed` text NOT NULL,
	`webhook_secret_sealed` text NOT NULL,
	`key_hint` text NOT NULL,
	`livemode` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `stripe_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`booking_uid` text,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stripe_events_received_idx` ON `stripe_events` (`received_at`);--> statement-breakpoint
ALTER TABLE `bookings` ADD `payment_expires_at` integer;--> statement-breakpoint
ALTER TABLE `bookings` ADD `payment` text;--> statement-breakpoint
CREATE INDEX `bookings_awaiting_payment_idx` ON `bookings` (`payment_expires_at`) WHERE status = 'awaiting_payment';--> statement-breakpoint
CREATE INDEX `bookings_refund_due_idx` ON `bookings` (`updated_at`) WHERE json_extract(payment, '$.refunded_amount') > json_extract(payment, '$.refund_settled_amount');--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `price` integer;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `currency` text;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `payment_deadline_minutes` integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `refund_policy` text;