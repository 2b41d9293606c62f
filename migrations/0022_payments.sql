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