/** @vitest-environment happy-dom */
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { isTyping, presetForKey } from '../../../components/form-keys';
import { Outcome } from '../../../components/Outcome';
import { choiceForSeconds } from '../../../utils/mute/duration-choice';
import { DEFAULT_PRESETS } from '../../../utils/mute/durations';

afterEach(() => cleanup());

/** A form whose "Mute" shows an outcome, as the popup, the popover and the action window do. */
function Surface() {
  const [outcome, setOutcome] = useState<string | null>(null);
  return (
    <div>
      <button type="button" onClick={() => setOutcome(`Muted bob (${Date.now()})`)}>
        Mute
      </button>
      {outcome && (
        <Outcome of={outcome}>
          <p role="status">{outcome}</p>
          <button type="button">Undo</button>
        </Outcome>
      )}
    </div>
  );
}

describe('Outcome: focus after an action', () => {
  it('takes focus when a result appears, and again for each new one', async () => {
    render(<Surface />);
    const mute = screen.getByRole('button', { name: 'Mute' });
    mute.focus();
    fireEvent.click(mute);
    const line = await screen.findByRole('status');
    expect(document.activeElement).toBe(line.parentElement);
    // Undo is next to it, reached with Tab.
    expect(line.nextElementSibling?.textContent).toBe('Undo');
    mute.focus();
    await new Promise((r) => setTimeout(r, 2));
    fireEvent.click(mute);
    await new Promise((r) => setTimeout(r, 0));
    expect(document.activeElement).toBe(screen.getByRole('status').parentElement);
  });
});

function key(key: string, target: HTMLElement, init: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, ...init });
  Object.defineProperty(event, 'target', { value: target });
  return event;
}

describe('form keys', () => {
  const button = document.createElement('button');
  const text = document.createElement('input');
  const radio = Object.assign(document.createElement('input'), { type: 'radio' });

  it('digits 1–6 pick the presets in order, outside text fields and without modifiers', () => {
    expect(presetForKey(key('1', button), DEFAULT_PRESETS)).toBe(DEFAULT_PRESETS[0]);
    expect(presetForKey(key('6', radio), DEFAULT_PRESETS)).toBe(DEFAULT_PRESETS[5]);
    expect(presetForKey(key('7', button), DEFAULT_PRESETS)).toBeUndefined();
    expect(presetForKey(key('2', text), DEFAULT_PRESETS)).toBeUndefined();
    expect(presetForKey(key('2', button, { ctrlKey: true }), DEFAULT_PRESETS)).toBeUndefined();
    expect(isTyping(key('a', text))).toBe(true);
    expect(isTyping(key('a', radio))).toBe(false);
  });

  it('a duration shows as its preset when one has it, else as custom notation', () => {
    expect(choiceForSeconds(3600, DEFAULT_PRESETS)).toEqual({ kind: 'preset', id: '1h' });
    expect(choiceForSeconds(9000, DEFAULT_PRESETS)).toEqual({ kind: 'custom', text: '2h30m' });
  });
});
