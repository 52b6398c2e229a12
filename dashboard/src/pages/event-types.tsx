import { useState } from 'hono/jsx/dom';

/** The event types an endpoint can subscribe to (the `webhooks` section of openapi.yaml). */
const eventTypes = [
  'followup.thank_you',
  'followup.check_in',
  'followup.feedback_request',
  'followup.withdrawal_notice',
  'followup.contact_info_needed',
  'followup.handwritten_note',
  'followup.move_on',
  'interview.created',
  'interview.updated',
  'interview.closed',
  'webhook.test',
  'webhook_endpoint.disabled',
];

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
