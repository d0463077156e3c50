// A urlencoded form read as its fields, keeping what URLSearchParams-to-object loses: a name sent more than once.
// Last-wins would make `choice=no&choice=yes` a "yes"; here the repeated field is ambiguous and fails its schema.

/**
 * Each name with its value, or all its values (in order) when it was sent more than once, so that a single-valued
 * field sent twice fails a `z.string()` like any invalid value. Own properties only (`__proto__` is just a name).
 */
export function formFields(text: string): Record<string, string | string[]> {
  const fields = new Map<string, string | string[]>();
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = fields.get(name);
    fields.set(name, seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]);
  }
  return Object.fromEntries(fields);
}
