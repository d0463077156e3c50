// Node and Deno: the console provider's deliveries kept in the data dir (one JSON line each), so /dev/outbox and the
// idempotency of sends survive a restart.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { memoryDevOutbox, type DevMessage, type DevOutbox } from '../../sms/providers/console.ts';

export function fileDevOutbox(file: string): DevOutbox {
  const initial = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line) => {
          try {
            return line ? [JSON.parse(line) as DevMessage] : [];
          } catch {
            return []; // a line cut short by a crash: that delivery never completed
          }
        })
    : [];
  const memory = memoryDevOutbox(initial);
  return {
    ...memory,
    add(message) {
      appendFileSync(file, `${JSON.stringify(message)}\n`);
      memory.add(message);
    },
  };
}
