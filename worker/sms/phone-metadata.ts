// libphonenumber-js's full ("max") numbering-plan metadata, read directly by the phone code that compiles a plan's
// patterns once (domain/consent/phone.ts: types and national prefixes; sms/mask-phone.ts: formats) instead of
// letting the library compile them on every call.
import { Metadata, type MetadataJson } from 'libphonenumber-js/core';
import maxMetadata from 'libphonenumber-js/max/metadata';

/**
 * The Metadata methods read here (libphonenumber-js metadata.js; the published types omit them). `selectNumberingPlan`
 * changes the plan the others read: select and read in one synchronous step, as every caller does.
 */
export interface MetadataReader {
  hasCountry(country: string): boolean;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
  selectNumberingPlan(key: string): void;
  countryCallingCode(): string;
  numberingPlan: {
    nationalPrefixForParsing(): string | undefined;
    nationalPrefixTransformRule(): string | undefined;
    callingCode(): string;
    IDDPrefix(): string;
    possibleLengths(): number[] | undefined;
  };
  nationalNumberPattern(): string;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
  formats(): { pattern(): string; leadingDigitsPatterns(): string[]; internationalFormat(): string }[];
}

export { maxMetadata };
export const metadata = new Metadata(maxMetadata as MetadataJson) as unknown as MetadataReader;
