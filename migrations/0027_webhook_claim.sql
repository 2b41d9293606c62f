-- A consumer claims a webhook delivery before posting it, so two copies of its queue message never both send.
ALTER TABLE `booking_webhook_deliveries` ADD `lease_until` integer;