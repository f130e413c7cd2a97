import type { Timer } from '../model/entities.js';
import type { Ctx } from './context.js';
import { conferenceExpired, mediaEnded } from './conference.js';
import { queueTimedOut } from './queue.js';
import { dialAnswerDue, dialTimeoutDue } from './lifecycle.js';
import { gatherTimedOut } from './gather.js';
import { callMediaEnded } from './call-media.js';
import { timeLimitReached } from './transfer.js';
import { recordingMaxLengthReached } from './recording.js';

/** What each kind of timer does when it falls due; a new kind fails to compile until it is handled here. */
export function fireTimer(ctx: Ctx, timer: Timer): void {
  const call = () => ctx.store.call(timer.subjectId);
  switch (timer.kind) {
    case 'conference_expiry': {
      const conf = ctx.store.conference(timer.subjectId);
      if (conf) conferenceExpired(ctx, conf);
      return;
    }
    case 'queue_timeout': queueTimedOut(ctx, timer.subjectId); return;
    case 'media_end': mediaEnded(ctx, timer.subjectId); return;
    case 'dial_answer': { const c = call(); if (c) dialAnswerDue(ctx, c); return; }
    case 'dial_timeout': { const c = call(); if (c) dialTimeoutDue(ctx, c); return; }
    case 'gather_timeout': { const c = call(); if (c) gatherTimedOut(ctx, c); return; }
    case 'call_media_end': callMediaEnded(ctx, timer.subjectId); return;
    case 'call_time_limit': { const c = call(); if (c) timeLimitReached(ctx, c); return; }
    case 'recording_max_length': recordingMaxLengthReached(ctx, timer.subjectId); return;
    default: assertNever(timer.kind);
  }
}

function assertNever(kind: never): never {
  throw new Error(`unknown timer kind ${String(kind)}`);
}
