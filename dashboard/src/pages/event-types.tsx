import { useState } from 'hono/jsx/dom';
// The API's own list (its schemas, the OpenAPI enum and the event store read it), so the picker
// cannot drift from what an endpoint may subscribe to. Zod-free and pure: it bundles small.
import { eventTypes } from '../../../shared/webhooks/event-types';

/** Checkboxes for event types; none ticked means every type, as in the API. */
export function EventTypePicker(props: { value: string[]; onChange: (types: string[]) => void }) {
  const [known] = useState([...new Set([...eventTypes, ...props.value])]);
  return (
    <fieldset class="event-types">
      <legend>Event types (none ticked: every type)</legend>
      {known.map((type) => (
        <label key={type} class="check">
          <input
            type="checkbox"
            name="event-type"
            value={type}
            checked={props.value.includes(type)}
            onChange={(event: Event) => {
              const on = (event.target as HTMLInputElement).checked;
              props.onChange(on ? [...props.value, type] : props.value.filter((t) => t !== type));
            }}
          />
          <code>{type}</code>
        </label>
      ))}
    </fieldset>
  );
}
