// Launches Debian's Chromium through playwright-core for the browser tests and the bench. Without a browser the
// tests skip, unless ASSENT_REQUIRE_BROWSER=1 (CI), where a missing browser is an error.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.ASSENT_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(import.meta.dirname, '..', '..', 'test-artifacts');

export async function launchBrowser(): Promise<Browser | null> {
  if (!existsSync(CHROMIUM_PATH)) {
    if (process.env.ASSENT_REQUIRE_BROWSER === '1') {
      throw new Error(`ASSENT_REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
    }
    return null;
  }
  return chromium.launch({
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
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}
