// A widget site config for the page and text tests that render without a server.
import type { WidgetSiteConfig } from '../../worker/domain/site/widget-texts.ts';

export const DEMO_CONFIG: WidgetSiteConfig = {
  program: {
    name: 'Demo Shop',
    description: { fr: 'Offres et nouveautés de Demo Shop.', en: 'Demo Shop offers and news.' },
    frequency: { fr: 'Au plus 4 SMS par mois.', en: 'Up to 4 messages a month.' },
    helpContact: 'help@demo.example',
  },
  locales: ['fr', 'en'],
  defaultLocale: 'fr',
  defaultCountry: 'FR',
  allowedCountries: ['FR', 'BE'],
};
