import { useState } from 'preact/hooks';
import { useSend } from '../../components/background';
import { ErrorNotice } from '../../components/ErrorNotice';
import { t } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';

/** Wipes every app, setting and log after the operator types the confirmation word. */
export function ForgetEverything({ onForgotten }: { onForgotten: () => Promise<void> }) {
  const send = useSend();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<AppError | null>(null);
  const word = t('forget_confirmWord');

  async function forget(event: Event) {
    event.preventDefault();
    if (typed.trim() !== word) return;
    setError(null);
    try {
      await send({ type: 'vault.forget', confirm: true });
      await onForgotten();
    } catch (e) {
      setError(asAppError(e));
    }
  }

  return (
    <div class="subsection danger-zone">
      <h3>{t('forget_title')}</h3>
      {open ? (
        <form onSubmit={(e) => void forget(e)}>
          <p>{t('forget_warning')}</p>
          <div class="field">
            <label for="forget-typed">{t('forget_typeToConfirm', word)}</label>
            <input
              id="forget-typed"
              autocomplete="off"
              value={typed}
              onInput={(e) => setTyped(e.currentTarget.value)}
            />
          </div>
          {error && <ErrorNotice error={error} />}
          <div class="actions">
            <button type="submit" class="danger" disabled={typed.trim() !== word}>
              {t('forget_submit')}
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setOpen(false);
                setTyped('');
              }}
            >
              {t('ui_cancel')}
            </button>
          </div>
        </form>
      ) : (
        <button type="button" class="danger" onClick={() => setOpen(true)}>
          {t('forget_open')}
        </button>
      )}
    </div>
  );
}
