import { parseDuration, type DurationPreset, type DurationResult } from './durations';
import { durationNotation } from './duration-text';

/** A preset by id, or custom notation such as "2h30m". */
export type DurationChoice = { kind: 'preset'; id: string } | { kind: 'custom'; text: string };

/** Seconds for a choice, or why it cannot be used. */
export function resolveDuration(
  choice: DurationChoice,
  presets: readonly DurationPreset[],
): DurationResult {
  if (choice.kind === 'custom') return parseDuration(choice.text);
  const preset = presets.find((p) => p.id === choice.id);
  return preset ? { ok: true, seconds: preset.seconds } : { ok: false, problem: 'empty' };
}

/** How a choice is remembered between sessions ("1h", or "custom:2h30m"). */
export function choiceToMemory(choice: DurationChoice): string {
  return choice.kind === 'preset' ? choice.id : `custom:${choice.text}`.slice(0, 32);
}

/** The remembered choice, or one hour when nothing (valid) was remembered. */
export function choiceFromMemory(
  memory: string | null,
  presets: readonly DurationPreset[],
): DurationChoice {
  if (memory?.startsWith('custom:')) return { kind: 'custom', text: memory.slice(7) };
  // No preset offered (the organisation allows none of them): the operator types one.
  if (presets.length === 0) return { kind: 'custom', text: '' };
  const preset =
    presets.find((p) => p.id === memory) ?? presets.find((p) => p.id === '1h') ?? presets[0];
  return { kind: 'preset', id: preset?.id ?? '1h' };
}

/**
 * The choice that shows a number of seconds: its preset when one has it, else custom in the UI
 * language's units ("2h30m", "2小时30分钟").
 */
export function choiceForSeconds(
  seconds: number,
  presets: readonly DurationPreset[],
): DurationChoice {
  const preset = presets.find((p) => p.seconds === seconds);
  return preset
    ? { kind: 'preset', id: preset.id }
    : { kind: 'custom', text: durationNotation(seconds) };
}
