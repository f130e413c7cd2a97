/**
 * The body each /v2 operation parses, keyed by the operation as Telnyx's spec names it (method and
 * path template of spec/telnyx-openapi/*.yml). Nothing serves requests from this table: the commands
 * parse their own bodies. It lets test/contract/request-fields.test.ts hold every body's declared
 * fields to the spec's requestBody properties (as stripe-mock derives its checks from the spec).
 */
import type { Schema } from './schema.js';
import { Answer, Bridge, Dial, Enqueue, Hangup, LeaveQueue, Reject } from './calls.js';
import {
  ClientStateUpdate, Gather, GatherStop, GatherUsingAudio, GatherUsingSpeak, PlaybackStart, PlaybackStop, SendDtmf, Speak,
  TranscriptionStart, TranscriptionStop,
} from './call-media.js';
import { Transfer } from './call-transfer.js';
import { RecordControl, RecordStart } from './recordings.js';
import * as conf from './conferences.js';
import { CreateQueue, UpdateQueue, UpdateQueueCall } from './queues.js';
import { CreateApplication, UpdateApplication } from './applications.js';
import { CreateNumberOrder, UpdateNumberOrder, UpdatePhoneNumber, UpdateVoiceSettings } from './phone-numbers.js';

const call = (action: string) => `POST /calls/{call_control_id}/actions/${action}`;
const conference = (action: string) => `POST /conferences/{id}/actions/${action}`;

export const REQUEST_BODIES: Readonly<Record<string, Schema<unknown>>> = {
  'POST /calls': Dial,
  [call('answer')]: Answer,
  [call('reject')]: Reject,
  [call('hangup')]: Hangup,
  [call('bridge')]: Bridge,
  [call('enqueue')]: Enqueue,
  [call('leave_queue')]: LeaveQueue,
  [call('speak')]: Speak,
  [call('playback_start')]: PlaybackStart,
  [call('playback_stop')]: PlaybackStop,
  [call('gather')]: Gather,
  [call('gather_using_speak')]: GatherUsingSpeak,
  [call('gather_using_audio')]: GatherUsingAudio,
  [call('gather_stop')]: GatherStop,
  [call('send_dtmf')]: SendDtmf,
  [call('transcription_start')]: TranscriptionStart,
  [call('transcription_stop')]: TranscriptionStop,
  'PUT /calls/{call_control_id}/actions/client_state_update': ClientStateUpdate,
  [call('transfer')]: Transfer,
  [call('record_start')]: RecordStart,
  [call('record_stop')]: RecordControl,
  [call('record_pause')]: RecordControl,
  [call('record_resume')]: RecordControl,

  'POST /conferences': conf.CreateConference,
  'PATCH /conferences/{id}/participants/{participant_id}': conf.UpdateParticipant,
  [conference('join')]: conf.JoinConference,
  [conference('leave')]: conf.LeaveConference,
  [conference('mute')]: conf.MuteParticipants,
  [conference('unmute')]: conf.MuteParticipants,
  [conference('hold')]: conf.HoldParticipants,
  [conference('unhold')]: conf.UnholdParticipants,
  [conference('update')]: conf.UpdateParticipantRole,
  [conference('end')]: conf.EndConference,
  [conference('play')]: conf.PlayToConference,
  [conference('speak')]: conf.SpeakToConference,
  [conference('stop')]: conf.StopConferenceMedia,
  [conference('send_dtmf')]: conf.SendDtmfToConference,
  [conference('gather_using_audio')]: conf.GatherUsingAudio,
  [conference('record_start')]: conf.RecordStart,
  [conference('record_stop')]: conf.RecordStop,
  [conference('record_pause')]: conf.RecordPauseResume,
  [conference('record_resume')]: conf.RecordPauseResume,

  'POST /queues': CreateQueue,
  'POST /queues/{queue_name}': UpdateQueue,
  'PATCH /queues/{queue_name}/calls/{call_control_id}': UpdateQueueCall,

  // provisioning
  'POST /call_control_applications': CreateApplication,
  'PATCH /call_control_applications/{id}': UpdateApplication,
  'PATCH /phone_numbers/{id}': UpdatePhoneNumber,
  'PATCH /phone_numbers/{id}/voice': UpdateVoiceSettings,
  'POST /number_orders': CreateNumberOrder,
  'PATCH /number_orders/{number_order_id}': UpdateNumberOrder,
};
