import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * The focus rule every surface follows (the popup, the page popover, the action window): after
 * an action, focus moves to what it produced — the result line with its Undo next to it, or the
 * error — so a screen reader reads it, Tab reaches Undo next, and the surface's keys (Esc,
 * digits, U) keep working instead of falling to the page. `of` is the result or error shown:
 * each new one takes focus once. (Esc closing and returning focus is each surface's own.)
 */
export function Outcome({ of, children }: { of: unknown; children: ComponentChildren }) {
  const line = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (of !== null && of !== undefined) line.current?.focus();
  }, [of]);
  return (
    <div class="outcome" ref={line} tabIndex={-1}>
      {children}
    </div>
  );
}
