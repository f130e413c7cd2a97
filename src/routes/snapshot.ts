/**
 * GET /_mock/snapshot (the bearer's account as a snapshot document; `?all=true`: every account,
 * the admin's) and PUT /_mock/snapshot (a document imported into the bearer's empty account; with
 * `?all=true`, each of its accounts into its own key). Decode, call commands/snapshot.ts, encode.
 */
import { Hono, type Context } from 'hono';
import type { Env } from '../http/auth.js';
import { readBodyText } from '../http/body.js';
import { errors } from '../model/errors.js';

/** The commands and the document's text load when first used, not at every start. */
const snapshots = () => Promise.all([import('../commands/snapshot.js'), import('../serialize/snapshot.js')]);

/** `?all=true` (or `all=1`); anything else but absent/false is refused rather than read as false. */
function allParam(c: Context): boolean {
  const raw = c.req.query('all');
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1' || raw === '') return true;
  throw errors.paramInvalid('all', "'all' must be true or false.");
}

export function snapshotRoutes() {
  const app = new Hono<Env>();

  app.get('/', async (c) => {
    const [{ exportSnapshot }, { snapshotText }] = await snapshots();
    const doc = exportSnapshot(c.get('account'), { all: allParam(c) });
    return c.body(snapshotText(doc), 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  app.put('/', async (c) => {
    const [{ importSnapshot, MAX_SNAPSHOT_BYTES, parseSnapshotText }] = await snapshots();
    const all = allParam(c);
    const text = await readBodyText(c, { bytes: MAX_SNAPSHOT_BYTES, error: () => errors.snapshotTooLarge(MAX_SNAPSHOT_BYTES) });
    return c.json({ data: importSnapshot(c.get('account'), parseSnapshotText(text), { all }) }, 201);
  });

  return app;
}
