-- Issue #31: a team's branding and default language for its public booking pages, as a user's (0018).
ALTER TABLE `teams` ADD `brand_color` text;--> statement-breakpoint
ALTER TABLE `teams` ADD `brand_color_dark` text;--> statement-breakpoint
ALTER TABLE `teams` ADD `hide_branding` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `teams` ADD `theme` text DEFAULT 'system' NOT NULL;--> statement-breakpoint
ALTER TABLE `teams` ADD `locale` text DEFAULT 'en' NOT NULL;