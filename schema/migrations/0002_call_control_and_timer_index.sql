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
CREATE TABLE `recordings` (
	`id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`call_control_id` text,
	`conference_id` text,
	`format` text NOT NULL,
	`channels` text NOT NULL,
	`state` text NOT NULL,
	`max_length_secs` integer,
	`url_base` text NOT NULL,
	`started_at` integer NOT NULL,
	`resumed_at` integer,
	`recorded_ms` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE INDEX `recordings_call` ON `recordings` (`account`,`call_control_id`);--> statement-breakpoint
CREATE INDEX `recordings_conference` ON `recordings` (`account`,`conference_id`);--> statement-breakpoint
CREATE TABLE `transfers` (
	`call_control_id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`from_call_control_id` text NOT NULL,
	`amd` text,
	`time_limit_secs` integer,
	`record_format` text,
	`record_channels` text,
	`record_max_length_secs` integer,
	`origin` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `transfers_from` ON `transfers` (`account`,`from_call_control_id`);--> statement-breakpoint
ALTER TABLE `call_legs` ADD `transcription_engine` text;--> statement-breakpoint
ALTER TABLE `call_legs` ADD `dtmf_sent` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `numbers` ADD `amd_result` text;--> statement-breakpoint
ALTER TABLE `timers` ADD `wall_due_at` integer;--> statement-breakpoint
ALTER TABLE `timers` ADD `error` text;--> statement-breakpoint
CREATE INDEX `timers_wall_due` ON `timers` (`wall_due_at`);