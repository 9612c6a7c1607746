import { t } from '../utils/i18n';
import type { AppError } from '../utils/messages/app-error';
import { describeError } from '../utils/messages/describe-error';
import { describeState } from '../utils/mute/describe-state';
import type { StateView } from '../utils/messages/protocol';

export type StateStatus =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'known'; view: StateView }
  | { kind: 'error'; error: AppError };

/** The user's current state, in words, before anything is done: "Not muted", "Group: 1 hr left". */
export function StateLine({
  status,
  nowMs,
  id,
}: {
  status: StateStatus;
  nowMs: number;
  id?: string;
}) {
  let text = '';
  let tone = 'muted-text';
  if (status.kind === 'loading') text = t('state_checking');
  else if (status.kind === 'error') {
    text = describeError(status.error).message;
    tone = 'error-text';
  } else if (status.kind === 'known') {
    text = status.view.exists ? describeState(status.view.state, nowMs) : t('state_userNotFound');
    tone = status.view.exists ? '' : 'error-text';
  }
  return (
    <p class={`state-line ${tone}`} aria-live="polite" id={id} data-state={status.kind}>
      {text}
    </p>
  );
}
