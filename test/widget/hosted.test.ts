import { describe, expect, it } from 'vitest';
import { widgetDocument } from '../../worker/domain/site/widget-texts.ts';
import { renderHostedPage } from '../../worker/pages/hosted.tsx';
import { DEMO_CONFIG } from './demo-config.ts';

const doc = (locale = 'fr') =>
  widgetDocument({
    site: 'demo',
    config: DEMO_CONFIG,
    locale,
    policy: { version: 2, url: 'https://a.example/p/demo/2' },
  });
const base = { site: 'demo', formAction: '/s/demo', widgetScriptUrl: '/widget.js' };

describe('renderHostedPage', () => {
  it('renders a no-JavaScript form with two equal submit choices and nothing pre-selected', async () => {
    const widget = await doc();
    const html = renderHostedPage({ ...base, widget, state: 'idle' });
    expect(html.startsWith('<!doctype html><html lang="fr">')).toBe(true);
    expect(html).toContain('<template shadowrootmode="open">');
    expect(html).toContain('<form method="post" action="/s/demo"');
    expect(html).toContain(
      '<button type="submit" class="c" name="choice" value="yes" data-choice="yes">Oui, envoyez-moi des SMS</button>',
    );
    expect(html).toContain(
      '<button type="submit" class="c" name="choice" value="no" data-choice="no">Non, merci</button>',
    );
    expect(html).toContain(`name="textSha256" value="${widget.textSha256}"`);
    expect(html).toContain('name="policyVersion" value="2"');
    expect(html).toContain('type="tel"');
    expect(html).toContain('href="https://a.example/p/demo/2"');
    expect(html).not.toMatch(/autofocus|checked/);
    expect(html).toContain('<script src="/widget.js" async></script>');
  });

  it('shows "check your phone" with the masked number and no form once sent', async () => {
    const html = renderHostedPage({
      ...base,
      widget: await doc('en'),
      state: { kind: 'sent', maskedPhone: '+33 •• •• •• 78' },
    });
    // The masked number is one unbreakable piece of the sentence.
    expect(html).toContain('Check your phone: we sent a confirmation SMS to <span class="n">+33 •• •• •• 78</span>.');
    expect(html).toContain('.n{white-space:nowrap}');
    expect(html).not.toContain('<form');
  });

  it('shows a localized error and flags the phone field', async () => {
    const html = renderHostedPage({
      ...base,
      widget: await doc(),
      state: { kind: 'error', code: 'invalid_phone', field: 'phone' },
    });
    expect(html).toContain('Ce numéro de téléphone ne semble pas valide.');
    expect(html).toContain('aria-invalid="true"');
    const unknown = renderHostedPage({ ...base, widget: await doc('en'), state: { kind: 'error', code: 'internal' } });
    expect(unknown).toContain('Something went wrong. Please try again later.');
  });

  it('puts the theme into the shadow stylesheet, not a style attribute', async () => {
    const widget = { ...(await doc()), theme: { btn: '#004400' } };
    const html = renderHostedPage({ ...base, widget, state: 'idle' });
    expect(html).toContain(':host{--assent-btn:#004400}</style>');
    expect(html).not.toContain('style="');
  });

  it('keeps embedded JSON from closing its script element and applies the nonce', async () => {
    const widget = await doc();
    widget.texts.program = '</script><script>alert(1)</script>';
    const html = renderHostedPage({ ...base, widget, state: 'idle', nonce: 'n0nce' });
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).toContain('\\u003c/script\\u003e');
    expect(html.match(/nonce="n0nce"/g)?.length).toBe(4);
  });
});
