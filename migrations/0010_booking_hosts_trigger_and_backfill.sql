-- booking_hosts keeps itself right: the organizer's row comes with every booking, and every row follows its booking's
-- span on reschedule, whichever code path wrote the booking (see src/db/schema.ts bookingHosts).
CREATE TRIGGER `booking_hosts_organizer` AFTER INSERT ON `bookings`
BEGIN
  INSERT INTO booking_hosts (booking_id, user_id, occupied_start, occupied_end)
  VALUES (NEW.id, NEW.host_id, NEW.occupied_start, NEW.occupied_end);
END;
--> statement-breakpoint
CREATE TRIGGER `booking_hosts_follow_span` AFTER UPDATE OF occupied_start, occupied_end ON `bookings`
BEGIN
  UPDATE booking_hosts SET occupied_start = NEW.occupied_start, occupied_end = NEW.occupied_end WHERE booking_id = NEW.id;
END;
--> statement-breakpoint
-- Every existing booking: its host attends it.
INSERT INTO booking_hosts (booking_id, user_id, occupied_start, occupied_end)
SELECT id, host_id, occupied_start, occupied_end FROM bookings;
