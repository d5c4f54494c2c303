/**
 * The console's templates escape by default (src/serve/html.ts): every interpolated value, in text
 * and in attributes, unless it is Html already; and its session store forgets sessions that are idle,
 * too old, or too many (src/serve/session-store.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KIND_NAMES } from '../../src/core/codes.js';
import { packagePath } from '../../src/core/package-path.js';
import { html, trusted } from '../../src/serve/html.js';
import { KIND_RULES } from '../../src/serve/kind-rules.js';
import { MAX_ANONYMOUS, SessionStore } from '../../src/serve/session-store.js';

describe('html``', () => {
  it('escapes every value, in text and attributes; nests fragments; arrays; nothing for null', () => {
    const order = `<script>alert(1)</script>" onmouseover="x'&`;
    expect(html`<td title="${order}">${order}</td>`.text).toBe(
      '<td title="&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x&#39;&amp;">&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x&#39;&amp;</td>',
    );
    const rows = ['<b>', 'a&b'].map((v) => html`<li>${v}</li>`);
    expect(html`<ul>${rows}</ul>${null}${undefined}${false}${0}`.text).toBe(
      '<ul><li>&lt;b&gt;</li><li>a&amp;b</li></ul>0',
    );
    expect(html`${trusted('<svg></svg>')}`.text).toBe('<svg></svg>');
  });
});

describe('the session store', () => {
  it('forgets a session idle past the timeout, or older than the absolute one, and bounds anonymous ones', () => {
    let now = 1_000_000;
    const s = new SessionStore(30 * 60_000, 12 * 3_600_000, () => now);
    const get = (id: string) => {
      let out: unknown;
      s.get(id, (_e, v) => {
        out = v;
      });
      return out;
    };
    const set = (id: string, v: Record<string, unknown>) => s.set(id, v, () => {});
    set('a', { user: 'olga', loginAt: now });
    now += 29 * 60_000;
    expect(get('a')).toMatchObject({ user: 'olga' });
    set('a', { user: 'olga', loginAt: 1_000_000 }); // a request: used now
    now += 29 * 60_000;
    expect(get('a')).toMatchObject({ user: 'olga' });
    now += 2 * 60_000; // 31 minutes idle
    expect(get('a')).toBeUndefined();
    // Busy all day, but past 12 hours since the login: gone.
    set('b', { user: 'sam', loginAt: now });
    for (let h = 0; h < 12; h++) {
      now += 25 * 60_000;
      set('b', { user: 'sam', loginAt: now - (h + 1) * 25 * 60_000 });
    }
    now += 3 * 3_600_000;
    set('b', { user: 'sam', loginAt: now - 13 * 3_600_000 });
    expect(get('b')).toBeUndefined();
    // A flood of anonymous sessions (the login page's) pushes out the oldest of them only.
    set('c', { user: 'vic', loginAt: now });
    for (let i = 0; i < MAX_ANONYMOUS + 10; i++) set(`anon${i}`, {});
    expect(s.size).toEqual({ users: 1, anonymous: MAX_ANONYMOUS });
    expect(get('c')).toMatchObject({ user: 'vic' });
    expect(get('anon0')).toBeUndefined();
    now += 31 * 60_000;
    s.sweep();
    expect(s.size).toEqual({ users: 0, anonymous: 0 });
    s.close();
  });
});

describe('the rule of each kind', () => {
  it("says, for every kind, word for word what the README's table says it means and what to do", () => {
    const readme = readFileSync(packagePath('README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('### What each exception means and what to do'));
    for (const kind of KIND_NAMES) {
      const rule = KIND_RULES[kind];
      expect(rule, kind).toBeDefined();
      expect(table).toContain(`| ${kind} | ${rule!.meaning} | ${rule!.todo} |`);
    }
  });
});
