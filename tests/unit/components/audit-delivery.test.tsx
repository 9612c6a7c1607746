/** @vitest-environment happy-dom */
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackgroundContext, type Send } from '../../../components/background';
import { AuditDeliverySection } from '../../../entrypoints/options/AuditDeliverySection';
import { RequestFailed } from '../../../utils/messages/app-error';
import type { DeliveryView } from '../../../utils/messages/protocol';
import type { DeliveryState } from '../../../utils/audit/outbox';

afterEach(() => cleanup());

const AT = Date.UTC(2026, 11, 2, 10, 42);
const IDLE: DeliveryState = {
  waiting: 0,
  delivered: 0,
  dropped: 0,
  lastDroppedAt: null,
  lastError: null,
  retryAt: null,
  skipped: 0,
};

function view(extra: Partial<DeliveryView> = {}, state: Partial<DeliveryState> = {}): DeliveryView {
  return {
    locked: false,
    managed: false,
    destination: {
      format: 'json',
      host: 'audit.corp.example',
      origin: 'https://audit.corp.example/*',
      hasSecret: true,
    },
    hostAccess: true,
    state: { ...IDLE, ...state },
    ...extra,
  };
}

/** The section over a fake background answering `delivery.get` with `current`. */
function show(current: DeliveryView, onSave?: (request: unknown) => Promise<DeliveryView>) {
  const send = vi.fn(async (request: { type: string }) => {
    if (request.type === 'delivery.save' && onSave) return onSave(request);
    return current;
  }) as unknown as Send;
  render(
    <BackgroundContext.Provider value={send}>
      <AuditDeliverySection />
    </BackgroundContext.Provider>,
  );
  return send;
}

describe('Options → Audit delivery', () => {
  it('says nothing goes anywhere until a destination is saved', async () => {
    show(view({ destination: null }));
    expect(await screen.findByText(/Entries are not delivered anywhere\./)).toBeTruthy();
  });

  it('gives the queue’s state: waiting, the last error in words, the next try', async () => {
    show(
      view(
        {},
        {
          waiting: 12,
          lastError: { at: AT, problem: 'http', status: 403 },
          retryAt: AT + 60_000,
        },
      ),
    );
    const state = await screen.findByText(/12 waiting\./);
    expect(state.textContent).toContain('Delivering to audit.corp.example (JSON (signed)).');
    expect(state.textContent).toMatch(/Last error: HTTP 403 at .+\. Next try at .+\./);
    expect(screen.getByRole('button', { name: 'Try now' })).toBeTruthy();
  });

  it.each([
    ['timeout', 'no answer within 10 seconds'],
    ['network', 'destination unreachable'],
  ] as const)('names a %s as "%s"', async (problem, words) => {
    show(view({}, { waiting: 1, lastError: { at: AT, problem, status: null } }));
    expect((await screen.findByText(/1 waiting\./)).textContent).toContain(
      `Last error: ${words} at`,
    );
  });

  it('offers to allow the host when the browser does not let Mute Console reach it', async () => {
    show(view({ hostAccess: false }, { waiting: 3 }));
    expect(
      await screen.findByText(/Mute Console may not reach audit\.corp\.example yet/),
    ).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Allow access' })).toBeTruthy();
  });

  it('counts what was never delivered (pointing to the audit log) and what was left out', async () => {
    show(view({}, { dropped: 42, lastDroppedAt: AT, delivered: 5000, skipped: 3 }));
    const state = (await screen.findByText(/Nothing waiting/)).textContent;
    expect(state).toContain(
      '42 never delivered: the queue was full, or the destination refused them (see the audit log).',
    );
    expect(state).toContain('3 left out as not for this format');
  });

  it('shows the background’s refusal of a plain-http address in words', async () => {
    show(view({ destination: null }), () =>
      Promise.reject(new RequestFailed({ kind: 'invalid-input', field: 'delivery-url-insecure' })),
    );
    fireEvent.input(await screen.findByLabelText('Destination URL'), {
      target: { value: 'http://hooks.slack.com/x' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save destination' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Use an https:// address: audit entries and signatures never travel unencrypted.',
    );
  });
});
