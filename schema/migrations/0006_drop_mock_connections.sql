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
DROP TABLE `connections`;
