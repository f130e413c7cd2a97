/**
 * The one error catalogue: every error the emulator answers, with Telnyx's HTTP status, code,
 * title and detail. Anything may throw these (the domain, commands, doors); `http/errors.ts`
 * maps them once to Telnyx's `{ "errors": [...] }`. Codes and titles follow the examples in
 * Telnyx's spec (components.responses) and TELNYX-SEMANTICS.md; no code is written outside this file.
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 408 | 409 | 413 | 422 | 429 | 431 | 500 | 502 | 503 | 504;

/** The first error of a Telnyx error body (`{ errors: [{ code, title, detail }] }`), if the text is one. */
export function firstError(text: string | undefined): { code?: string; title?: string; detail?: string } | undefined {
  if (!text) return undefined;
  try {
    const e = (JSON.parse(text) as { errors?: { code?: string; title?: string; detail?: string }[] }).errors?.[0];
    return e ? { code: e.code, title: e.title, detail: e.detail } : undefined;
  } catch {
    return undefined;
  }
}

export class TelnyxError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    /** A JSON pointer into the body (`/field`), or a query parameter's name. */
    readonly pointer?: string,
  ) {
    super(detail);
    this.name = 'TelnyxError';
  }
}

/** The codes of a body field's problems: missing, invalid, not one of the values, out of range. */
export const FIELD_CODES = { missing: '10004', invalid: '10015', badEnum: '10032', outOfRange: '10033' } as const;

/** Error codes and titles as Telnyx's spec gives them for these statuses (components.responses). */
const STATUS_ERRORS: Record<number, { code: string; title: string; detail: string }> = {
  408: { code: '10007', title: 'Request timeout', detail: 'The request timed out.' },
  409: { code: '10007', title: 'Conflict', detail: 'The request conflicts with another request.' },
  429: { code: '10011', title: 'Too many requests', detail: 'Too many requests, slow down.' },
  500: { code: '10007', title: 'Internal server error', detail: 'Internal server error' },
  502: { code: '10007', title: 'Bad gateway', detail: 'Bad gateway' },
  503: { code: '10007', title: 'Service unavailable', detail: 'Service unavailable' },
  504: { code: '10007', title: 'Gateway timeout', detail: 'Gateway timeout' },
};

