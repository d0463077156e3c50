// A language code as its reader says it: "fr" is "français" to a French reader and "French" to an English one
// (Intl.DisplayNames, ECMA-402), never the bare code in a sentence ("Texte en en").
export function localeName(code: string, lang: string): string {
  try {
    const name = new Intl.DisplayNames([lang], { type: 'language' }).of(code);
    return name && name !== code ? name : code;
  } catch {
    return code;
  }
}
