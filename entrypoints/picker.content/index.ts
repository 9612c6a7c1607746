import { defineContentScript } from '#imports';
import { configureZod } from '../../utils/zod-setup';
import { startPicker } from './picker';

/**
 * The element picker, injected into the current tab from the popup's "Buttons on this site":
 * the operator clicks a user ID, sees the proposed finder with a live match count and a
 * preview, and saves it.
 */
export default defineContentScript({
  registration: 'runtime',
  main() {
    configureZod();
    const flag = window as { __muteConsolePicker?: boolean };
    if (flag.__muteConsolePicker) return;
    flag.__muteConsolePicker = true;
    startPicker(() => {
      flag.__muteConsolePicker = false;
    });
  },
});
