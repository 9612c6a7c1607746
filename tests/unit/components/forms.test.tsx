/** @vitest-environment happy-dom */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ConfirmBox } from '../../../components/ConfirmBox';
import {
  DurationPicker,
  resolveDuration,
  type DurationChoice,
} from '../../../components/DurationPicker';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { PasswordInput } from '../../../components/PasswordInput';
import { ResultMessage } from '../../../components/ResultMessage';
import { ScopePicker, type ScopeChoice } from '../../../components/ScopePicker';
import { StateLine } from '../../../components/StateLine';
import { UnlockForm } from '../../../components/UnlockForm';
import { RequestFailed } from '../../../utils/messages/app-error';
import { DEFAULT_PRESETS, PERMANENT_SECONDS } from '../../../utils/mute/durations';

const NOW = Date.UTC(2026, 10, 25, 18, 0, 0);
afterEach(() => cleanup());

describe('UnlockForm', () => {
  it('says "wrong passphrase", clears the field and keeps focus in it', async () => {
    const onUnlock = vi
      .fn()
      .mockRejectedValue(new RequestFailed({ kind: 'vault', problem: 'wrong-passphrase' }));
    render(<UnlockForm onUnlock={onUnlock} />);
    const field = screen.getByLabelText<HTMLInputElement>('Passphrase');
    expect(field.type).toBe('password');
    expect(field.getAttribute('autocomplete')).toBe('off');
    fireEvent.input(field, { target: { value: 'nope' } });
    fireEvent.submit(field.form as HTMLFormElement);
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      expect.stringContaining('Wrong passphrase.'),
    );
    expect(onUnlock).toHaveBeenCalledWith('nope');
    await waitFor(() => expect(document.activeElement).toBe(field));
    expect(field.value).toBe('');
    expect(field.getAttribute('aria-invalid')).toBe('true');
  });

  it('tells how long to wait after too many attempts', async () => {
    const onUnlock = vi
      .fn()
      .mockRejectedValue(
        new RequestFailed({ kind: 'vault', problem: 'too-many-attempts', retryAfterMs: 8000 }),
      );
    render(<UnlockForm onUnlock={onUnlock} />);
    fireEvent.input(screen.getByLabelText('Passphrase'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Wait 8 sec, then try again. Nothing was deleted.',
    );
  });
});

describe('PasswordInput', () => {
  it('shows and hides the secret on request', () => {
    function Harness() {
      const [value, setValue] = useState('s3cret');
      return <PasswordInput id="k" label="Secret key" value={value} onInput={setValue} />;
    }
    render(<Harness />);
    const field = screen.getByLabelText<HTMLInputElement>('Secret key');
    expect(field.type).toBe('password');
    fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect(field.type).toBe('text');
    expect(screen.getByRole('button', { name: 'Hide' }).getAttribute('aria-pressed')).toBe('true');
  });
});

describe('DurationPicker', () => {
  function Harness({ initial }: { initial: DurationChoice }) {
    const [value, setValue] = useState(initial);
    return (
      <DurationPicker
        idPrefix="t"
        presets={DEFAULT_PRESETS}
        value={value}
        onChange={setValue}
        nowMs={NOW}
      />
    );
  }

  it('offers the six presets and Custom, and shows the exact expiry', () => {
    render(<Harness initial={{ kind: 'preset', id: '1h' }} />);
    expect(
      screen.getAllByRole('radio').map((r) => (r.parentElement as HTMLElement).textContent),
    ).toEqual(['10 min1', '1 hr2', '1 day3', '7 days4', '30 days5', 'Permanent6', 'Custom']);
    expect(screen.getByText(/^Until Nov 25, 2026/)).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: /Permanent/ }));
    expect(screen.getByText('Never ends until you unmute.')).toBeTruthy();
  });

  it('reads custom notation and explains a bad one', () => {
    render(<Harness initial={{ kind: 'custom', text: '' }} />);
    const custom = screen.getByLabelText(/Custom duration/);
    fireEvent.input(custom, { target: { value: '2h30m' } });
    expect(screen.getByText(/^Until /)).toBeTruthy();
    fireEvent.input(custom, { target: { value: '90' } });
    expect(screen.getByText('Add a unit: s, m, h, d or w (for example 90m).')).toBeTruthy();
    expect(custom.getAttribute('aria-invalid')).toBe('true');
  });

  it('resolves choices to API seconds', () => {
    expect(resolveDuration({ kind: 'preset', id: 'permanent' }, DEFAULT_PRESETS)).toEqual({
      ok: true,
      seconds: PERMANENT_SECONDS,
    });
    expect(resolveDuration({ kind: 'custom', text: '3d' }, DEFAULT_PRESETS)).toEqual({
      ok: true,
      seconds: 259200,
    });
  });
});

