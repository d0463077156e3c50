// `npm run start:workers`: Miniflare's own log never prints a request path, so a link token (or a number someone
// typed into a URL) never reaches the runtime's log; the request log is the app's, by route pattern.
import { Log, LogLevel } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers, type WorkersServer } from '../../scripts/start-workers.ts';
import { ADMIN_TOKEN, availability, freePort, tempDir, waitHealthy, workerdPresent } from '../runtime/servers.ts';

const { skip } = availability('workerd', workerdPresent());

/** Collects what Miniflare would print, at its most talkative request-logging level. */
class CapturingLog extends Log {
  lines: string[] = [];
  constructor() {
    super(LogLevel.DEBUG);
  }
  override logWithLevel(_level: LogLevel, message: string): void {
    this.lines.push(message);
  }
}

describe.skipIf(skip)('the Workers runtime log', () => {
  let server: WorkersServer;
  const log = new CapturingLog();
  beforeAll(async () => {
    const port = await freePort();
    server = await startWorkers({
      env: {
        PORT: String(port),
        ASSENT_DATA_DIR: tempDir('runtime-log'),
        ASSENT_ADMIN_TOKEN: ADMIN_TOKEN,
        ASSENT_PUBLIC_URL: `http://127.0.0.1:${port}`,
      },
      log,
      cronMs: 0,
    });
    await waitHealthy(server.url, null, 50_000);
  }, 60_000);
  afterAll(async () => server?.stop());

  it('holds no request path: no link token, no number', { timeout: 30_000 }, async () => {
    const token = 'T0kenT0kenT0kenT0kenT0kenT0kenT0kenT0kenT0k';
    await fetch(`${server.url}/c/${token}`).then((r) => r.text());
    await fetch(`${server.url}/u/${token}`).then((r) => r.text());
    await fetch(`${server.url}/v1/sites/demo/subscribers/%2B33612345678`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    }).then((r) => r.text());
    const text = log.lines.join('\n');
    expect(text).not.toContain(token);
    expect(text).not.toContain('33612345678');
    expect(text).not.toMatch(/\bGET \/(c|u|v1)\//);
  });
});
