ALTER TABLE `webhook_events` ADD `listed_at` integer;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `delivery_started_at` integer;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `delivery_finished_at` integer;--> statement-breakpoint
CREATE INDEX `webhook_events_listed` ON `webhook_events` (`account`,`listed_at`,`seq`);--> statement-breakpoint
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
