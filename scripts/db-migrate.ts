// `npm run db:migrate`: applies the migrations to ASSENT_DB_URL (or the embedded file in ASSENT_DATA_DIR).
import { migrateCommand } from '../worker/entry/node/migrate-command.ts';

const { code, line } = await migrateCommand(process.env);
(code === 0 ? console.log : console.error)(line);
process.exitCode = code;
