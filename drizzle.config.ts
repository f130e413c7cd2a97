import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL migrations from schema/ into schema/migrations;
// the server applies them at start-up (src/store/db.ts).
export default defineConfig({
  dialect: 'sqlite',
  schema: './schema/index.ts',
  out: './schema/migrations',
});
