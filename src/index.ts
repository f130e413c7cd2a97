import { configFromEnv } from './config.js';
import { startEmulator } from './server.js';

// The only entry that reads process.env: config → database → migrate → listen.
const config = configFromEnv(process.env);
const emulator = await startEmulator(config);
console.log(`telnyx-mock listening on ${emulator.url}/v2`);
if (emulator.webhooks.publicKey) console.log(`webhook public key: ${emulator.webhooks.publicKey}`);

const shutdown = () => { void emulator.close().then(() => process.exit(0)); };
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
