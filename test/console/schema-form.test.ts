// The generated policy form starts a new list item or a chosen branch with its required constants only: a purpose
// added in the form is not silently an existing-customer one (an optional constant the form does not offer).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { initial, type JsonSchema } from '../../worker/console/islands/lib/schema-form.tsx';
import { policyFactsSchema } from '../../worker/policy/facts.ts';

const schema = z.toJSONSchema(policyFactsSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

describe('initial', () => {
  it('a new purpose is empty; a "none" branch is chosen with none: true', () => {
    expect(initial(schema.properties!.purposes!.items!)).toEqual({});
    const none = schema.properties!.transfers!.anyOf!.find((b) => b.properties?.none)!;
    expect(initial(none)).toEqual({ none: true });
  });
});
