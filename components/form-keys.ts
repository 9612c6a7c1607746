import type { DurationPreset } from '../utils/mute/durations';

/** Whether a key press is typing text (a text field has it), where keys mean letters, not commands. */
export function isTyping(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  return (
    target?.tagName === 'TEXTAREA' ||
    (target?.tagName === 'INPUT' &&
      !['checkbox', 'radio', 'button', 'submit'].includes((target as HTMLInputElement).type))
  );
}

/**
 * The preset a digit picks (1–6), the same in every mute form — the popup, the page popover and
 * the action window: none while typing text or with a modifier held.
 */
export function presetForKey(
  event: KeyboardEvent,
  presets: readonly DurationPreset[],
): DurationPreset | undefined {
  if (isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return undefined;
  return /^[1-6]$/.test(event.key) ? presets[Number(event.key) - 1] : undefined;
}
