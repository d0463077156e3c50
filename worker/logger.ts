// Structured JSON logs. Callers pass ids, codes and timings only: never a number, a token or a message body.

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export function jsonLogger(
  options: { write?: (line: string) => void; level?: 'info' | 'warn' | 'error' } = {},
): Logger {
  const write = options.write ?? ((line: string) => console.log(line));
  const rank = { info: 0, warn: 1, error: 2 };
  const min = rank[options.level ?? 'info'];
  const emit = (level: 'info' | 'warn' | 'error') =>
    function log(msg: string, fields: LogFields = {}) {
      if (rank[level] < min) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
    };
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
