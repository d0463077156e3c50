import { defineConfig } from 'vitest/config';

// Two projects, both run by `npm test`: `fast` (unit, HTTP and domain tests, seconds) and `system` (real processes:
// the crash test, other runtimes, workerd, concurrent writers, and Chromium). `npx vitest run --project fast` runs
// the fast set alone while developing.
const system = [
  'test/crash/**/*.test.ts',
  'test/runtime/**/*.test.ts',
  'test/browser/**/*.test.ts',
  'test/entry/workers.test.ts',
  'test/entry/deno-deploy.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Both cores: most files wait on I/O (sockets, child processes, Chromium), so two forks finish in about half the
    // time of vitest's default (one fork on a 2-core machine).
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          // One module graph per fork for the whole fast set: the app and its dependencies are imported once per fork
          // instead of once per file. The tests share no module state they rely on being fresh (no module mocks).
          isolate: false,
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['**/node_modules/**', ...system],
        },
      },
      // One module graph per fork here too (Chromium files import playwright-core and the app, seconds each on a loaded
      // machine). Module state a test relies on being fresh is imported fresh by that test (workerd-env.test.ts).
      { extends: true, test: { name: 'system', isolate: false, include: system } },
    ],
  },
});
