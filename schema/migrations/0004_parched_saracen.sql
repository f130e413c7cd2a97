ALTER TABLE `webhook_events` ADD `resend_of` integer;--> statement-breakpoint
CREATE INDEX `webhook_events_call` ON `webhook_events` (`account`,`call_control_id`,`seq`);