import { useEffect, useState } from 'preact/hooks';
import { useSend } from '../../components/background';
import { ErrorNotice } from '../../components/ErrorNotice';
import { keyPart, t, type MessageKey } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import type { RepairablePart } from '../../utils/storage/keys';

/**
 * Names each stored part that no longer fits its schema, says what that costs, and resets that
 * part alone (the vault, apps and audit log stay).
 */
export function StorageProblems() {
  const send = useSend();
  const [unreadable, setUnreadable] = useState<RepairablePart[]>([]);
  const [error, setError] = useState<AppError | null>(null);

  useEffect(() => {
    void send({ type: 'storage.problems' }).then((r) => setUnreadable(r.unreadable));
  }, [send]);

  async function reset(part: RepairablePart) {
    setError(null);
    try {
      setUnreadable((await send({ type: 'storage.reset', part })).unreadable);
    } catch (e) {
      setError(asAppError(e));
    }
  }

  if (unreadable.length === 0 && !error) return null;
  return (
    <section class="card notice warning" role="alert" aria-labelledby="storage-problems-title">
      <h2 id="storage-problems-title">{t('storage_title')}</h2>
      <p class="hint">{t('storage_hint')}</p>
      <ul class="storage-problems">
        {unreadable.map((part) => (
          <li key={part}>
            <span>{t(`storage_unreadable_${keyPart(part)}` as MessageKey)}</span>{' '}
            <button type="button" class="secondary" onClick={() => void reset(part)}>
              {t(`storage_reset_${keyPart(part)}` as MessageKey)}
            </button>
          </li>
        ))}
      </ul>
      {error && <ErrorNotice error={error} />}
    </section>
  );
}
