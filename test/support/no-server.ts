import net from 'node:net';

/**
 * Setup of the `fast` project (vitest.config.ts): its tests run in process, so starting a server
 * there is a mistake. It fails at once, naming where the test belongs, instead of quietly
 * turning the fast tier into a slow one. (Set once per worker: files share it with isolate off.)
 */
const GUARD = Symbol.for('telnyx-mock.no-server');
const proto = net.Server.prototype as net.Server & { [GUARD]?: true };
if (!proto[GUARD]) {
  proto[GUARD] = true;
  proto.listen = function listen(): never {
    throw new Error('a test in the fast project started a server: fast tests run in process (api(), appEnv(), mockControl()); '
      + 'a test that needs a socket belongs in the full project (see vitest.config.ts)');
  };
}
