import type { RequestType } from '../../utils/messages/protocol';
import type { AutoLock } from './auto-lock';
import { movesIdleTimer } from './sender-policy';

/**
 * What every way into the worker does before acting: wait for start-up (a half-done passphrase
 * change settled), then check the lock, so a deadline that passed while the worker was stopped
 * locks first; then the operator's own actions move the idle timer, and nothing else does.
 */
export function wakeGuards(deps: {
  startup: Promise<unknown>;
  autoLock: Pick<AutoLock, 'enforce' | 'touch'>;
}) {
  const ready = async (operator: boolean): Promise<void> => {
    await deps.startup;
    await deps.autoLock.enforce();
    if (operator) await deps.autoLock.touch();
  };
  return {
    /** Before each message: a page's automatic lookups never keep the vault awake. */
    beforeRequest: (_context: unknown, type: RequestType) => ready(movesIdleTimer(type)),
    /**
     * Wraps an event handler. `operator`: a menu item, the shortcut or a notification button
     * (the operator's own action); alarms are not.
     */
    awake:
      <A extends unknown[]>(handler: (...args: A) => Promise<void>, operator: boolean) =>
      async (...args: A): Promise<void> => {
        await ready(operator);
        await handler(...args);
      },
  };
}
