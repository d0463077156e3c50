// Data handed to an island: JSON in a non-executed script element, with "<" escaped so no text can close it.
export function JsonSeed(props: { id: string; value: unknown }) {
  return <script type="application/json" id={props.id} dangerouslySetInnerHTML={{ __html: JSON.stringify(props.value).replace(/</g, '\\u003c') }} />;
}
