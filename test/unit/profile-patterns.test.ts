/**
 * A profile's regular expressions (docs/profiles.md "Patterns"): each is checked when the profile is
 * read, and one that can backtrack catastrophically (exponential or polynomial time in the length of
 * the line, such as `^(a+)+$`) refuses the profile, naming its file, the field and the pattern. The
 * patterns only ever see a bounded line: its first PATTERN_CHARS characters.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeGbk } from '../../src/core/gbk.js';
import { packagePath } from '../../src/core/package-path.js';
import { ProfileError } from '../../src/inputs/errors.js';
import { frameHead, frameTail } from '../../src/inputs/profiles/frame.js';
import * as profiles from '../../src/inputs/profiles/profile-file.js';
import { loadProfile, parseProfile, SHIPPED_PROFILES } from '../../src/inputs/profiles/profile-file.js';

// biome-ignore lint/suspicious/noExplicitAny: a profile's JSON, changed field by field
type Json = Record<string, any>;
const shipped = (name: string): Json => JSON.parse(readFileSync(packagePath(`profiles/${name}.json`), 'utf8')) as Json;

/** The message parseProfile refuses `json` with, or 'accepted'. */
function refusal(json: Json, file = 'mine.json'): string {
  try {
    parseProfile(json, file);
    return 'accepted';
  } catch (e) {
    expect(e).toBeInstanceOf(ProfileError);
    return (e as Error).message;
  }
}

/** Alipay's profile (it has a pattern in every kind of place) with one field changed. */
function alipayWith(change: (p: Json) => void): Json {
  const p = shipped('alipay-trade-bill');
  change(p);
  return p;
}

describe('profile patterns', () => {
  it('the shipped profiles pass the check', () => {
    for (const name of SHIPPED_PROFILES)
      expect(refusal(shipped(name), packagePath(`profiles/${name}.json`)), name).toBe('accepted');
  });

  it('refuses a pattern that backtracks catastrophically, in every place a profile has one', () => {
    const places: [where: string, change: (p: Json) => void, pattern: string][] = [
      ['lines.end', (p) => (p.lines.end = '^(a+)+$'), '^(a+)+$'],
      ['lines.header', (p) => (p.lines.header = '^(支付宝交易号|支付宝交易号)*,$'), '^(支付宝交易号|支付宝交易号)*,$'],
      ['lines.before[1]', (p) => p.lines.before.push('^#(\\s*\\S+)*$'), '^#(\\s*\\S+)*$'],
      ['lines.after[0]', (p) => (p.lines.after[0] = '^#(.*)*$'), '^#(.*)*$'],
      ['zipEntry', (p) => (p.zipEntry = '^(\\w+_?)+\\.csv$'), '^(\\w+_?)+\\.csv$'],
      [
        'fileDate',
        (p) => (p.fileDate = '^#(?:\\d+)*(\\d{4})年(\\d{1,2})月(\\d{1,2})日$'),
        '^#(?:\\d+)*(\\d{4})年(\\d{1,2})月(\\d{1,2})日$',
      ],
      [
        'columns.merchant_id.fromLine',
        (p) => (p.columns.merchant_id.fromLine = '^#账号：\\[((\\d+)+)\\]$'),
        '^#账号：\\[((\\d+)+)\\]$',
      ],
      ['totals[1].line', (p) => (p.totals[1].line = '^#退款合计：(\\d+)笔.*.*.*元$'), '^#退款合计：(\\d+)笔.*.*.*元$'],
    ];
    for (const [where, change, pattern] of places) {
      const message = refusal(alipayWith(change));
      expect(message, where).toMatch(new RegExp(`^profile mine\\.json, ${where.replace(/[.[\]]/g, '\\$&')}: `));
      expect(message, where).toContain(`/${pattern}/`);
      expect(message, where).toMatch(/backtrack/);
    }
  });

  it('refuses the classic ReDoS patterns and says why', () => {
    const classic = [
      '^(a+)+$',
      '(a+)+$',
      '^(a|a)*$',
      '^(a|aa)+$',
      '(a|aa)+b',
      '(.*a){20}',
      '(\\d+)*$',
      '^(\\w+\\s?)*$',
      '^((ab)*)+$',
      '^(([a-z])+.)+[A-Z]([a-z])+$',
      '^(?:a|b|ab)*c$',
      '^.*a.*a.*a.*b$', // polynomial (4th degree): 86 s on a line of 1,024 a's
      '.*ZM_.*\\.txt$', // polynomial (cubic)
    ];
    for (const pattern of classic) {
      const message = refusal(alipayWith((p) => (p.lines.end = pattern)));
      expect(message, pattern).toContain(`lines.end: /${pattern}/ `);
      expect(message, pattern).toMatch(/can backtrack catastrophically \((exponential|\w+ degree polynomial)/);
    }
    expect(refusal(alipayWith((p) => (p.lines.end = '^(a+)+$')))).toMatch(/exponential/);
    expect(refusal(alipayWith((p) => (p.lines.end = '^.*a.*a.*a.*b$')))).toMatch(/4th degree polynomial/);
  });

  it('accepts the patterns profiles are made of', () => {
    for (const pattern of [
      '^#',
      '^#.*$',
      '^交易时间,',
      '^(\\d{4})-(\\d{2})-(\\d{2})',
      '日期[:：]\\s*(\\d{4})-(\\d{2})-(\\d{2})',
      '^(?:[^,]*,){5}合计$',
      '^#-+业务明细列表结束-*$',
      '^INN\\d{8}ZM_',
      // Nothing after the repetition: these match at once or not at all, whatever the line holds.
      '(a+)+',
      '(a|a)*',
      '(a|aa)+',
    ])
      expect(refusal(alipayWith((p) => (p.lines.end = pattern))), pattern).toBe('accepted');
  });

  it("a user's profile file is refused with its path", () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-patterns-'));
    const file = join(dir, 'slow.json');
    writeFileSync(file, JSON.stringify(alipayWith((p) => (p.lines.end = '^#(-+)+$'))));
    const t0 = performance.now();
    expect(() => loadProfile(file)).toThrow(
      new RegExp(`^profile ${file}, lines\\.end: /\\^#\\(-\\+\\)\\+\\$/ can backtrack`),
    );
    expect(performance.now() - t0).toBeLessThan(30_000);
  });

  it('patterns see at most the first PATTERN_CHARS characters of a line', () => {
    const limit = (profiles as unknown as { PATTERN_CHARS?: number }).PATTERN_CHARS;
    expect(limit).toBe(64 * 1024);
    const p = loadProfile('alipay-trade-bill');
    const long = `#${'x'.repeat(300 * 1024)}`;
    const [title, end] = ['#支付宝业务明细查询', '#-----业务明细列表结束-----'];
    const bytes = encodeGbk([title, long, '支付宝交易号,商户订单号', '1,2', end, long, ''].join('\n'));
    const h = frameHead(p, bytes, 'f.csv', true);
    expect(h.before.map((l) => l.length)).toEqual([title.length, limit]);
    expect(h.header).toEqual(['支付宝交易号', '商户订单号']);
    const t = frameTail(p, bytes, 0, bytes.length, 'f.csv', true);
    expect(t.after.map((l) => l.length)).toEqual([end.length, limit]);
  });
});
