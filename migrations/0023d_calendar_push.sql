-- Issue #28: push channels of Google and Microsoft calendars (events.watch, Graph subscriptions), per chosen calendar.
-- (Written by hand, as 0023c.)
ALTER TABLE `calendar_connections` ADD `push_channels` text;
