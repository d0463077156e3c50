// Preloaded (`node --import`) into the restarted server of the crash test: its wall clock reads ASSENT_TEST_CLOCK_AHEAD_MS
// ahead, as if the restart had come that much later. The app's clock is `Date.now` (worker/deps.ts), so every lease,
// expiry and timestamp it computes moves with it; timers and the operating system are untouched.
const ahead = Number(process.env.ASSENT_TEST_CLOCK_AHEAD_MS ?? 0);
if (!Number.isFinite(ahead) || ahead < 0) throw new Error('ASSENT_TEST_CLOCK_AHEAD_MS must be a number of ms ≥ 0');
const realNow = Date.now;
Date.now = () => realNow() + ahead;
