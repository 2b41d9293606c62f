-- Issue #31: the language an attendee booked in, for their emails (null: the host's default).
ALTER TABLE `booking_attendees` ADD `locale` text;
