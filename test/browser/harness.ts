// Launches Debian's Chromium through playwright-core for the browser tests and the bench. Without a browser the
// tests skip, unless ASSENT_REQUIRE_BROWSER=1 (CI), where a missing browser is an error.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.ASSENT_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(import.meta.dirname, '..', '..', 'test-artifacts');

/**
 * How long the shared Chromium outlives its last handle: the next test file in the same process (vitest runs file
 * after file in one fork, isolate: false) asks for it while its modules load, well within this. Outside vitest (the
 * bench), the browser closes with its last handle.
 */
const IDLE_CLOSE_MS = process.env.VITEST ? 10_000 : 0;

let shared: Promise<Browser> | null = null;
let handles = 0;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * A handle on the one Chromium of this process, launched on first use: a launch costs 1–2 s here, once per file it
 * was. Each caller's handle opens its own contexts (cookies, storage and permissions are per context, nothing is
 * shared between files); its `close()` closes the contexts it opened, and the browser closes once no handle has been
 * open for IDLE_CLOSE_MS (or when the process exits: playwright kills it then).
 */
export async function launchBrowser(): Promise<Browser | null> {
  if (!existsSync(CHROMIUM_PATH)) {
    if (process.env.ASSENT_REQUIRE_BROWSER === '1') {
      throw new Error(`ASSENT_REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
    }
    return null;
  }
  clearTimeout(idleTimer);
  handles++;
  const launching = (shared ??= launch());
  try {
    return handle(await launching);
  } catch (error) {
    handles--;
    if (shared === launching) shared = null;
    throw error;
  }
}

function launch(): Promise<Browser> {
  const launched = chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  // A browser that crashed or was closed is launched again by the next caller.
  void launched.then((browser) => browser.once('disconnected', () => shared === launched && (shared = null)));
  return launched;
}

function release() {
  if (--handles > 0) return;
  idleTimer = setTimeout(() => {
    const closing = shared;
    shared = null;
    void closing?.then((browser) => browser.close()).catch(() => {});
  }, IDLE_CLOSE_MS);
  idleTimer.unref();
}

/** The shared browser as a caller sees it: `newContext` and `newPage` as usual, `close` for what it opened only. */
function handle(browser: Browser): Browser {
  const contexts = new Set<BrowserContext>();
  let closed = false;
  const track = (context: BrowserContext) => {
    contexts.add(context);
    context.once('close', () => contexts.delete(context));
    return context;
  };
  const own: Partial<Browser> = {
    newContext: async (...args) => track(await browser.newContext(...args)),
    newPage: async (...args) => {
      const page = await browser.newPage(...args);
      track(page.context());
      return page;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([...contexts].map((context) => context.close().catch(() => {})));
      release();
    },
  };
  return new Proxy(browser, {
    get(target, key) {
      if (key in own) return own[key as keyof Browser];
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}
