-- Issue #28: calendar write-back. The destination calendar per host, and the outbox of writes per (booking, destination).
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
CREATE INDEX `calendar_writes_connection_idx` ON `calendar_writes` (`connection_id`);