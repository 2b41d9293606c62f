CREATE TABLE `slot_reservations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uid` text NOT NULL,
	`host_id` integer NOT NULL,
	`event_type_id` integer NOT NULL,
	`slot_start` integer NOT NULL,
	`slot_end` integer NOT NULL,
	`occupied_start` integer NOT NULL,
	`occupied_end` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`client_hash` text NOT NULL,
	`holder_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`host_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`event_type_id`) REFERENCES `booking_event_types`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`holder_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `slot_reservations_uid_unique` ON `slot_reservations` (`uid`);--> statement-breakpoint
CREATE INDEX `slot_reservations_host_occupied_idx` ON `slot_reservations` (`host_id`,`occupied_start`);--> statement-breakpoint
CREATE INDEX `slot_reservations_host_client_idx` ON `slot_reservations` (`host_id`,`client_hash`);--> statement-breakpoint
CREATE INDEX `slot_reservations_expires_idx` ON `slot_reservations` (`expires_at`);