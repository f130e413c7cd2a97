CREATE TABLE `call_media` (
	`id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`call_control_id` text NOT NULL,
	`seq` integer NOT NULL,
	`kind` text NOT NULL,
	`overlay` integer NOT NULL,
	`text` text,
	`media_url` text,
	`media_name` text,
	`loops` integer,
	`play_ms` integer NOT NULL,
	`while_enqueued` integer NOT NULL,
	`state` text NOT NULL,
	`status` text,
	`queued_at` integer NOT NULL,
	`started_at` integer,
	`ended_at` integer
);
--> statement-breakpoint
CREATE INDEX `call_media_call` ON `call_media` (`account`,`call_control_id`,`seq`);--> statement-breakpoint
ALTER TABLE `call_legs` ADD `transcription_engine` text;--> statement-breakpoint
ALTER TABLE `call_legs` ADD `dtmf_sent` text DEFAULT '' NOT NULL;