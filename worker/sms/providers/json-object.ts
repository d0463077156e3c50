// A provider's JSON answer as an object, or null when it is not one (an HTML error page, an array, bad JSON): the
// callers read fields from it and treat null as "no usable answer".
export function jsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
