import { Hono } from 'hono';
import type { Env } from '../http/auth.js';
import { fields, param, type Fields } from '../http/validate.js';
import { boolQuery, pageMeta, readPage } from '../http/paging.js';
import type { Engine } from '../commands/engine.js';
import type { Ctx } from '../domain/context.js';
import type { Conference } from '../store/repository.js';
import { errors } from '../domain/errors.js';
import { BEEP_SETTINGS, CONFERENCE_STATUSES, REGIONS, SUPERVISOR_ROLES } from '../../schema/enums.js';
import * as conference from '../domain/conference.js';
import { commandOk, conferenceJson, participantJson, participantListJson } from '../serialize/index.js';

const LANGUAGES = ['arb', 'cmn-CN', 'cy-GB', 'da-DK', 'de-DE', 'en-AU', 'en-GB', 'en-GB-WLS', 'en-IN', 'en-US', 'es-ES',
  'es-MX', 'es-US', 'fr-CA', 'fr-FR', 'hi-IN', 'is-IS', 'it-IT', 'ja-JP', 'ko-KR', 'nb-NO', 'nl-NL', 'pl-PL', 'pt-BR',
  'pt-PT', 'ro-RO', 'ru-RU', 'sv-SE', 'tr-TR'] as const;

/** An action on the conference with this id (most load it whole; mute/hold need only its status). */
type Action = (ctx: Ctx, conferenceId: string) => void;
interface Parsed { run: Action; scope?: string; commandId?: string }

/** Validates two string fields that may not both be given. */
function exclusive(f: Fields, a: string, b: string) {
  if (f.string(a) !== undefined && f.string(b) !== undefined) {
    throw errors.invalid(b, `'${a}' and '${b}' cannot be used together.`);
  }
}

/**
 * Each action's body, parsed and validated before the transaction (fields from the SDK's
 * conferences/actions.d.ts), then one domain operation.
 */
