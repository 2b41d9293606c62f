CREATE TABLE `booking_reminders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`host_id` integer NOT NULL,
	`workflow_id` integer NOT NULL,
	`step` integer NOT NULL,
	`action` text NOT NULL,
	`due_at` integer NOT NULL,
	`status` text NOT NULL,
	`claim` text,
	`sent_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`workflow_id`) REFERENCES `event_type_workflows`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `booking_reminders_booking_idx` ON `booking_reminders` (`booking_id`);--> statement-breakpoint
CREATE INDEX `booking_reminders_host_due_idx` ON `booking_reminders` (`host_id`,`due_at`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `booking_reminders_due_idx` ON `booking_reminders` (`due_at`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `booking_reminders_workflow_idx` ON `booking_reminders` (`workflow_id`);--> statement-breakpoint
CREATE TABLE `event_type_workflows` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_type_id` integer NOT NULL,
	`name` text NOT NULL,
	`trigger` text NOT NULL,
	`offset_minutes` integer DEFAULT 0 NOT NULL,
	`time_format` text DEFAULT '12h' NOT NULL,
	`steps` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`event_type_id`) REFERENCES `booking_event_types`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `event_type_workflows_event_type_idx` ON `event_type_workflows` (`event_type_id`,`trigger`);