export * from './calls.js';
export * from './conferences.js';
export * from './queues.js';
export * from './recordings.js';
export * from './transfers.js';
export * from './runtime.js';
export * from './webhooks.js';
export * from './enums.js';
