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
ALTER TABLE `numbers` ADD `amd_result` text;