import { randomUUID } from 'node:crypto';
import { customAlphabet } from 'nanoid';

// Telnyx call_control_ids look like `v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg`.
const token = customAlphabet('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-', 54);

/** The one source of ids; injected so tests could make them predictable. */
export interface Ids {
  uuid(): string;
  callControlId(): string;
}

export const ids: Ids = {
  uuid: () => randomUUID(),
  callControlId: () => `v3:${token()}`,
};
