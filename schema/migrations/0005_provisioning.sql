CREATE TABLE `account_settings` (
	`account` text PRIMARY KEY NOT NULL,
	`strict_connections` integer
);
--> statement-breakpoint
CREATE TABLE `call_control_applications` (
	`account` text NOT NULL,
	`id` text NOT NULL,
	`application_name` text NOT NULL,
	`webhook_event_url` text,
	`webhook_event_failover_url` text,
	`webhook_api_version` text NOT NULL,
	`webhook_timeout_secs` integer,
	`active` integer NOT NULL,
	`anchorsite_override` text NOT NULL,
	`dtmf_type` text NOT NULL,
	`first_command_timeout` integer NOT NULL,
	`first_command_timeout_secs` integer NOT NULL,
	`call_cost_in_webhooks` integer NOT NULL,
	`redact_dtmf_debug_logging` integer NOT NULL,
	`inbound` text NOT NULL,
	`outbound` text NOT NULL,
	`tags` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`account`, `id`)
);
--> statement-breakpoint
CREATE INDEX `call_control_applications_created` ON `call_control_applications` (`account`,`created_at`);--> statement-breakpoint
CREATE TABLE `number_orders` (
	`account` text NOT NULL,
	`id` text NOT NULL,
	`phone_numbers` text NOT NULL,
	`connection_id` text,
	`customer_reference` text,
	`billing_group_id` text,
	`messaging_profile_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`account`, `id`)
);
--> statement-breakpoint
CREATE INDEX `number_orders_created` ON `number_orders` (`account`,`created_at`);--> statement-breakpoint
CREATE TABLE `phone_numbers` (
	`account` text NOT NULL,
	`id` text NOT NULL,
	`phone_number` text NOT NULL,
	`connection_id` text,
	`tags` text NOT NULL,
	`customer_reference` text,
	`billing_group_id` text,
	`external_pin` text,
	`hd_voice_enabled` integer NOT NULL,
	`voice` text NOT NULL,
	`source_type` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`account`, `id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `phone_numbers_number` ON `phone_numbers` (`account`,`phone_number`);--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `timeout_ms` integer;