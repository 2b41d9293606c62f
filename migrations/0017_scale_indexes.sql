-- Issue #32: an index behind every cron purge and retention delete, and under the deliveries' booking foreign key.
CREATE INDEX `bookings_idempotency_created_idx` ON `bookings` (`created_at`) WHERE idempotency_key IS NOT NULL;--> statement-breakpoint
CREATE INDEX `booking_email_notifications_created_idx` ON `booking_email_notifications` (`created_at`);--> statement-breakpoint
CREATE INDEX `sessions_expires_idx` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE INDEX `sign_in_attempts_window_idx` ON `sign_in_attempts` (`window_start`);--> statement-breakpoint
CREATE INDEX `booking_webhook_deliveries_booking_idx` ON `booking_webhook_deliveries` (`booking_id`);--> statement-breakpoint
CREATE INDEX `booking_webhook_deliveries_created_idx` ON `booking_webhook_deliveries` (`created_at`);--> statement-breakpoint
CREATE INDEX `booking_webhook_deliveries_log_idx` ON `booking_webhook_deliveries` (`created_at`) WHERE status != 'pending' AND attempt_log != '[]';