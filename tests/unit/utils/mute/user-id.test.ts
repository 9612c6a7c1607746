import { describe, expect, it } from 'vitest';
import { cleanUserId, parseUserId, splitUserIdList } from '../../../../utils/mute/user-id';

describe('cleanUserId', () => {
  it.each([
    ['  spammer_01\n', 'spammer_01'],
    ['@troll-42', 'troll-42'],
    ['"alice"', 'alice'],
    ['“bob”', 'bob'],
    ['「carol」', 'carol'],
    ["'dave',", 'dave'],
    ['(erin)', 'erin'],
    ['frank:', 'frank'],
    ['@"nested"  ', 'nested'],
  ])('cleans %j to %j', (raw, clean) => {
    expect(cleanUserId(raw)).toBe(clean);
  });

  it('keeps characters that can belong to an ID', () => {
    expect(cleanUserId('user.name')).toBe('user.name');
    expect(cleanUserId('a b')).toBe('a b');
    expect(cleanUserId('x!')).toBe('x!');
  });
});

describe('parseUserId', () => {
  it('accepts 1 to 32 bytes of printable ASCII', () => {
    expect(parseUserId('a')).toEqual({ ok: true, userId: 'a' });
    expect(parseUserId('x'.repeat(32))).toEqual({ ok: true, userId: 'x'.repeat(32) });
    expect(parseUserId('~user|1')).toEqual({ ok: true, userId: '~user|1' });
  });

  it('explains what is wrong otherwise', () => {
    expect(parseUserId('  "" ')).toEqual({ ok: false, problem: 'empty' });
    expect(parseUserId('x'.repeat(33))).toEqual({ ok: false, problem: 'too-long' });
    expect(parseUserId('用户')).toEqual({ ok: false, problem: 'invalid-characters' });
    expect(parseUserId('tab\there')).toEqual({ ok: false, problem: 'invalid-characters' });
  });
});

describe('splitUserIdList', () => {
  it('splits a list on one line on commas, semicolons and spaces', () => {
    expect(splitUserIdList('a, b;c  d，e、f')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(splitUserIdList(' \n ')).toEqual([]);
  });

  it('takes one ID per line when the list has several lines: spaces and commas stay in the ID', () => {
    expect(splitUserIdList('john smith\r\nbob,2\n\n  carol  \rdave')).toEqual([
      'john smith',
      'bob,2',
      'carol',
      'dave',
    ]);
    // A trailing new line after one ID is still a one-line list.
    expect(splitUserIdList('alice bob\n')).toEqual(['alice', 'bob']);
  });
});
