CREATE TABLE `calendar_busy` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`connection_id` integer NOT NULL,
	`host_id` integer NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `calendar_connections`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`host_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `calendar_busy_host_start_idx` ON `calendar_busy` (`host_id`,`start_at`);--> statement-breakpoint
CREATE INDEX `calendar_busy_connection_idx` ON `calendar_busy` (`connection_id`);--> statement-breakpoint
CREATE TABLE `calendar_connections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`owner_id` integer NOT NULL,
	`kind` text NOT NULL,
	`name` text,
	`url_display` text NOT NULL,
	`secret` text NOT NULL,
	`calendar_path` text,
	`include_transparent` integer DEFAULT false NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`etag` text,
	`last_modified` text,
	`expanded_until` integer,
	`last_synced_at` integer,
	`last_attempt_at` integer,
	`last_error` text,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`busy_count` integer DEFAULT 0 NOT NULL,
	`capped` integer DEFAULT false NOT NULL,
	`enqueued_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `calendar_connections_owner_idx` ON `calendar_connections` (`owner_id`,`id`);--> statement-breakpoint
CREATE INDEX `calendar_connections_due_idx` ON `calendar_connections` (`enabled`,`enqueued_at`);