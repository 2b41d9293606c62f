-- Issue #31: a host's branding (colours, badge, theme) and default language for the public booking pages.
ALTER TABLE `users` ADD `brand_color` text;--> statement-breakpoint
ALTER TABLE `users` ADD `brand_color_dark` text;--> statement-breakpoint
ALTER TABLE `users` ADD `hide_branding` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `theme` text DEFAULT 'system' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `locale` text DEFAULT 'en' NOT NULL;