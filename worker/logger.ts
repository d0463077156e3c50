// Structured JSON logs. Callers pass ids, codes and timings only: never a number, a token or a message body.

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /**
   * The access log's line for one request, written without an object per request where the logger can (jsonLogger:
   * a template); a logger without it gets `info('request', { requestId, method, route, status, ms })`.
   */
  request?(requestId: string, method: string, route: string, status: number, ms: number): void;
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
  // Methods and route patterns are few (the app's own), so each is quoted once; anything past that bound is quoted
  // per line, as is the request id (64 characters at most, hono/request-id).
  const quoted = new Map<string, string>();
  const quote = (text: string) => {
    let q = quoted.get(text);
    if (q === undefined) {
      q = JSON.stringify(text);
      if (quoted.size < 1000) quoted.set(text, q);
    }
    return q;
  };
  function request(requestId: string, method: string, route: string, status: number, ms: number) {
    if (min > 0) return;
    write(
      `{"time":"${new Date().toISOString()}","level":"info","msg":"request","requestId":${JSON.stringify(requestId)},"method":${quote(method)},"route":${quote(route)},"status":${status},"ms":${ms}}`,
    );
  }
  return { info: emit('info'), warn: emit('warn'), error: emit('error'), request };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
