/**
 * What scenarios check (`wait` and `expect` steps): a call's, conference's or queue's current
 * state, each read in one snapshot.
 */
import type { CallLeg, ConferenceView, Participant } from '../model/entities.js';
import type { Account } from './account.js';

export interface CallFacts {
  call: CallLeg;
  /** The queue it waits in (alive), if any. */
  queue: string | null;
  participant: Participant | null;
  conference: string | null;
}

export function callFacts(a: Account, callControlId: string): CallFacts | undefined {
  return a.read((ctx) => {
    const call = ctx.store.call(callControlId);
    if (!call) return undefined;
    const queued = ctx.store.queueCall(callControlId);
    const participant = ctx.store.participantOfCall(callControlId) ?? null;
    return {
      call,
      queue: queued?.isAlive ? ctx.store.queueById(queued.queueId)?.name ?? null : null,
      participant,
      conference: participant ? ctx.store.conference(participant.conferenceId)?.name ?? null : null,
    };
  });
}

/** The live conference of that name, else the most recent (names are only unique among live ones). */
export function conferenceFacts(a: Account, name: string): { conference: ConferenceView; participants: string[] } | undefined {
  return a.read((ctx) => {
    const conf = ctx.store.activeConferenceByName(name) ?? ctx.store.latestConferenceByName(name);
    if (!conf) return undefined;
    return { conference: conf, participants: ctx.store.activeParticipants(conf.id).map((p) => p.callControlId) };
  });
}

/** The calls waiting in a queue, in position order. */
export function queueFacts(a: Account, name: string): { calls: string[] } | undefined {
  return a.read((ctx) => {
    const q = ctx.store.queueByName(name);
    return q && { calls: ctx.store.queueCalls(q.id).map((qc) => qc.callControlId) };
  });
}
