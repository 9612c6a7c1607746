import { refusalWords, type Refusal } from '../utils/mute/decision';

/** Why the one decision refuses an action, in words, where the field it is about is. */
export function RefusalNotice(props: {
  reason: Refusal;
  longestMuteSeconds: number | null;
  id?: string;
  alert?: boolean;
}) {
  return (
    <p class="field-error" id={props.id} role={props.alert ? 'alert' : undefined}>
      {refusalWords(props.reason, props.longestMuteSeconds)}
    </p>
  );
}
