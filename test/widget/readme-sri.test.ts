import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { widgetBundle } from '../../worker/generated/widget.ts';
import { widgetPath } from '../../worker/domain/site/widget-document.ts';

const hashedWidgetPath = widgetPath(widgetBundle);

describe('README', () => {
  it('shows the SRI snippet of the widget this build serves', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`https://HOST${hashedWidgetPath}`);
    expect(readme).toContain(`integrity="${widgetBundle.sri}"`);
  });
});
