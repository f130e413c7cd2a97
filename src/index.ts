import { configFromEnv } from './config.js';
import { banner, startEmulator } from './server.js';

// The only entry that reads process.env: config → database → migrate → listen. `npm start` and the
// Docker image run this file; it prints the same banner as `telnyx-mock serve`.
const config = configFromEnv(process.env);
const emulator = await startEmulator(config);
console.log(banner(emulator));

const shutdown = () => { void emulator.close().then(() => process.exit(0)); };
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
