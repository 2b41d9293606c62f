CREATE TABLE `booking_hosts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`occupied_start` integer NOT NULL,
	`occupied_end` integer NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `booking_hosts_booking_user_idx` ON `booking_hosts` (`booking_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `booking_hosts_user_occupied_idx` ON `booking_hosts` (`user_id`,`occupied_start`);