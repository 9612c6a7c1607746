import type { AppError } from '../utils/messages/app-error';
import { describeError } from '../utils/messages/describe-error';

/** A failure in plain words: what happened, then what to do. Announced to screen readers. */
export function ErrorNotice({ error, id }: { error: AppError; id?: string }) {
  const { message, advice } = describeError(error);
  return (
    <div class="notice error" role="alert" id={id}>
      <strong>{message}</strong> <span>{advice}</span>
    </div>
  );
}