describe('ScopePicker', () => {
  it('both ticked by default here; none ticked is explained', () => {
    function Harness() {
      const [value, setValue] = useState<ScopeChoice>({ c2c: true, group: true });
      return <ScopePicker idPrefix="s" value={value} onChange={setValue} />;
    }
    render(<Harness />);
    fireEvent.click(screen.getByLabelText('One-to-one'));
    expect(screen.queryByText('Choose one-to-one, group, or both.')).toBeNull();
    fireEvent.click(screen.getByLabelText('Group'));
    expect(screen.getByText('Choose one-to-one, group, or both.')).toBeTruthy();
  });
});

describe('StateLine', () => {
  it('speaks the state, politely', () => {
    const { rerender } = render(<StateLine status={{ kind: 'loading' }} nowMs={NOW} />);
    expect(screen.getByText('Checking current state…').getAttribute('aria-live')).toBe('polite');
    rerender(
      <StateLine
        status={{
          kind: 'known',
          view: {
            exists: true,
            readAt: NOW,
            state: { c2c: { kind: 'none' }, group: { kind: 'timed', until: NOW + 4_320_000 } },
          },
        }}
        nowMs={NOW}
      />,
    );
    expect(screen.getByText('One-to-one: not muted · Group: muted, 1 hr 12 min left')).toBeTruthy();
    rerender(
      <StateLine
        status={{
          kind: 'known',
          view: {
            exists: false,
            readAt: NOW,
            state: { c2c: { kind: 'none' }, group: { kind: 'none' } },
          },
        }}
        nowMs={NOW}
      />,
    );
    expect(screen.getByText('This user does not exist in this app.')).toBeTruthy();
  });
});

describe('ResultMessage', () => {
  const outcome = {
    previous: { c2c: { kind: 'none' as const }, group: { kind: 'none' as const } },
    next: {
      c2c: { kind: 'timed' as const, until: NOW + 600_000 },
      group: { kind: 'timed' as const, until: NOW + 600_000 },
    },
    undoId: 'u1',
    undoExpiresAt: NOW + 600_000,
  };

  it('says what was done and offers Undo while it can', () => {
    const onUndo = vi.fn();
    const { rerender } = render(
      <ResultMessage
        result={{
          kind: 'done',
          userId: 'spammer_01',
          seconds: 600,
          scopes: { c2c: true, group: true },
          outcome,
        }}
        nowMs={NOW}
        onUndo={onUndo}
      />,
    );
    expect(screen.getByRole('status').textContent).toMatch(
      /^Muted spammer_01 for 10 min \(one-to-one and group\), until Nov 25, 2026/,
    );
    fireEvent.click(
      screen.getByRole('button', { name: "Undo: restore spammer_01's previous state" }),
    );
    expect(onUndo).toHaveBeenCalledWith('u1');
    rerender(
      <ResultMessage
        result={{
          kind: 'done',
          userId: 'spammer_01',
          seconds: 600,
          scopes: { c2c: true, group: true },
          outcome,
        }}
        nowMs={NOW + 600_001}
        onUndo={onUndo}
      />,
    );
    expect(screen.queryByRole('button')).toBeNull();
  });
});

