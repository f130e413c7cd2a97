CREATE TABLE `credential_connections` (
	`id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`connection_name` text NOT NULL,
	`user_name` text NOT NULL,
	`active` integer NOT NULL,
	`outbound_voice_profile_id` text,
	`settings` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `credential_connections_account` ON `credential_connections` (`account`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `credential_connections_user_name` ON `credential_connections` (`account`,`user_name`);--> statement-breakpoint
CREATE INDEX `credential_connections_profile` ON `credential_connections` (`account`,`outbound_voice_profile_id`);--> statement-breakpoint
CREATE TABLE `outbound_voice_profiles` (
	`id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`name` text NOT NULL,
	`enabled` integer NOT NULL,
	`settings` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `outbound_voice_profiles_account` ON `outbound_voice_profiles` (`account`,`created_at`);--> statement-breakpoint
CREATE TABLE `telephony_credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`connection_id` text NOT NULL,
	`name` text,
	`tag` text,
	`sip_username` text NOT NULL,
	`sip_password` text NOT NULL,
	`expires_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `telephony_credentials_account` ON `telephony_credentials` (`account`,`created_at`);--> statement-breakpoint
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
-- Connections set through /_mock/connections become the Call Control applications they stand for
-- (id = connection_id, named after it), so a database file keeps the webhook URLs it had.
INSERT INTO `call_control_applications` (`account`, `id`, `application_name`, `webhook_event_url`, `webhook_event_failover_url`,
  `webhook_api_version`, `webhook_timeout_secs`, `active`, `anchorsite_override`, `dtmf_type`, `first_command_timeout`,
  `first_command_timeout_secs`, `call_cost_in_webhooks`, `redact_dtmf_debug_logging`, `inbound`, `outbound`, `tags`,
  `created_at`, `updated_at`)
SELECT `account`, `connection_id`, `connection_id`, `webhook_url`, `webhook_failover_url`, '2', NULL, 1, 'Latency', 'RFC 2833', 0, 30, 0, 0,
  '{"channel_limit":null,"shaken_stir_enabled":false,"sip_subdomain":null,"sip_subdomain_receive_settings":"from_anyone"}',
  '{"channel_limit":null}', '[]', 0, 0
FROM `connections` WHERE true ON CONFLICT DO NOTHING;
--> statement-breakpoint
DROP TABLE `connections`;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `timeout_ms` integer;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `resend_of` integer;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `listed_at` integer;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `delivery_started_at` integer;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `delivery_finished_at` integer;--> statement-breakpoint
CREATE INDEX `webhook_events_call` ON `webhook_events` (`account`,`call_control_id`,`seq`);--> statement-breakpoint
CREATE INDEX `webhook_events_listed` ON `webhook_events` (`account`,`listed_at`,`seq`);--> statement-breakpoint
CREATE INDEX `call_media_state` ON `call_media` (`account`,`call_control_id`,`state`,`seq`);--> statement-breakpoint
CREATE INDEX `queue_calls_seq` ON `queue_calls` (`seq`);--> statement-breakpoint
-- Rows recorded before: their delivery columns derived once from their attempts, as the
-- dispatcher now keeps them (src/store/outbox.ts deliveryColumns).
UPDATE webhook_events SET
  listed_at = coalesce(
    (SELECT CAST(round(unixepoch(a.value ->> '$.at', 'subsec') * 1000) AS INTEGER) FROM json_each(webhook_events.attempts) AS a
      WHERE json_type(a.value, '$.status') != 'null' OR json_type(a.value, '$.error') IS NOT NULL OR json_type(a.value, '$.finished_at') IS NOT NULL
      ORDER BY a.key DESC LIMIT 1),
    CASE WHEN status != 'pending' THEN CAST(round(unixepoch(occurred_at, 'subsec') * 1000) AS INTEGER) END),
  delivery_started_at = CAST(round(unixepoch(attempts ->> '$[0].at', 'subsec') * 1000) AS INTEGER),
  delivery_finished_at = CASE WHEN status != 'pending' THEN
    (SELECT CAST(round(unixepoch(coalesce(a.value ->> '$.finished_at', a.value ->> '$.at'), 'subsec') * 1000) AS INTEGER) FROM json_each(webhook_events.attempts) AS a
      WHERE json_type(a.value, '$.status') != 'null' OR json_type(a.value, '$.error') IS NOT NULL OR json_type(a.value, '$.finished_at') IS NOT NULL
      ORDER BY a.key DESC LIMIT 1) END;
