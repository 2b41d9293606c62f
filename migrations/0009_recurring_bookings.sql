ALTER TABLE `bookings` ADD `recurring_booking_uid` text;--> statement-breakpoint
CREATE INDEX `bookings_recurring_idx` ON `bookings` (`recurring_booking_uid`,`start_at`);--> statement-breakpoint
ALTER TABLE `booking_event_types` ADD `recurring_event` text;