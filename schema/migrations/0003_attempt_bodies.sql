-- Each delivery attempt now records the exact body it sent (src/webhooks/dispatcher.ts), and the
-- log, the console and /v2/webhook_deliveries show that record. Attempts recorded before kept only
-- the event's data: their body is the envelope that was sent then, the data text followed by the
-- attempt's meta (src/model/webhook.ts envelope), written here once so nothing rebuilds it later.
UPDATE webhook_events SET attempts = (
  SELECT json_group_array(
    CASE WHEN json_type(a.value, '$.body') IS NULL
      THEN json_set(a.value, '$.body',
        '{"data":' || webhook_events.data || ',"meta":{"attempt":' || json_extract(a.value, '$.attempt')
        || ',"delivered_to":' || json_quote(json_extract(a.value, '$.url')) || '}}')
      ELSE json(a.value) END
    ORDER BY a.key)
  FROM json_each(webhook_events.attempts) AS a
)
WHERE EXISTS (SELECT 1 FROM json_each(webhook_events.attempts) AS a WHERE json_type(a.value, '$.body') IS NULL);
