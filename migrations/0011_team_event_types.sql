CREATE TABLE `booking_event_type_hosts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_type_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`is_fixed` integer DEFAULT false NOT NULL,
	`priority` integer DEFAULT 2 NOT NULL,
	`weight` integer DEFAULT 100 NOT NULL,
	FOREIGN KEY (`event_type_id`) REFERENCES `booking_event_types`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `booking_event_type_hosts_et_user_idx` ON `booking_event_type_hosts` (`event_type_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `booking_event_type_hosts_user_idx` ON `booking_event_type_hosts` (`user_id`);--> statement-breakpoint
DROP INDEX `booking_event_types_owner_slug_idx`;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `team_id` integer REFERENCES teams(id) ON DELETE cascade;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `scheduling_type` text;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `assign_all_team_members` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `distribution` text DEFAULT 'maximize_availability' NOT NULL;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `weights_enabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `counting_period` text DEFAULT 'month' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `booking_event_types_team_slug_idx` ON `booking_event_types` (`team_id`,`slug`) WHERE team_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `booking_event_types_owner_slug_idx` ON `booking_event_types` (`owner_id`,`slug`) WHERE team_id IS NULL;--> statement-breakpoint
ALTER TABLE `bookings` ADD `assignment_reason` text;