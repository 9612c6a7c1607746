import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  chatText,
  deliveryRequest,
  readAnswer,
  retryDelayMs,
} from '../../../../utils/audit/delivery';
import { bulkSummary, type OutboxItem } from '../../../../utils/audit/outbox';
import { destinationInForce, parseDestinationUrl } from '../../../../utils/audit/destination';
import type { AuditEntry } from '../../../../utils/audit/entry';
import { auditEntry, NOW } from './sample-entry';
import type { BulkJob } from '../../../../utils/mute/bulk';

const entryItem = (extra: Partial<AuditEntry> = {}): OutboxItem => ({
  kind: 'entry',
  entry: auditEntry(extra),
});

describe('destination URLs', () => {
  it('takes an https URL, keeps its query, drops its fragment, and names the host access to ask for', () => {
    expect(parseDestinationUrl(' https://logs.corp.example:8443/audit?team=ops#frag ')).toEqual({
      ok: true,
      url: 'https://logs.corp.example:8443/audit?team=ops',
      host: 'logs.corp.example:8443',
      origin: 'https://logs.corp.example/*',
    });
  });

  it.each([
    ['hooks.slack.com/services/x', 'malformed'],
    ['', 'malformed'],
    ['http://logs.corp.example/audit', 'insecure'],
    ['ftp://logs.corp.example/audit', 'insecure'],
    ['https://user:pass@logs.corp.example/audit', 'credentials'],
    [`https://logs.corp.example/${'a'.repeat(2100)}`, 'malformed'],
  ])('refuses %j (%s)', (url, problem) => {
    expect(parseDestinationUrl(url)).toEqual({ ok: false, problem });
  });

  it('puts the policy’s format and URL in force with the key the operator saved for it', () => {
    const policy = { format: 'json' as const, url: 'https://corp.example/audit' };
    const saved = { ...policy, secret: 'k'.repeat(20) };
    const own = { format: 'json' as const, url: 'https://mine.example/', secret: 'm'.repeat(20) };
    expect(destinationInForce(own, { set: false, destination: null })).toBe(own);
    expect(destinationInForce(saved, { set: true, destination: policy })).toEqual(saved);
    // A key the operator keeps for a destination of their own never signs for the policy's.
    expect(destinationInForce(own, { set: true, destination: policy })).toEqual(policy);
    // Meant but unreadable: nowhere, not the operator's own.
    expect(destinationInForce(own, { set: true, destination: null })).toBeNull();
  });
});

