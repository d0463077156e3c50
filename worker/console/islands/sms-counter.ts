// Island: the SMS segment counter as you type, with the same composer (sender name, opt-out mention) and the same
// GSM-7/UCS-2 counter as sending (worker/sms/template.ts, worker/sms/segments.ts).
import { composeMessage, optOutMention } from '../../sms/template.ts';
import { analyse, nonGsmCharacters } from '../../sms/segments.ts';

const seed = JSON.parse(document.getElementById('sms-seed')?.textContent ?? '{}') as {
  senderName: string;
  shortCode: string | null;
  /** On the campaign page: the audience, so the cost in segments follows the text. */
  recipients?: number;
  t: { counter: string; nonGsm: string; cost?: string };
};
const textarea = document.getElementById('sms-template') as HTMLTextAreaElement | null;
const select = document.getElementById('sms-locale') as HTMLSelectElement | null;
const live = document.getElementById('sms-live');
const full = document.getElementById('sms-full');
const mention = document.getElementById('sms-opt-out');
const cost = document.getElementById('campaign-cost');
const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (w, k: string) => String(values[k] ?? w));

function update() {
  if (!textarea || !select || !live || !full || !mention) return;
  const locale = select.value;
  const shortCode = seed.shortCode ?? undefined;
  mention.textContent = optOutMention(locale, shortCode);
  if (!textarea.value.trim()) {
    live.textContent = '';
    full.textContent = '';
    return;
  }
  const text = composeMessage({
    body: textarea.value,
    locale,
    senderName: seed.senderName,
    ...(shortCode ? { shortCode } : {}),
  });
  const stats = analyse(text);
  const odd = nonGsmCharacters(text);
  live.textContent =
    fill(seed.t.counter, { characters: stats.characters, encoding: stats.encoding, segments: stats.segments }) +
    (odd.length ? ` — ${fill(seed.t.nonGsm, { chars: odd.join(' ') })}` : '');
  full.textContent = text;
  if (cost && seed.t.cost && seed.recipients !== undefined)
    cost.textContent = fill(seed.t.cost, { segments: stats.segments, total: stats.segments * seed.recipients });
}

textarea?.addEventListener('input', update);
select?.addEventListener('change', update);
update();