describe('ConfirmBox', () => {
  it('takes focus, keeps Tab inside, and Esc cancels', async () => {
    const onCancel = vi.fn();
    render(
      <ConfirmBox
        message="Mute bob permanently?"
        confirmLabel="Yes, mute"
        onConfirm={() => {}}
        onCancel={onCancel}
      />,
    );
    const yes = screen.getByRole('button', { name: 'Yes, mute' });
    await waitFor(() => expect(document.activeElement).toBe(yes));
    fireEvent.keyDown(yes, { key: 'Tab' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'Tab' });
    expect(document.activeElement).toBe(yes);
    fireEvent.keyDown(yes, { key: 'Escape' });
    expect(onCancel).toHaveBeenCalled();
    expect(screen.getByRole('alertdialog', { name: 'Mute bob permanently?' })).toBeTruthy();
  });
});

describe('ErrorNotice', () => {
  it('renders the error and the advice as text', () => {
    render(
      <ErrorNotice
        error={{
          kind: 'chat-api',
          error: { category: 'ip-not-allowed', code: 60021, attempts: 1 },
        }}
      />,
    );
    expect(screen.getByRole('alert').textContent).toBe(
      "This computer's IP address is not on the app's allow-list (code 60021). Add this computer's public IP address to the app's allow-list in the console.",
    );
  });
  describe('missing host access', () => {
    const noAccess = {
      kind: 'chat-api' as const,
      error: {
        category: 'no-host-access' as const,
        code: null,
        attempts: 0,
        access: {
          host: 'adminapisgp.im.qcloud.com',
          origins: ['https://adminapisgp.im.qcloud.com/*', 'https://adminapisgp.my-imcloud.com/*'],
        },
      },
    };

    it('names the host, and "Allow access" asks the browser for it straight from the click', async () => {
      const request = vi.spyOn(fakeBrowser.permissions, 'request').mockResolvedValue(true);
      const onGranted = vi.fn();
      render(<ErrorNotice error={noAccess} onAccessGranted={onGranted} />);
      expect(screen.getByRole('alert').textContent).toContain(
        'Mute Console has no access to adminapisgp.im.qcloud.com. Nothing was sent.',
      );
      fireEvent.click(screen.getByRole('button', { name: 'Allow access' }));
      // Synchronously inside the click: a prompt needs the click's user activation.
      expect(request).toHaveBeenCalledWith({ origins: noAccess.error.access.origins });
      expect(await screen.findByText('Access to adminapisgp.im.qcloud.com allowed.')).toBeTruthy();
      expect(onGranted).toHaveBeenCalledOnce();
      expect(screen.queryByRole('button', { name: 'Allow access' })).toBeNull();
      request.mockRestore();
    });

    it('says so when the prompt is declined, and leaves the button to try again', async () => {
      const request = vi.spyOn(fakeBrowser.permissions, 'request').mockResolvedValue(false);
      const onGranted = vi.fn();
      render(<ErrorNotice error={noAccess} onAccessGranted={onGranted} />);
      fireEvent.click(screen.getByRole('button', { name: 'Allow access' }));
      expect(
        await screen.findByText(
          'Access was not given: Mute Console cannot reach adminapisgp.im.qcloud.com without it.',
        ),
      ).toBeTruthy();
      expect(onGranted).not.toHaveBeenCalled();
      expect(screen.getByRole('button', { name: 'Allow access' })).toBeTruthy();
      request.mockRestore();
    });

    it('on a web page (the popover) sends the operator to the action window instead', () => {
      const request = vi.spyOn(fakeBrowser.permissions, 'request');
      const open = vi.fn();
      render(<ErrorNotice error={noAccess} onOpenAccessWindow={open} />);
      expect(screen.queryByRole('button', { name: 'Allow access' })).toBeNull();
      fireEvent.click(screen.getByRole('button', { name: 'Allow access in Mute Console…' }));
      expect(open).toHaveBeenCalledOnce();
      expect(request).not.toHaveBeenCalled();
      request.mockRestore();
    });
  });
});
