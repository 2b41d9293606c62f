ALTER TABLE `booking_attendees` ADD `seat_uid` text;--> statement-breakpoint
ALTER TABLE `booking_attendees` ADD `cancelled_at` integer;--> statement-breakpoint
ALTER TABLE `booking_attendees` ADD `booking_fields_responses` text;--> statement-breakpoint
ALTER TABLE `booking_attendees` ADD `sequence` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `booking_attendees_seat_uid_idx` ON `booking_attendees` (`seat_uid`);--> statement-breakpoint
CREATE UNIQUE INDEX `booking_attendees_live_seat_uid_idx` ON `booking_attendees` (`seat_uid`) WHERE seat_uid IS NOT NULL AND cancelled_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `booking_attendees_live_seat_email_idx` ON `booking_attendees` (`booking_id`,lower("email")) WHERE seat_uid IS NOT NULL AND cancelled_at IS NULL;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `seats_per_time_slot` integer;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `seats_show_attendees` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `seats_show_availability_count` integer DEFAULT true NOT NULL;