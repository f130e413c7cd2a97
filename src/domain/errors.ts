/**
 * Typed domain errors. The domain throws these; `http/errors.ts` maps them once to Telnyx's
 * `{ errors: [...] }` shape. Codes, titles and details follow the examples in Telnyx's spec
 * (telnyx-openapi/conferencing.yml, components.responses) and ../shared/TELNYX-SEMANTICS.md.
 */
export type ErrorKind = 'bad_request' | 'unauthorized' | 'not_found' | 'unprocessable' | 'payload_too_large';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly pointer?: string,
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}

export const errors = {
  authenticationFailed: () => new DomainError('unauthorized', '10009', 'Authentication failed',
    'The required authentication headers were either invalid or not included in the request.'),
  callEnded: () => new DomainError('unprocessable', '90018', 'Call has already ended',
    "This call is no longer active and can't receive commands."),
  callNotAnswered: () => new DomainError('unprocessable', '90034', 'Call not answered yet',
    "This call can't receive this command because it has not been answered yet."),
  invalidCallControlId: (pointer = '/call_control_id') => new DomainError('unprocessable', '90015',
    'Invalid Call Control ID', 'The call_control_id provided was not valid.', pointer),
  conferenceEnded: () => new DomainError('unprocessable', '90019', 'Conference has already ended',
    "This conference is no longer active and can't receive commands."),
  conferenceNotFound: () => new DomainError('not_found', '90058', 'Invalid conference_id',
    'The conference does not exist.'),
  conferenceNameTaken: () => new DomainError('unprocessable', '90033', 'Unable to execute command',
    "Conference with given name already exists and it's active."),
  conferenceFull: (max: number) => new DomainError('unprocessable', '90032', 'Maximum number of participants reached',
    `The maximum allowed value of \`max_participants\` has been reached at ${max}.`),
  alreadyInConference: () => new DomainError('unprocessable', '90033', 'Unable to execute command',
    'The call is already a participant of a conference; it has to leave that conference first.', '/call_control_id'),
  participantNotFound: () => new DomainError('not_found', '10007', 'Resource not found',
    'The participant does not exist in this conference.'),
  notInConference: (pointer = '/call_control_id') => new DomainError('unprocessable', '90015', 'Invalid Call Control ID',
    'The call is not a participant of this conference.', pointer),
  queueFull: (name: string) => new DomainError('unprocessable', '90036', 'Queue full',
    `The '${name}' queue is full and can't accept more calls.`),
  alreadyInQueue: () => new DomainError('unprocessable', '90038', 'Call already in queue',
    "Call can't be added to a queue it's already in."),
  notInQueue: () => new DomainError('unprocessable', '90015', 'Invalid Call Control ID',
    'The call is not waiting in a queue.', '/call_control_id'),
  queueEmpty: (name: string) => new DomainError('unprocessable', '90036', 'Queue empty',
    `The '${name}' queue has no call waiting to be bridged.`, '/queue'),
  queueNotFound: () => new DomainError('not_found', '10007', 'Resource not found', 'The queue does not exist.'),
  queueCallNotFound: () => new DomainError('not_found', '10007', 'Resource not found',
    'The call is not in this queue.'),
  queueNameTaken: () => new DomainError('unprocessable', '10015', 'Invalid value for queue_name',
    'A queue with this name already exists.', '/queue_name'),
  queueNotEmpty: () => new DomainError('bad_request', '90050', 'Unable to delete queue', 'Only empty queues can be deleted.'),
  queueCallStillActive: () => new DomainError('unprocessable', '10015', 'Bad Request',
    'Only inactive calls (kept with keep_after_hangup) can be removed from a queue.'),
  recordingNotActive: () => new DomainError('unprocessable', '10015', 'Bad Request',
    'The conference is not being recorded.'),
  recordingAlreadyActive: () => new DomainError('unprocessable', '10015', 'Bad Request',
    'The conference is already being recorded.'),
  cannotBridgeWithItself: () => new DomainError('unprocessable', '90015', 'Invalid Call Control ID',
    'A call cannot be bridged with itself.', '/call_control_id'),
  notFound: (what = 'Resource') => new DomainError('not_found', '10007', 'Resource not found', `${what} not found`),
  missing: (field: string) => new DomainError('unprocessable', '10004', 'Missing required parameter',
    `The '${field}' parameter is required and cannot be blank.`, `/${field}`),
  invalid: (field: string, detail: string, title = 'Invalid value') =>
    new DomainError('unprocessable', '10015', title, detail, `/${field}`),
  badEnum: (field: string, values: readonly string[]) => new DomainError('unprocessable', '10032',
    'Invalid enumerated value', `The value must be one of: ${[...values].sort().join(', ')}.`, `/${field}`),
  outOfRange: (field: string, min: number, max: number) => new DomainError('unprocessable', '10033',
    'Value outside of range', `The value is outside of allowed range ${min} to ${max}`, `/${field}`),
  notE164: (field: string) => new DomainError('unprocessable', '10016', 'Phone number must be in +E164 format',
    `The '${field}' parameter must be in E164 format.`, `/${field}`),
};
