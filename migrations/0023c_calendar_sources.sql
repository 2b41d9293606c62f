-- Issue #28: busy time from Google and Microsoft. The account's calendars that count as busy, and each one's sync token
-- or delta link. (Written by hand: drizzle-kit refuses to generate while the parallel helpers' snapshots share a parent.)
ALTER TABLE `calendar_connections` ADD `sources` text;--> statement-breakpoint
ALTER TABLE `calendar_connections` ADD `sync_state` text;
