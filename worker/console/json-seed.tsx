// Data handed to an island: JSON in a non-executed script element, escaped so no text can close it.
import { htmlSafeJson } from '../pages/escape.ts';

export function JsonSeed(props: { id: string; value: unknown }) {
  return (
    <script type="application/json" id={props.id} dangerouslySetInnerHTML={{ __html: htmlSafeJson(props.value) }} />
  );
}