export const errors = {
  badRequest: (detail: string) => new TelnyxError(400, '10015', 'Bad Request', detail),
  notJson: () => new TelnyxError(400, '10015', 'Bad Request', 'The request body is not valid JSON.', '/'),
  notObject: () => new TelnyxError(400, '10015', 'Bad Request', 'The request body must be a JSON object.', '/'),
  badCharacters: () => new TelnyxError(400, '10015', 'Bad Request', 'Invalid characters in the request.'),
  tooLarge: () => new TelnyxError(413, '10015', 'Request too large', 'The request body is too large (at most 1 MiB).', '/'),
  /** The client closed the connection before its body arrived in full (it never sees the answer; the journal does). */
  aborted: () => new TelnyxError(400, '10015', 'Bad Request', 'The request body was not received in full: the client closed the connection.', '/'),
  /** JSON or YAML nested deeper than any Telnyx body (see MAX_DEPTH in src/commands/schema.ts). */
  tooDeep: (max: number, pointer?: string) => new TelnyxError(400, '10015', 'Bad Request',
    `The request body is nested too deeply (at most ${max} levels).`, pointer ?? '/'),
  /** Node refused the request before any route saw it (headers too large, bytes not allowed in the request line). */
  headersTooLarge: (maxBytes: number) => new TelnyxError(431, '10015', 'Request header fields too large',
    `The request headers are too large (at most ${maxBytes % 1024 === 0 ? `${maxBytes / 1024} KiB` : `${maxBytes} bytes`} in all).`),
  malformedRequest: () => new TelnyxError(400, '10015', 'Bad Request', 'The request could not be parsed as HTTP.'),
  /** A per-account collection is full (e.g. armed faults): clear some first. */
  tooMany: (what: string, max: number) => new TelnyxError(422, '10015', 'Invalid value',
    `At most ${max} ${what} per account; clear some first.`, '/'),
  /**
   * A per-account quota is reached (src/model/quotas.ts): 422, not 429, since waiting does not free
   * stored state and the SDKs retry a 429 twice. Names the quota, its setting and the account
   * (shortened: a key is a credential).
   */
  quotaReached: (what: string, max: number, setting: string, account: string) => new TelnyxError(422, '10015', 'Quota reached',
    `Account ${account} has reached its quota of ${max} ${what} (${setting}): nothing was stored. Reset the account (POST /_mock/reset) or raise ${setting}.`, '/'),
  /** Recording downloads open at once for one account, past its quota: 429, as a slot frees when one ends. */
  tooManyDownloads: (max: number, account: string) => new TelnyxError(429, '10011', 'Too many requests',
    `Account ${account} already has ${max} recording downloads open, the most one account may (TELNYX_MOCK_MAX_DOWNLOADS): retry when one has finished.`),
  /** TELNYX_MOCK_ADMIN_KEY is set and this cross-account operation was asked with another key. */
  adminRequired: () => new TelnyxError(403, '10010', 'Not authorized',
    'You are not authorized to access the requested resource: this operation spans every account and needs the admin key (TELNYX_MOCK_ADMIN_KEY) as the bearer key.', '/'),
  /**
   * A console or control request whose Host is not this server's address: a page on another site
   * rebinding its name to this machine (DNS rebinding) must not read keys or drive accounts.
   */
  hostNotAllowed: (host: string, allowed: readonly string[]) => new TelnyxError(403, '10010', 'Not authorized',
    `The Host header '${host.slice(0, 100)}' is not this server's address (${allowed.join(', ')}): the console and /_mock answer only requests addressed to the server by a name it listens on. Set TELNYX_MOCK_PUBLIC_URL to the URL you reach it by, or listen on 0.0.0.0 to accept any Host.`),
  /** A console live stream over its cap: per account or in all (src/routes/console.ts). */
  tooManyStreams: (scope: 'account' | 'server', max: number) => new TelnyxError(429, '10011', 'Too many requests',
    scope === 'account'
      ? `This account already has ${max} open console streams, the most one account may have: close a console tab and retry.`
      : `The server already has ${max} open console streams, the most it serves: close a console tab and retry.`),
  /** No route; `guess` is the route or action name most likely meant (http/route-hints.ts), when one is near. */
  noRoute: (method: string, path: string, guess?: string) => new TelnyxError(404, '10007', 'Resource not found',
    `No route for ${method} ${path}${guess ? `. Did you mean \`${guess}\`?` : ''}`),
  /** A known path asked with a method it does not take; `allowed` are the ones it does (also sent as `Allow`). */
  methodNotAllowed: (method: string, path: string, allowed: readonly string[]) => new TelnyxError(405, '10007', 'Method not allowed',
    `${method} is not allowed on ${path}; it takes ${allowed.join(', ')}.`),
  internal: () => new TelnyxError(500, '10007', 'Internal server error', 'Internal server error'),
  /** A blocking wait (POST /_mock/wait, startMock()'s waitFor…) whose timeout passed with no match; `detail` names what was awaited. */
  waitTimedOut: (detail: string) => new TelnyxError(408, '10007', 'Request timeout', detail),
  /** A blocking wait whose match can no longer come (the call it waits on has hung up). */
  waitUnmeetable: (detail: string) => new TelnyxError(422, '10015', 'Wait cannot be met', detail),
  /** The account has as many blocking waits parked as it may (per account, so others are not slowed). */
  tooManyWaits: (max: number) => new TelnyxError(429, '10011', 'Too many requests',
    `At most ${max} waits may be parked per account at once; let some finish (or time out) first.`),
  invalidScenario: (detail: string, pointer?: string) => new TelnyxError(422, '10015', 'Invalid scenario', detail, pointer),
  /** What an injected fault answers: Telnyx's own error for that status where the spec gives one. */
  injected: (status: number) => {
    const e = STATUS_ERRORS[status] ?? { code: '10007', title: 'Injected fault', detail: `Injected fault: HTTP ${status}.` };
    return new TelnyxError(status as ErrorStatus, e.code, e.title, e.detail);
  },
  authenticationFailed: () => new TelnyxError(401, '10009', 'Authentication failed',
    'The required authentication headers were either invalid or not included in the request.'),
  callEnded: () => new TelnyxError(422, '90018', 'Call has already ended',
    "This call is no longer active and can't receive commands."),
  callNotAnswered: () => new TelnyxError(422, '90034', 'Call not answered yet',
    "This call can't receive this command because it has not been answered yet."),
  invalidCallControlId: (pointer = '/call_control_id') => new TelnyxError(422, '90015',
    'Invalid Call Control ID', 'The call_control_id provided was not valid.', pointer),
  conferenceEnded: () => new TelnyxError(422, '90019', 'Conference has already ended',
    "This conference is no longer active and can't receive commands."),
  conferenceNotFound: () => new TelnyxError(404, '90058', 'Invalid conference_id',
    'The conference does not exist.'),
  conferenceNameTaken: () => new TelnyxError(422, '90033', 'Unable to execute command',
    "Conference with given name already exists and it's active."),
  conferenceFull: (max: number) => new TelnyxError(422, '90032', 'Maximum number of participants reached',
    `The maximum allowed value of \`max_participants\` has been reached at ${max}.`),
  alreadyInConference: () => new TelnyxError(422, '90033', 'Unable to execute command',
    'The call is already a participant of a conference; it has to leave that conference first.', '/call_control_id'),
  participantNotFound: () => new TelnyxError(404, '10007', 'Resource not found',
    'The participant does not exist in this conference.'),
  notInConference: (pointer = '/call_control_id') => new TelnyxError(422, '90015', 'Invalid Call Control ID',
    'The call is not a participant of this conference.', pointer),
  /** The caller speaks (the control API's `speech`, a scenario's speak step) on a call in no conference: there is no floor to move. */
  speechWithoutConference: () => new TelnyxError(422, '90015', 'Invalid Call Control ID',
    'The call is in no conference, so there is no floor for its speech to take. Join it to a conference first '
    + '(POST /v2/conferences with its call_control_id, or POST /v2/conferences/{id}/actions/join); '
    + 'to have the caller say words on any call, use say (POST /_mock/calls/{call_control_id}/say).', '/call_control_id'),
  /** Telnyx's sentence, then the bound and where it is raised (enqueue's max_size only sets it for a new queue). */
  queueFull: (name: string, maxSize: number) => new TelnyxError(422, '90036', 'Queue full',
    `The '${name}' queue is full and can't accept more calls (its max_size is ${maxSize}; POST /v2/queues/{queue_name} can raise it).`),
  alreadyInQueue: () => new TelnyxError(422, '90038', 'Call already in queue',
    "Call can't be added to a queue it's already in."),
  notInQueue: () => new TelnyxError(422, '90015', 'Invalid Call Control ID',
    'The call is not waiting in a queue.', '/call_control_id'),
  queueEmpty: (name: string) => new TelnyxError(422, '90036', 'Queue empty',
    `The '${name}' queue has no call waiting to be bridged.`, '/queue'),
  queueNotFound: () => new TelnyxError(404, '10007', 'Resource not found', 'The queue does not exist.'),
  queueCallNotFound: () => new TelnyxError(404, '10007', 'Resource not found',
    'The call is not in this queue.'),
  queueNameTaken: () => new TelnyxError(422, '10015', 'Invalid value for queue_name',
    'A queue with this name already exists.', '/queue_name'),
  queueNotEmpty: () => new TelnyxError(400, '90050', 'Unable to delete queue', 'Only empty queues can be deleted.'),
  queueCallStillActive: () => new TelnyxError(422, '10015', 'Bad Request',
    'Only inactive calls (kept with keep_after_hangup) can be removed from a queue.'),
  recordingNotActive: () => new TelnyxError(422, '10015', 'Bad Request',
    'The conference is not being recorded.'),
  recordingAlreadyActive: () => new TelnyxError(422, '10015', 'Bad Request',
    'The conference is already being recorded.'),
  callNotRecording: () => new TelnyxError(422, '10015', 'Bad Request',
    'The call is not being recorded.'),
  callAlreadyRecording: () => new TelnyxError(422, '10015', 'Bad Request',
    'The call is already being recorded; stop that recording first.'),
  cannotBridgeWithItself: () => new TelnyxError(422, '90015', 'Invalid Call Control ID',
    'A call cannot be bridged with itself.', '/call_control_id'),
  /** A call action that needs real media or AI (see commands/call-media.ts NOT_EMULATED). */
  notEmulated: (command: string) => new TelnyxError(422, '10015', 'Command not emulated',
    `The '${command}' command needs real media or AI and is not emulated by telnyx-mock.`),
  /**
   * An operation of Telnyx's spec that the emulator does not serve (see http/not-emulated.ts): the
   * same code as a call command not emulated, naming the operation as the spec does.
   */
  operationNotEmulated: (op: { method: string; path: string; operationId: string; summary: string }) =>
    new TelnyxError(422, '10015', 'Operation not emulated',
      `${op.summary ? `'${op.summary}' (${op.operationId}, ` : `${op.operationId} (`}${op.method} /v2${op.path}) is not emulated by telnyx-mock, `
      + "which emulates Telnyx's voice API: call control, conferences, queues and the provisioning they need."),
  /**
   * An unknown id of a provisioning resource (credential connections, outbound voice profiles,
   * telephony credentials, applications, phone numbers, number orders, connections): the spec's
   * connections_NotFoundResponse example, word for word.
   */
  resourceNotFound: () => new TelnyxError(404, '10005', 'Resource not found',
    'The requested resource or URL could not be found.', '/'),
  webhookHasNoUrl: () => new TelnyxError(422, '10015', 'Bad Request',
    'This webhook had no URL to go to (no call, connection or server webhook URL): there is nowhere to resend it. Set a webhook URL first.'),
  notFound: (what = 'Resource') => new TelnyxError(404, '10007', 'Resource not found', `${what} not found`),
  /**
   * Strict connections: the spec's `invalid_connection_id` example, word for word, answered for a
   * connection_id that names no connection, an inactive one or one without a webhook URL.
   */
  invalidConnection: () => new TelnyxError(422, '10015', 'Invalid value for connection_id (Call Control App ID)',
    'The requested connection_id (Call Control App ID) is either invalid or does not exist. Only Call Control Apps with valid webhook URL are accepted.',
    '/connection_id'),
  /** A number a test gives or an order buys that the account owns already. */
  numberAlreadyOwned: (pointer: string, e164: string) => new TelnyxError(422, '10015', 'Invalid value',
    `The phone number ${e164} is already owned by this account.`, pointer),
  missing: (field: string) => new TelnyxError(422, FIELD_CODES.missing, 'Missing required parameter',
    `The '${field}' parameter is required and cannot be blank.`, `/${field}`),
  /** A text over its bound: the message names the bound, so the fix is plain. */
  tooLong: (field: string, max: number, length: number) => new TelnyxError(422, FIELD_CODES.invalid, 'Invalid value',
    `The '${field}' parameter is too long: at most ${max} characters, got ${length}.`, `/${field}`),
  tooManyItems: (field: string, max: number, count: number) => new TelnyxError(422, FIELD_CODES.invalid, 'Invalid value',
    `The '${field}' parameter has too many items: at most ${max}, got ${count}.`, `/${field}`),
  invalid: (field: string, detail: string, title = 'Invalid value') =>
    new TelnyxError(422, FIELD_CODES.invalid, title, detail, `/${field}`),
  badEnum: (field: string, values: readonly string[]) => new TelnyxError(422, FIELD_CODES.badEnum,
    'Invalid enumerated value', `The value must be one of: ${[...values].sort().join(', ')}.`, `/${field}`),
  outOfRange: (field: string, min: number, max: number) => new TelnyxError(422, FIELD_CODES.outOfRange,
    'Value outside of range', `The value is outside of allowed range ${min} to ${max}`, `/${field}`),
  /** Query-string parameters: the error names the parameter (`source.parameter`), not a body pointer. */
  paramOutOfRange: (name: string, min: number, max: number) => new TelnyxError(422, FIELD_CODES.outOfRange,
    'Value outside of range', `The value is outside of allowed range ${min} to ${max}`, name),
  paramInvalid: (name: string, detail: string) => new TelnyxError(422, '10015', 'Invalid value', detail, name),
  paramBadEnum: (name: string, values: readonly string[]) => new TelnyxError(422, FIELD_CODES.badEnum,
    'Invalid enumerated value', `The value must be one of: ${values.join(', ')}.`, name),
  notE164: (field: string) => new TelnyxError(422, '10016', 'Phone number must be in +E164 format',
    `The '${field}' parameter must be in E164 format.`, `/${field}`),
  // State snapshots (commands/snapshot.ts, schema/snapshot.schema.json).
  /** A snapshot document that does not follow schema/snapshot.schema.json, or contradicts itself: the pointer names where. */
  invalidSnapshot: (detail: string, pointer: string) => new TelnyxError(422, '10015', 'Invalid snapshot', detail, pointer),
  /** An import into an account that holds state already: nothing is merged, nothing imported. */
  snapshotAccountNotEmpty: (account: string, table: string, pointer: string) => new TelnyxError(409, '10007', 'Conflict',
    `The account ${account} is not empty (it has ${table} rows): a snapshot is imported only into an empty account. Reset it first (POST /_mock/reset).`, pointer),
  /** A row whose id another account of this server has (ids are unique server-wide): the same snapshot imported twice. */
  snapshotIdTaken: (table: string, id: string, pointer: string) => new TelnyxError(409, '10007', 'Conflict',
    `The ${table} id ${id} is already used by another account on this server (ids are unique server-wide): import into a fresh server, or reset the account it came from.`, pointer),
  snapshotTooLarge: (maxBytes: number) => new TelnyxError(413, '10015', 'Request too large',
    `The snapshot is too large (at most ${maxBytes / (1024 * 1024)} MiB).`, '/'),
};
