import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inMemory } from '../support/harness.js';
import type { Emulator } from '../../src/server.js';
import { placeCall, farEndHangup } from '../../src/commands/callers.js';
import { enqueueCall } from '../../src/commands/calls.js';
import { createConference, joinConference, leaveConference } from '../../src/commands/conferences.js';
import { consoleSnapshot, SNAPSHOT_PARTICIPANTS, SNAPSHOT_QUEUE_CALLERS } from '../../src/commands/console.js';
import { consoleSnapshotJson } from '../../src/serialize/console.js';

/**
 * Issue 19 row 3: one snapshot per account, "sized to what the page shows". A queue of thousands
 * of callers or a conference bigger than the snapshot's room is counted in the database and shown
 * in part, so the snapshot every stream of the account is sent stays bounded.
 */
let em: Emulator;
beforeEach(() => { em = inMemory(); });
afterEach(() => em.dispose());

const KEY = 'KEY_big_views';
let n = 0;
const answered = () => placeCall(em.account(KEY), { from: `+1555${String(n++).padStart(7, '0')}`, to: '+15559990000', answered: true }).callControlId;
const snapshot = () => consoleSnapshotJson(consoleSnapshot(em.account(KEY)));

describe("the console snapshot of a big account", () => {
  it('lists the first callers of a long queue, in order, and counts the rest', () => {
    const a = em.account(KEY);
    const ids = Array.from({ length: SNAPSHOT_QUEUE_CALLERS + 100 }, () => {
      const id = answered();
      enqueueCall(a, id, { queue_name: 'support', max_size: 5000 });
      return id;
    });
    // A caller who hangs up leaves the queue: the ones behind move up.
    farEndHangup(a, ids[1]);
    const still = ids.filter((id) => id !== ids[1]);
    const [queue] = snapshot().queues;
    expect(queue.callers.map((c) => c.call_control_id)).toEqual(still.slice(0, SNAPSHOT_QUEUE_CALLERS));
    expect(queue.callers.map((c) => c.position)).toEqual(Array.from({ length: SNAPSHOT_QUEUE_CALLERS }, (_, i) => i + 1));
    expect(queue.callers_omitted).toBe(still.length - SNAPSHOT_QUEUE_CALLERS);
    expect(queue.waiting).toBe(still.length);
  });

  it("counts the conferences past the snapshot's room without listing them", () => {
    const a = em.account(KEY);
    // Three rooms of 800: two fit in SNAPSHOT_PARTICIPANTS (2,000), the third does not.
    const rooms = ['first', 'second', 'third'].map((name) => {
      const id = createConference(a, { call_control_id: answered(), name, max_participants: 800 }).id;
      const joined: string[] = [];
      for (let i = 1; i < 800; i++) {
        joined.push(answered());
        joinConference(a, id, { call_control_id: joined.at(-1) });
      }
      leaveConference(a, id, { call_control_id: joined[0] });
      return id;
    });
    expect(3 * 800).toBeGreaterThan(SNAPSHOT_PARTICIPANTS);
    const conferences = snapshot().conferences.rows;
    const listed = rooms.map((id) => conferences.find((c) => c.id === id)!);
    for (const room of listed) expect(room).toMatchObject({ joined: 799, left: 1 });
    expect(listed.filter((room) => room.participants_omitted)).toHaveLength(1);
    for (const room of listed) expect(room.participants).toHaveLength(room.participants_omitted ? 0 : 800);
  });
});
