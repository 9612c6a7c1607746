import type { AppError } from '../utils/messages/app-error';
import { describeError } from '../utils/messages/describe-error';
import { HostAccessButton } from './HostAccessButton';

/**
 * A failure in plain words: what happened, then what to do. Announced to screen readers. Missing
 * host access comes with its way out (see {@link HostAccessButton}).
 */
export function ErrorNotice({
  error,
  id,
  onAccessGranted,
  onOpenAccessWindow,
}: {
  error: AppError;
  id?: string;
  /** Access was given from this notice: try again. */
  onAccessGranted?: () => void;
  /** On a web page: open the action window, which can ask for access. */
  onOpenAccessWindow?: () => void;
}) {
  const { message, advice } = describeError(error);
  const access = error.kind === 'chat-api' ? error.error.access : undefined;
  return (
    <div class="notice error" role="alert" id={id}>
      <strong>{message}</strong> <span>{advice}</span>
      {access && (
        <HostAccessButton
          access={access}
          {...(onAccessGranted ? { onGranted: onAccessGranted } : {})}
          {...(onOpenAccessWindow ? { onOpenWindow: onOpenAccessWindow } : {})}
        />
      )}
    </div>
  );
}
