-- Issue #31: the origins allowed to embed a user's or team's booking pages, and their logo's R2 key.
ALTER TABLE `teams` ADD `embed_origins` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `teams` ADD `logo` text;--> statement-breakpoint
ALTER TABLE `users` ADD `embed_origins` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `logo` text;
