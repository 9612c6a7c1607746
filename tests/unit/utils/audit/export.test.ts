import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../utils/audit/entry';
import { auditToCsv, auditToJson } from '../../../../utils/audit/export';

const entry: AuditEntry = {
  id: 'e1',
  at: Date.UTC(2026, 10, 25, 18, 0, 0),
  profileId: 'p1',
  appLabel: 'Demo, "community"',
  sdkAppId: 1400187352,
  environment: 'production',
  userId: '=HYPERLINK("x")',
  action: 'mute',
  scopes: { c2c: true, group: false },
  previous: { c2c: { kind: 'none' }, group: { kind: 'permanent' } },
  next: {
    c2c: { kind: 'timed', until: Date.UTC(2026, 10, 25, 19, 0, 0) },
    group: { kind: 'permanent' },
  },
  seconds: 3600,
  reason: 'spam\nlinks',
  source: 'page',
  moderator: 'mod-night-1',
  pageUrl: 'https://console.tencentcloud.com/im',
  outcome: 'ok',
  errorCode: null,
};

describe('audit export', () => {
  it('writes CSV with a header, quoting and neutralised formulas', () => {
    const { moderator: _none, ...older } = entry;
    const csv = auditToCsv([
      entry,
      older,
      {
        ...entry,
        id: 'e2',
        outcome: 'failed',
        errorCode: 70107,
        errorCategory: 'user-not-found',
        userId: 'bob',
      },
    ]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      '\uFEFFtime,moderator,app,sdkAppId,environment,userId,action,scopes,previousC2c,previousGroup,nextC2c,nextGroup,seconds,reason,source,pageUrl,outcome,errorCode,resolvedAt',
    );
    expect(csv).toContain(
      '2026-11-25T18:00:00.000Z,mod-night-1,"Demo, ""community""",1400187352,production,',
    );
    // An entry from before moderator names has an empty column.
    expect(csv).toContain('2026-11-25T18:00:00.000Z,,"Demo, ""community""",1400187352,production,');
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toContain(
      ',c2c,none,permanent,until 2026-11-25T19:00:00.000Z,permanent,3600,"spam\nlinks",page,',
    );
    expect(csv).toContain(',bob,');
    expect(csv.trimEnd().split('\r\n').at(-1)).toMatch(/,failed,70107,$/);
  });

  it('writes JSON that parses back to the same entries', () => {
    const json = JSON.parse(auditToJson([entry], new Date(0))) as {
      type: string;
      entries: AuditEntry[];
    };
    expect(json.type).toBe('mute-console-audit-log');
    expect(json.entries).toEqual([entry]);
  });
});
