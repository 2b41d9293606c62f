-- Issue #28: OAuth 2.0 calendar connections (Google, Microsoft): authorizations in flight, and the account and re-authorization state of a connection.
CREATE TABLE `oauth_states` (
	`state_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`session_hash` text NOT NULL,
	`provider` text NOT NULL,
	`code_verifier` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `oauth_states_user_idx` ON `oauth_states` (`user_id`,`expires_at`);--> statement-breakpoint
ALTER TABLE `calendar_connections` ADD `account` text;--> statement-breakpoint
ALTER TABLE `calendar_connections` ADD `reauth_required` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `calendar_connections` ADD `reauth_notified_at` integer;