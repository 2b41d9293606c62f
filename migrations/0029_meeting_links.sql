ALTER TABLE `booking_event_types` ADD `generate_meeting_link` integer DEFAULT false NOT NULL;
