// A burst of opt-ins through the app, each from its own address (the per-address limit never trips): distinct French
// mobile numbers from `first` on, each queueing its confirmation SMS and logging its leaf. Without vitest (the dispatch
// bench runs it too): an opt-in refused throws.
import { appWithTestIp, json, widgetFor, type Harness } from '../harness.ts';

export async function optInBurst(h: Harness, count: number, first: number, addressBlock: number): Promise<void> {
  const app = appWithTestIp(h);
  const doc = await widgetFor(h);
  for (let i = 0; i < count; i++) {
    const res = await app.request(
      '/v1/sites/demo/consents',
      json(
        { phone: `06${String(first + i).slice(-8)}`, choice: 'yes', ...doc },
        { 'x-test-ip': `10.${addressBlock}.${i >> 8}.${i & 255}` },
      ),
    );
    if (res.status !== 202) throw new Error(`opt-in ${i} answered ${res.status}`);
  }
}
