import { eq } from 'drizzle-orm';
import { settings } from '../../schema/index.js';
import type { Db } from './db-type.js';

/** Server-wide settings (e.g. the generated webhook signing seed), kept across restarts. */
export interface Settings {
  get(key: string): string | undefined;
  /** Keeps `value` unless the key already has one; returns what is kept. */
  setIfAbsent(key: string, value: string): string;
}

export function settingsStore(db: Db): Settings {
  const get = (key: string) => db.select().from(settings).where(eq(settings.key, key)).get()?.value;
  return {
    get,
    setIfAbsent(key, value) {
      db.insert(settings).values({ key, value }).onConflictDoNothing().run();
      return get(key) ?? value;
    },
  };
}
