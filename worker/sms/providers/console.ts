// Development provider: prints each message with the number masked and keeps it for GET /dev/outbox.
import { maskPhone } from '../mask-phone.ts';
import type { OutgoingSms, SmsProvider } from '../provider.ts';

export interface DevMessage {
  id: string;
  to: string;
  body: string;
  createdAt: string;
  /** Set on the dev outbox's own entries (answers to replies); a sent message's site is its outbox row's. */
  site?: string;
}

/** Where delivered dev messages are kept; the Node entry persists them in the data dir across restarts. */
export interface DevOutbox {
  list(): DevMessage[];
  has(id: string): boolean;
  add(message: DevMessage): void;
}

export function memoryDevOutbox(initial: DevMessage[] = []): DevOutbox {
  const messages = [...initial];
  const ids = new Set(messages.map((m) => m.id));
  return {
    list: () => [...messages],
    has: (id) => ids.has(id),
    add(message) {
      ids.add(message.id);
      messages.push(message);
    },
  };
}

export function createConsoleProvider(options: {
  outbox: DevOutbox;
  clock?: () => number;
  print?: (line: string) => void;
}): SmsProvider {
  const { outbox, clock = Date.now, print = (line: string) => console.log(line) } = options;
  return {
    name: 'console',
    async send(message: OutgoingSms) {
      // Idempotent by message id, like a provider honouring an idempotency key.
      if (!outbox.has(message.id)) {
        outbox.add({ id: message.id, to: message.to, body: message.body, createdAt: new Date(clock()).toISOString() });
        print(
          `[sms] to ${maskPhone(message.to)} (${message.id}): ${message.body.replace(/\/(c|u)\/[\w-]+/g, '/$1/…')}`,
        );
      }
      return { ok: true, providerMessageId: `console-${message.id}` };
    },
    async lookup(id) {
      return outbox.has(id) ? { found: true, providerMessageId: `console-${id}` } : { found: false };
    },
  };
}
