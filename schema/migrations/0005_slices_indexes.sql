CREATE INDEX `call_media_state` ON `call_media` (`account`,`call_control_id`,`state`,`seq`);--> statement-breakpoint
CREATE INDEX `queue_calls_seq` ON `queue_calls` (`seq`);