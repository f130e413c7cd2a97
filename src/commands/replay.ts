/** A recording of the account's run (control API): its journal as a replayable document (control/replay.ts). */
import type { Account } from './account.js';
import { iso } from '../clock.js';
import { REPLAY_VERSION, parseReplay, type ReplayDocument } from '../control/replay.js';

export { parseReplay, type ReplayDocument };

/**
 * The account's journal as a recording: every /v2 request it kept, oldest first, with its path and
 * query as received, its body as sent and the virtual time it arrived at; the seed when the account
 * is deterministic (without one, a replay cannot reproduce its ids); `dropped` when the ring was full.
 */
export function exportReplay(a: Account): ReplayDocument {
  return {
    telnyx_mock_replay: REPLAY_VERSION,
    seed: a.seed ?? null,
    api_key: a.key ?? a.id,
    ended_at: iso(a.now()),
    dropped: a.journal.dropped(),
    requests: a.journal.entries().map((r) => {
      const q = r.url.indexOf('?');
      return { method: r.method, path: q === -1 ? r.path : `${r.path}${r.url.slice(q)}`, body: r.body ?? '', time: iso(r.at), status: r.status };
    }),
  };
}
