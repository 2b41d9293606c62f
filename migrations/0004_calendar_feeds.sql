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
CREATE INDEX `booking_calendar_feeds_user_idx` ON `booking_calendar_feeds` (`user_id`,`id`);