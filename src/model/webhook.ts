/**
 * The webhook as Telnyx sends it, built here and nowhere else: `data` (the event: record_type,
 * event_type, id, occurred_at, payload), written once when the event is recorded, and the
 * envelope `{"data": …, "meta": {attempt, delivered_to}}` each delivery attempt sends. The
 * dispatcher records the exact body and headers of every attempt; what the log, the console and
 * /v2/webhook_deliveries show is that record, never a body built (or signed) again.
 */
export interface WebhookData {
  record_type: 'event';
  event_type: string;
  id: string;
  occurred_at: string;
  payload: Record<string, unknown>;
}

/** The event's `data` as JSON text (fields absent where the payload has them undefined). */
export function webhookData(eventType: string, id: string, occurredAt: string, payload: Record<string, unknown>): string {
  const data: WebhookData = { record_type: 'event', event_type: eventType, id, occurred_at: occurredAt, payload };
  return JSON.stringify(data);
}

/**
 * The body of one delivery attempt: the stored `data` text verbatim plus this attempt's `meta`,
 * joined as text, so the body is byte for byte what was recorded and signed.
 */
export function envelope(data: string, attempt: number, deliveredTo: string): string {
  return `{"data":${data},"meta":${JSON.stringify({ attempt, delivered_to: deliveredTo })}}`;
}

/** A webhook the app did not take: finally failed, or its latest finished attempt refused or unanswered. */
export function webhookFailed(w: { status: string; attempts: { status: number | null; finished_at?: string }[] }): boolean {
  if (w.status === 'failed') return true;
  const last = w.attempts[w.attempts.length - 1];
  return last !== undefined && last.finished_at !== undefined && (last.status === null || last.status < 200 || last.status >= 300);
}