describe('what each format sends', () => {
  it('JSON: the entry, its id as Idempotency-Key, and an HMAC-SHA256 over timestamp and body', () => {
    const secret = 'a-shared-signing-key-of-32-chars';
    const request = deliveryRequest(
      { format: 'json', url: 'https://logs.corp.example/audit', secret },
      entryItem(),
      NOW,
    );
    const timestamp = Math.floor(NOW / 1000);
    expect(request.headers['Idempotency-Key']).toBe('entry-1');
    expect(request.headers['Mute-Console-Timestamp']).toBe(String(timestamp));
    // Checked the way a receiver would, with another HMAC implementation.
    const expected = createHmac('sha256', secret)
      .update(`${timestamp}.${request.body}`)
      .digest('hex');
    expect(request.headers['Mute-Console-Signature']).toBe(`v1=${expected}`);
    expect(JSON.parse(request.body)).toEqual({
      type: 'mute-console.audit-entry',
      version: 1,
      entry: auditEntry(),
    });
  });

  it('Slack and Discord: the sentence the issue asks for', () => {
    const slack = deliveryRequest(
      { format: 'slack', url: 'https://hooks.slack.com/x' },
      entryItem(),
      NOW,
    );
    expect(JSON.parse(slack.body)).toEqual({
      text: 'mod-night-1 muted spammer_01 for 1 hr in Demo community (PROD): spam links',
      mrkdwn: false,
    });
    expect(slack.headers['Idempotency-Key']).toBeUndefined();
    const discord = deliveryRequest(
      { format: 'discord', url: 'https://discord.com/api/webhooks/1/x' },
      entryItem(),
      NOW,
    );
    // Markdown characters escaped (Discord shows them as typed), no link previews.
    expect(JSON.parse(discord.body)).toEqual({
      content:
        'mod\\-night\\-1 muted spammer\\_01 for 1 hr in Demo community \\(PROD\\): spam links',
      allowed_mentions: { parse: [] },
      flags: 4,
    });
  });

  it('never lets a reason or ID ping a channel', () => {
    const item = entryItem({ reason: '<!channel> @everyone <@123> & more' });
    const slack = JSON.parse(
      deliveryRequest({ format: 'slack', url: 'https://hooks.slack.com/x' }, item, NOW).body,
    ) as { text: string };
    expect(slack.text).toContain('&lt;!channel&gt; @everyone &lt;@123&gt; &amp; more');
    expect(slack.text).not.toContain('<!channel>');
    const discord = JSON.parse(
      deliveryRequest(
        { format: 'discord', url: 'https://discord.com/x' },
        entryItem({ reason: '[free nitro](https://evil.example) **now**' }),
        NOW,
      ).body,
    ) as { content: string; allowed_mentions: unknown };
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    // A masked link or bold text in a reason stays literal.
    expect(discord.content).toContain('\\[free nitro\\]\\(https://evil.example\\) \\*\\*now\\*\\*');
  });

  it.each([
    [
      { seconds: 4294967295 },
      'mod-night-1 muted spammer_01 permanently in Demo community (PROD): spam links',
    ],
    [
      { seconds: 0, action: 'unmute', reason: '' },
      'mod-night-1 unmuted spammer_01 in Demo community (PROD)',
    ],
    [
      { action: 'undo', seconds: 0, reason: '' },
      'mod-night-1 undid an action on spammer_01 in Demo community (PROD)',
    ],
    [
      { moderator: undefined, environment: 'test', reason: '' },
      'A moderator muted spammer_01 for 1 hr in Demo community',
    ],
    [
      { outcome: 'failed', errorCode: 20003 },
      'mod-night-1 muted spammer_01 for 1 hr in Demo community (PROD): spam links (failed, error 20003)',
    ],
    [
      { outcome: 'unknown' },
      'mod-night-1 muted spammer_01 for 1 hr in Demo community (PROD): spam links (outcome unknown)',
    ],
  ] as Array<[Partial<AuditEntry>, string]>)('%j → %s', (extra, text) => {
    expect(chatText(entryItem(extra))).toBe(text);
  });

  it('summarises a bulk run in one sentence, counting only its last run', () => {
    const job: BulkJob = {
      id: 'job-1',
      profileId: 'demo',
      action: 'mute',
      scopes: { c2c: true, group: true },
      seconds: 86400,
      reason: 'raid',
      phase: 'done',
      invalid: [],
      items: [
        ...Array.from({ length: 997 }, (_, i) => ({
          userId: `u${i}`,
          state: null,
          exists: true,
          status: 'done' as const,
          errorCode: null,
          errorCategory: null,
        })),
        ...Array.from({ length: 3 }, (_, i) => ({
          userId: `f${i}`,
          state: null,
          exists: true,
          status: 'failed' as const,
          errorCode: 20003,
          errorCategory: null,
        })),
      ],
      pausedUntil: null,
      startedAt: NOW,
      finishedAt: NOW,
    };
    const app = { label: 'Demo community', environment: 'production' as const, sdkAppId: 1 };
    const summary = bulkSummary(job, app, 'mod-night-1', NOW);
    expect(summary).toMatchObject({ id: 'bulk:job-1:0', done: 997, failed: 3, skipped: 0 });
    expect(chatText({ kind: 'summary', summary })).toBe(
      'mod-night-1 muted 997 users for 1 day in Demo community (PROD): raid; 3 failed',
    );
    // "Retry failed": the second run is summarised on its own, under its own id.
    job.items.slice(-3).forEach((item, i) => {
      Object.assign(item, { attempt: 1, status: i === 0 ? 'failed' : 'done' });
    });
    const retried = bulkSummary(job, app, 'mod-night-1', NOW);
    expect(retried).toMatchObject({ id: 'bulk:job-1:1', done: 2, failed: 1 });
    const big = { ...summary, done: 1000, reason: '' };
    expect(chatText({ kind: 'summary', summary: big })).toBe(
      'mod-night-1 muted 1,000 users for 1 day in Demo community (PROD); 3 failed',
    );
  });
});

describe('reading an answer', () => {
  it('counts 2xx as delivered, and 409 too for JSON (the receiver has that id already)', () => {
    expect(readAnswer('json', 200, null, 0, NOW)).toEqual({ kind: 'delivered' });
    expect(readAnswer('slack', 204, null, 0, NOW)).toEqual({ kind: 'delivered' });
    expect(readAnswer('json', 409, null, 0, NOW)).toEqual({ kind: 'delivered' });
    expect(readAnswer('slack', 409, null, 0, NOW).kind).toBe('failed');
  });

  it('tries anything else again: after Retry-After for 429 and 503, else after the back-off', () => {
    expect(readAnswer('discord', 429, '30', 0, NOW)).toEqual({
      kind: 'failed',
      error: { at: NOW, problem: 'http', status: 429 },
      retryAt: NOW + 30_000,
    });
    expect(readAnswer('json', 403, null, 2, NOW)).toEqual({
      kind: 'failed',
      error: { at: NOW, problem: 'http', status: 403 },
      retryAt: NOW + 8000,
    });
    // A Retry-After that is not a number of seconds falls back to the back-off.
    expect(readAnswer('json', 503, 'soon', 0, NOW)).toMatchObject({ retryAt: NOW + 2000 });
  });

  it('backs off 2 s, 4 s, 8 s … up to 15 minutes', () => {
    expect([1, 2, 3, 4, 12, 30].map(retryDelayMs)).toEqual([
      2000, 4000, 8000, 16000, 900_000, 900_000,
    ]);
  });
});