const actions: Record<string, (f: Fields) => Parsed> = {
  join: (f) => {
    const callControlId = f.string('call_control_id', { required: true });
    exclusive(f, 'hold_audio_url', 'hold_media_name');
    const j: conference.JoinConference = {
      callControlId,
      beepEnabled: f.oneOf('beep_enabled', BEEP_SETTINGS),
      clientState: f.string('client_state'),
      endConferenceOnExit: f.bool('end_conference_on_exit'),
      softEndConferenceOnExit: f.bool('soft_end_conference_on_exit'),
      hold: f.bool('hold'),
      mute: f.bool('mute'),
      startConferenceOnEnter: f.bool('start_conference_on_enter'),
      supervisorRole: f.oneOf('supervisor_role', SUPERVISOR_ROLES),
      whisperCallControlIds: f.strings('whisper_call_control_ids'),
      label: f.string('label', { max: 255 }),
    };
    f.oneOf('region', REGIONS);
    return { run: onConference((ctx, conf) => { conference.join(ctx, conf, j); }), scope: callControlId, commandId: f.string('command_id') };
  },
  leave: (f) => {
    const callControlId = f.string('call_control_id', { required: true });
    f.oneOf('beep_enabled', BEEP_SETTINGS); f.oneOf('region', REGIONS);
    return { run: onConference((ctx, conf) => conference.leave(ctx, conf, callControlId)), scope: callControlId, commandId: f.string('command_id') };
  },
  mute: (f) => flag(f, 'muted', true),
  unmute: (f) => flag(f, 'muted', false),
  hold: (f) => {
    exclusive(f, 'audio_url', 'media_name');
    return flag(f, 'onHold', true);
  },
  unhold: (f) => flag(f, 'onHold', false, true),
  update: (f) => {
    const callControlId = f.string('call_control_id', { required: true });
    const role = f.oneOf('supervisor_role', SUPERVISOR_ROLES, true)!;
    const whisperTo = f.strings('whisper_call_control_ids');
    f.oneOf('region', REGIONS);
    return { run: onConference((ctx, conf) => conference.updateSupervisorRole(ctx, conf, callControlId, role, whisperTo)), commandId: f.string('command_id') };
  },
  end: (f) => ({
    run: onConference((ctx, conf) => {
      conference.requireActive(conf);
      conference.endConference(ctx, conf, 'ended_via_api', { hangUpOthers: true });
    }),
    commandId: f.string('command_id'),
  }),
  play: (f) => {
    exclusive(f, 'audio_url', 'media_name');
    const mediaUrl = f.string('audio_url');
    const mediaName = f.string('media_name');
    if (mediaUrl === undefined && mediaName === undefined) throw errors.missing('audio_url');
    const ids = f.strings('call_control_ids');
    validateLoop(f);
    f.oneOf('region', REGIONS);
    return { run: onConference((ctx, conf) => conference.startMedia(ctx, conf, { kind: 'playback', callControlIds: ids, mediaUrl, mediaName })) };
  },
  speak: (f) => {
    f.string('payload', { required: true, max: 3000 });
    f.string('voice', { required: true });
    f.oneOf('payload_type', ['text', 'ssml'] as const);
    f.oneOf('language', LANGUAGES);
    f.oneOf('region', REGIONS);
    const ids = f.strings('call_control_ids');
    return { run: onConference((ctx, conf) => conference.startMedia(ctx, conf, { kind: 'speak', callControlIds: ids })), commandId: f.string('command_id') };
  },
  stop: (f) => {
    const ids = f.strings('call_control_ids');
    f.oneOf('region', REGIONS);
    return { run: onConference((ctx, conf) => conference.stopMedia(ctx, conf, ids)) };
  },
  send_dtmf: (f) => {
    const digits = f.string('digits', { required: true, max: 128 })!;
    if (!/^[0-9A-Da-d*#wW]+$/.test(digits)) throw errors.invalid('digits', "The 'digits' parameter may contain only 0-9, A-D, *, # and w/W.");
    const ids = f.strings('call_control_ids');
    f.string('client_state');
    f.int('duration_millis', { min: 100, max: 500 });
    return { run: onConference((ctx, conf) => { conference.requireActive(conf); conference.targets(ctx, conf, ids); }) };
  },
  gather_using_audio: (f) => {
    const callControlId = f.string('call_control_id', { required: true });
    exclusive(f, 'audio_url', 'media_name');
    const g = {
      callControlId,
      minimumDigits: f.int('minimum_digits', { min: 1, max: 128 }),
      maximumDigits: f.int('maximum_digits', { min: 1, max: 128 }),
      terminatingDigit: f.string('terminating_digit', { max: 1 }),
      validDigits: f.string('valid_digits', { max: 64 }),
      timeoutMillis: f.int('timeout_millis', { min: 1, max: 600_000 }),
      clientState: f.string('client_state'),
    };
    f.int('maximum_tries', { min: 1, max: 100 });
    f.int('initial_timeout_millis', { min: 1, max: 600_000 });
    f.int('inter_digit_timeout_millis', { min: 1, max: 600_000 });
    f.bool('stop_playback_on_dtmf');
    if (g.minimumDigits !== undefined && g.maximumDigits !== undefined && g.minimumDigits > g.maximumDigits) {
      throw errors.invalid('minimum_digits', "'minimum_digits' cannot be greater than 'maximum_digits'.");
    }
    return { run: onConference((ctx, conf) => conference.gatherUsingAudio(ctx, conf, g)), scope: callControlId };
  },
  record_start: (f) => {
    const format = f.oneOf('format', ['wav', 'mp3'] as const, true)!;
    const channels = f.oneOf('channels', ['single', 'dual'] as const);
    f.bool('play_beep'); f.oneOf('trim', ['trim-silence'] as const); f.string('custom_file_name'); f.oneOf('region', REGIONS);
    return { run: onConference((ctx, conf) => conference.recordStart(ctx, conf, { format, channels })), commandId: f.string('command_id') };
  },
  record_stop: (f) => {
    const clientState = f.string('client_state') ?? null;
    f.string('recording_id'); f.oneOf('region', REGIONS);
    return { run: onConference((ctx, conf) => conference.recordStop(ctx, conf, clientState)), commandId: f.string('command_id') };
  },
  record_pause: (f) => {
    f.string('recording_id'); f.oneOf('region', REGIONS);
    return { run: onConference((ctx, conf) => conference.recordPauseResume(ctx, conf, 'paused')), commandId: f.string('command_id') };
  },
  record_resume: (f) => {
    f.string('recording_id'); f.oneOf('region', REGIONS);
    return { run: onConference((ctx, conf) => conference.recordPauseResume(ctx, conf, 'recording')), commandId: f.string('command_id') };
  },
};

function flag(f: Fields, which: 'muted' | 'onHold', value: boolean, required = false): Parsed {
  const ids = f.strings('call_control_ids', { required });
  f.oneOf('region', REGIONS);
  return { run: (ctx, id) => conference.setFlag(ctx, id, ids, which, value) };
}

/** An action that works on the whole conference row. */
const onConference = (fn: (ctx: Ctx, conf: Conference) => void): Action =>
  (ctx, id) => fn(ctx, conference.requireConference(ctx, id));

function validateLoop(f: Fields) {
  const loop = f.raw('loop');
  if (loop === undefined || loop === 'infinity') return;
  if (typeof loop !== 'number' || !Number.isInteger(loop) || loop < 1 || loop > 100) {
    throw errors.invalid('loop', "The 'loop' parameter must be a positive integer or 'infinity'.");
  }
}

export function conferenceRoutes(engine: Engine) {
  const app = new Hono<Env>();

  app.get('/', (c) => {
    const account = c.get('account');
    const page = readPage(c);
    const status = c.req.query('filter[status]');
    if (status !== undefined && !(CONFERENCE_STATUSES as readonly string[]).includes(status)) {
      throw errors.badEnum('filter[status]', CONFERENCE_STATUSES);
    }
    const { rows, total } = engine.repo.listConferences(account, { name: c.req.query('filter[name]'), status }, page);
    return c.json({ data: rows.map(conferenceJson), meta: pageMeta(page, total) });
  });

  app.post('/', async (c) => {
    const account = c.get('account');
    const f = await fields(c);
    const callControlId = f.string('call_control_id', { required: true });
    const name = f.string('name', { required: true, max: 255 });
    exclusive(f, 'hold_audio_url', 'hold_media_name');
    const create: conference.CreateConference = {
      callControlId, name,
      beepEnabled: f.oneOf('beep_enabled', BEEP_SETTINGS),
      clientState: f.string('client_state'),
      durationMinutes: f.int('duration_minutes', { min: 1, max: 24 * 60 }),
      holdAudioUrl: f.string('hold_audio_url'),
      holdMediaName: f.string('hold_media_name'),
      maxParticipants: f.int('max_participants', { min: 2, max: 800 }),
      region: f.oneOf('region', REGIONS),
      startConferenceOnCreate: f.bool('start_conference_on_create'),
    };
    f.bool('comfort_noise');
    const commandId = f.string('command_id');
    const conf = engine.run(account, (ctx) => conference.createConference(ctx, create), { scope: callControlId, commandId })
      // A repeated command_id returns the conference the first one created.
      ?? engine.repo.activeConferenceByName(account, name);
    if (!conf) throw errors.conferenceEnded();
    return c.json({ data: conferenceJson(conf) });
  });

  app.get('/:id', (c) => {
    const conf = engine.repo.conferenceView(c.get('account'), param(c, 'id'));
    if (!conf) throw errors.conferenceNotFound();
    return c.json({ data: conferenceJson(conf) });
  });

  app.get('/:id/participants', (c) => {
    const account = c.get('account');
    const conf = engine.repo.conference(account, param(c, 'id'));
    if (!conf) throw errors.conferenceNotFound();
    const page = readPage(c);
    const { rows, total } = engine.repo.listParticipants(account, conf.id, {
      muted: boolQuery(c, 'filter[muted]'),
      onHold: boolQuery(c, 'filter[on_hold]'),
      whispering: boolQuery(c, 'filter[whispering]'),
    }, page);
    return c.json({ data: rows.map((p) => participantListJson(p, conf)), meta: pageMeta(page, total) });
  });

  app.get('/:id/participants/:participant_id', (c) => {
    const account = c.get('account');
    const p = engine.run(account, (ctx) =>
      conference.findParticipant(ctx, conference.requireConference(ctx, param(c, 'id')), param(c, 'participant_id')))!;
    return c.json({ data: participantJson(p) });
  });

  app.patch('/:id/participants/:participant_id', async (c) => {
    const account = c.get('account');
    const f = await fields(c);
    const update = {
      beepEnabled: f.oneOf('beep_enabled', BEEP_SETTINGS),
      endConferenceOnExit: f.bool('end_conference_on_exit'),
      softEndConferenceOnExit: f.bool('soft_end_conference_on_exit'),
    };
    const p = engine.run(account, (ctx) => {
      const conf = conference.requireConference(ctx, param(c, 'id'));
      return conference.updateParticipant(ctx, conference.findParticipant(ctx, conf, param(c, 'participant_id')), update);
    })!;
    return c.json({ data: participantJson(p) });
  });

  app.post('/:id/actions/:action', async (c) => {
    const account = c.get('account');
    const parse = actions[c.req.param('action')];
    if (!parse) return c.notFound();
    const id = param(c, 'id');
    const { run, scope, commandId } = parse(await fields(c));
    engine.run(account, (ctx) => run(ctx, id), { scope: scope ?? id, commandId });
    return c.json(commandOk);
  });

  return app;
}
