// docs/formats.md §11: the example witness vkey and cosignature line, recomputed from the page with node:crypto alone.
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const DOC = readFileSync(new URL('../../docs/formats.md', import.meta.url), 'utf8');
/** §9's blocks are `example:`; §11's are `witness-example:` (formats.test.ts holds the set of §9's to the generator's). */
const read = (prefix: string) =>
  Object.fromEntries(
    [...DOC.matchAll(new RegExp(`<!-- ${prefix}:(\\S+) -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``, 'g'))].map((m) => [
      m[1]!,
      m[2]!,
    ]),
  );
const blocks = {
  ...read('example'),
  ...Object.fromEntries(Object.entries(read('witness-example')).map(([k, v]) => [`witness-${k}`, v])),
};

it('§11: the vkey and the cosignature of the §9 checkpoint follow from the stated seed, name and time', () => {
  const section = DOC.slice(DOC.indexOf('## 11. Witness cosignatures and policies'));
  expect(section).toContain('32 bytes of 0x0b');
  const name = 'witness-b.example/assent';
  const key = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 0x0b)]),
    format: 'der',
    type: 'pkcs8',
  });
  const pub = Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url');
  const id = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([4]), pub]))
    .digest()
    .subarray(0, 4);
  expect(blocks['witness-vkey']).toBe(
    `${name}+${id.toString('hex')}+${Buffer.concat([Buffer.from([4]), pub]).toString('base64')}`,
  );
  const t = Date.parse('2026-03-01T10:05:00Z') / 1000;
  expect(section).toContain(`timestamp ${t}`);
  const body = blocks.checkpoint!.slice(0, blocks.checkpoint!.indexOf('\n\n') + 1);
  const message = Buffer.from(`cosignature/v1\ntime ${t}\n${body}`);
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(t));
  expect(blocks['witness-cosignature']).toBe(
    `\u2014 ${name} ${Buffer.concat([id, ts, sign(null, message, key)]).toString('base64')}`,
  );
  expect(
    verify(
      null,
      message,
      createPublicKey(key),
      Buffer.from(blocks['witness-cosignature']!.split(' ')[2]!, 'base64').subarray(12),
    ),
  ).toBe(true);
});
