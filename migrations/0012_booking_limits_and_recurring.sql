ALTER TABLE `bookings` ADD `recurring_booking_uid` text;--> statement-breakpoint
CREATE INDEX `bookings_recurring_idx` ON `bookings` (`recurring_booking_uid`,`start_at`);--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `booking_limits_count` text;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `booking_limits_duration` text;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `only_show_first_available_slot` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `max_active_bookings_per_booker` integer;--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `recurring_event` text;