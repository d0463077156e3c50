// `npm run db:migrate`: applies the migrations to ASSENT_DB_URL (or the embedded file in ASSENT_DATA_DIR).
import { loadEnv } from '../worker/entry/node/load-env.ts';
import { openStore } from '../worker/entry/node/store.ts';

const env = await loadEnv(process.env);
const store = await openStore(env);
await store.close();
console.log('migrations applied');
