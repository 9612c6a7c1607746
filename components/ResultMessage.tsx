import { t, uiLocale } from '../utils/i18n';
import { durationText } from '../utils/mute/duration-text';
import type { ApplyOutcome } from '../utils/messages/protocol';
import { PERMANENT_SECONDS, UNMUTE_SECONDS, formatDateTime } from '../utils/mute/durations';
import type { Scopes } from '../utils/mute/scopes';
import { describeState } from '../utils/mute/describe-state';

export type ActionResult =
  | { kind: 'done'; userId: string; seconds: number; scopes: Scopes; outcome: ApplyOutcome }
  | { kind: 'undone'; userId: string; outcome: ApplyOutcome };

/** "one-to-one and group", "group only". */
export function scopesText(scopes: Scopes): string {
  if (scopes.c2c && scopes.group) return t('scope_both');
  return scopes.c2c ? t('scope_c2cOnly') : t('scope_groupOnly');
}

/** What an action did, in plain words, with Undo while it is still possible. */
export function ResultMessage({
  result,
  nowMs,
  onUndo,
}: {
  result: ActionResult;
  nowMs: number;
  onUndo: (undoId: string) => void;
}) {
  let text: string;
  if (result.kind === 'undone') {
    text = t('result_restored', [result.userId, describeState(result.outcome.next, nowMs)]);
  } else if (result.seconds === UNMUTE_SECONDS) {
    text = t('result_unmuted', [result.userId, scopesText(result.scopes)]);
  } else if (result.seconds === PERMANENT_SECONDS) {
    text = t('result_mutedPermanently', [result.userId, scopesText(result.scopes)]);
  } else {
    const applied = result.scopes.c2c ? result.outcome.next.c2c : result.outcome.next.group;
    const until = applied.kind === 'timed' ? formatDateTime(applied.until, uiLocale()) : '';
    text = t('result_muted', [
      result.userId,
      durationText(result.seconds),
      scopesText(result.scopes),
      until,
    ]);
  }
  const { undoId, undoExpiresAt } = result.outcome;
  const canUndo =
    result.kind === 'done' && undoId !== null && undoExpiresAt !== null && nowMs < undoExpiresAt;
  return (
    <div class="notice success" role="status">
      <span>{text}</span>{' '}
      {canUndo && (
        <button
          type="button"
          class="link"
          aria-label={t('result_undoLabel', result.userId)}
          onClick={() => onUndo(undoId)}
        >
          {t('result_undo')}
        </button>
      )}
    </div>
  );
}
