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
ALTER TABLE `webhook_events` ADD `resend_of` integer;--> statement-breakpoint
CREATE INDEX `webhook_events_call` ON `webhook_events` (`account`,`call_control_id`,`seq`);