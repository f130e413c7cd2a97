// The helpers that read webhooks, a delivery or a log entry alike: no socket needed (env.ts re-exports them).
/** A webhook as a test reads it: a delivery the receiver took, or an entry of the account's log (test/support/app-env.ts). */
export interface Sent {
  json: { data: { event_type: string; id: string; occurred_at: string; payload: Record<string, any> } };
}

/** The webhooks about one call or conference, in recorded order. */
export function about<T extends Sent>(deliveries: T[], id: string): T[] {
  return deliveries.filter((d) => d.json.data.payload.call_control_id === id || d.json.data.payload.conference_id === id);
}

export const types = (ds: Sent[]) => ds.map((d) => d.json.data.event_type);
export const payloadOf = (ds: Sent[], type: string) => ds.find((d) => d.json.data.event_type === type)?.json.data.payload;
