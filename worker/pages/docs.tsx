// /docs: the API reference as a plain page, generated from the OpenAPI document (no third-party scripts).
import type { openApiDocument } from '../openapi.ts';
import { page } from './layout.tsx';

type Doc = ReturnType<typeof openApiDocument>;

export function docsPage(doc: Doc): string {
  const byTag = new Map<string, { method: string; path: string; summary: string; auth: boolean }[]>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(
      ops as Record<string, { summary: string; tags: string[]; security?: unknown[] }>,
    )) {
      const tag = op.tags[0] ?? 'Other';
      byTag.set(tag, [
        ...(byTag.get(tag) ?? []),
        { method: method.toUpperCase(), path, summary: op.summary, auth: Boolean(op.security) },
      ]);
    }
  }
  return page({
    lang: 'en',
    title: 'Assent API',
    css: 'table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #8884;vertical-align:top}code{font-size:.9em}',
    body: (
      <main style="max-width:60rem">
        <h1>Assent API</h1>
        <p>
          Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1, request schemas included). Errors
          are RFC 9457 problem+json naming each field. Admin routes take <code>Authorization: Bearer KEY</code>.
        </p>
        {[...byTag.entries()].map(([tag, ops]) => (
          <section>
            <h2>{tag}</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Method</th>
                  <th scope="col">Path</th>
                  <th scope="col">What it does</th>
                </tr>
              </thead>
              <tbody>
                {ops.map((o) => (
                  <tr>
                    <td>
                      <code>{o.method}</code>
                    </td>
                    <td>
                      <code>{o.path}</code>
                    </td>
                    <td>
                      {o.summary}
                      {o.auth ? ' (key)' : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </main>
    ),
  });
}
