CREATE TABLE `call_legs` (
	`call_control_id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`call_leg_id` text NOT NULL,
	`call_session_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`from` text NOT NULL,
	`to` text NOT NULL,
	`direction` text NOT NULL,
	`state` text NOT NULL,
	`client_state` text,
	`webhook_url` text,
	`webhook_failover_url` text,
	`start_time` integer NOT NULL,
	`answered_at` integer,
	`end_time` integer,
	`hangup_cause` text,
	`hangup_source` text,
	`conference_id` text,
	`bridged_to` text,
	`pending_gather` text,
	`gathered_digits` text
);
--> statement-breakpoint
CREATE INDEX `call_legs_account` ON `call_legs` (`account`,`start_time`);--> statement-breakpoint
CREATE TABLE `numbers` (
	`account` text NOT NULL,
	`e164` text NOT NULL,
	`behaviour` text NOT NULL,
	`answer_after_secs` integer NOT NULL,
	PRIMARY KEY(`account`, `e164`)
);
--> statement-breakpoint
CREATE TABLE `conferences` (
	`id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`region` text,
	`connection_id` text,
	`creator_call_control_id` text NOT NULL,
	`client_state` text,
	`beep_enabled` text,
	`max_participants` integer,
	`hold_audio_url` text,
	`hold_media_name` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`ended_at` integer,
	`end_reason` text,
	`ended_by_call_control_id` text,
	`ended_by_call_session_id` text,
	`recording_id` text,
	`recording_state` text,
	`recording_format` text,
	`recording_channels` text,
	`recording_started_at` integer,
	`floor_call_control_id` text
);
--> statement-breakpoint
CREATE INDEX `conferences_account_expiry` ON `conferences` (`account`,`expires_at`);--> statement-breakpoint
CREATE INDEX `conferences_account_name` ON `conferences` (`account`,`name`);--> statement-breakpoint
CREATE TABLE `media_playbacks` (
	`id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`conference_id` text NOT NULL,
	`kind` text NOT NULL,
	`call_control_ids` text,
	`media_url` text,
	`media_name` text,
	`started_at` integer NOT NULL,
	`ends_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `media_conference` ON `media_playbacks` (`conference_id`);--> statement-breakpoint
CREATE TABLE `participants` (
	`id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`conference_id` text NOT NULL,
	`call_control_id` text NOT NULL,
	`call_leg_id` text NOT NULL,
	`call_session_id` text NOT NULL,
	`label` text,
	`status` text NOT NULL,
	`muted` integer NOT NULL,
	`on_hold` integer NOT NULL,
	`supervisor_role` text NOT NULL,
	`whisper_call_control_ids` text NOT NULL,
	`end_conference_on_exit` integer NOT NULL,
	`soft_end_conference_on_exit` integer NOT NULL,
	`beep_enabled` text,
	`client_state` text,
	`seq` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `participants_conference` ON `participants` (`conference_id`,`seq`);--> statement-breakpoint
CREATE INDEX `participants_call` ON `participants` (`call_control_id`);--> statement-breakpoint
CREATE TABLE `queue_calls` (
	`call_control_id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`queue_id` text NOT NULL,
	`seq` integer NOT NULL,
	`enqueued_at` integer NOT NULL,
	`max_wait_time_secs` integer,
	`keep_after_hangup` integer NOT NULL,
	`is_alive` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `queue_calls_queue` ON `queue_calls` (`queue_id`,`seq`);--> statement-breakpoint
CREATE TABLE `queues` (
	`id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`name` text NOT NULL,
	`max_size` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `queues_account_name` ON `queues` (`account`,`name`);--> statement-breakpoint
CREATE TABLE `clocks` (
	`account` text PRIMARY KEY NOT NULL,
	`offset_ms` integer NOT NULL,
	`frozen_at` integer
);
--> statement-breakpoint
CREATE TABLE `command_ids` (
	`account` text NOT NULL,
	`scope` text NOT NULL,
	`command_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`account`, `scope`, `command_id`)
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `timers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account` text NOT NULL,
	`due_at` integer NOT NULL,
	`kind` text NOT NULL,
	`subject_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `timers_account_due` ON `timers` (`account`,`due_at`);--> statement-breakpoint
CREATE INDEX `timers_subject` ON `timers` (`subject_id`);--> statement-breakpoint
CREATE TABLE `connections` (
	`account` text NOT NULL,
	`connection_id` text NOT NULL,
	`webhook_url` text,
	`webhook_failover_url` text,
	PRIMARY KEY(`account`, `connection_id`)
);
--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`account` text NOT NULL,
	`event_type` text NOT NULL,
	`call_control_id` text,
	`conference_id` text,
	`ordering_key` text NOT NULL,
	`occurred_at` text NOT NULL,
	`data` text NOT NULL,
	`url` text,
	`failover_url` text,
	`status` text NOT NULL,
	`attempts` text NOT NULL,
	`next_attempt_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_events_id_unique` ON `webhook_events` (`id`);--> statement-breakpoint
CREATE INDEX `webhook_events_account` ON `webhook_events` (`account`,`seq`);