ALTER TABLE `booking_attendees` ADD `payment_expires_at` integer;--> statement-breakpoint
ALTER TABLE `booking_attendees` ADD `payment` text;--> statement-breakpoint
CREATE INDEX `booking_attendees_awaiting_payment_idx` ON `booking_attendees` (`payment_expires_at`) WHERE cancelled_at IS NULL AND payment_expires_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `booking_attendees_refund_due_idx` ON `booking_attendees` (`id`) WHERE json_extract(payment, '$.refunded_amount') > json_extract(payment, '$.refund_settled_amount');