#!/usr/bin/env node
// The README's pictures of the console (docs/console-queue.png, docs/console-finding.png), made the
// way an operator would see them: a generated 5-day chain (recon gen, seed 1) run day by day into a
// fresh embedded store, three people added (recon user add / passwd), a little work done on the
// cases with the CLI, then a real `recon serve` on that store, logged into in headless Chromium
// (playwright-core with the npm package @sparticuz/chromium, or CHROMIUM_PATH, as the browser
// tests), the queue and a finding with both sides' lines photographed. Everything it makes lives in
// one directory, $TMPDIR/recon-console-screenshots (a fixed name: the finding page shows the input
// file's path), removed at the end (--keep leaves it, with the store, to look at).
//
//   npm run build && node scripts/console-screenshots.mjs [--out docs] [--keep]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'recon');
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const OUT = resolve(flag('--out') ?? join(ROOT, 'docs'));
const KEEP = args.includes('--keep');
/** The chain: Monday to Friday, 20,000 journal rows on a full day (enough findings for a full queue). */
const FIRST = '2026-11-16';
const DATES = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'];
const ROWS = '20000';
/** The console's today: the Monday after, so that some cases are overdue. */
const TODAY = '2026-11-23';
const PEOPLE = { sue: 'supervisor', olga: 'operator', sam: 'supervisor' };
const PASSWORD = 'screenshot-password-olga';
/** Browser windows, at one pixel per CSS pixel: the queue's is wide enough for all its columns. */
const QUEUE_VIEWPORT = { width: 1540, height: 820 };
const FINDING_VIEWPORT = { width: 1360, height: 900 };
/** The file that marks the work directory as this script's (a later run may remove it). */
const MARK = '.console-screenshots';

if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
  process.stderr.write('console-screenshots: build first (npm run build)\n');
  process.exit(2);
}
const work = join(tmpdir(), 'recon-console-screenshots');
if (existsSync(work)) {
  if (!existsSync(join(work, MARK))) {
    process.stderr.write(`console-screenshots: ${work} exists and is not this script's: move it away first\n`);
    process.exit(2);
  }
  rmSync(work, { recursive: true, force: true });
}
mkdirSync(work, { recursive: true });
writeFileSync(join(work, MARK), '');
const db = join(work, 'db');
const env = { ...process.env, RECON_TODAY: TODAY };
delete env.DATABASE_URL;
delete env.RECON_USER;

/** Runs bin/recon in the work directory; its stdout, or a throw with its stderr. */
function recon(argv, input) {
  const r = spawnSync(BIN, argv, { cwd: work, env, input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`recon ${argv.join(' ')} (exit ${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** The queue as `recon cases --format json` prints it, one object a line. */
function cases(...filters) {
  return recon(['cases', '--db', db, '--format', 'json', ...filters])
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}

/** The headless browser of test/helpers/browser.ts (the same flags). */
async function launchBrowser() {
  if (process.env.CHROMIUM_PATH)
    return chromium.launch({
      executablePath: process.env.CHROMIUM_PATH,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  const { default: packaged } = await import('@sparticuz/chromium');
  const flags = packaged.args.filter((a) => a !== '--single-process');
  return chromium.launch({ executablePath: await packaged.executablePath(), args: flags, headless: true });
}

/** Starts `recon serve` on the store; its address once it listens, and the process. */
function serve() {
  const child = spawn(BIN, ['serve', '--db', db, '--port', '0'], {
    cwd: work,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const address = new Promise((ok, fail) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /is at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) ok(m[1]);
    });
    child.on('exit', (code) => fail(new Error(`recon serve exited ${code}: ${stderr}`)));
  });
  const exited = new Promise((ok) => child.on('exit', ok));
  return { child, address, exited };
}

let server;
let browser;
try {
  process.stderr.write(`console-screenshots: a ${DATES.length}-day chain in ${work}\n`);
  recon(['gen', '--date', FIRST, '--days', String(DATES.length), '--rows', ROWS, '--seed', '1', '--out', 'settlement']);
  for (const d of DATES) recon(['run', '--date', d, '--data-dir', 'settlement', '--db', db, '--quiet']);

  // The people: sue (the first user, a supervisor) adds the others; olga logs into the console.
  for (const [name, role] of Object.entries(PEOPLE))
    recon(['user', 'add', name, '--role', role, '--db', db, ...(name === 'sue' ? [] : ['--as', 'sue'])]);
  recon(['user', 'passwd', 'olga', '--as', 'sue', '--db', db], `${PASSWORD}\n`);

  // A morning's work already done, so the queue shows owners and states besides new.
  const act = (action, ids, ...rest) => recon(['case', action, ...ids, '--db', db, ...rest]);
  const delayed = cases('--kind', 'DELAYED_CREDIT', '--state', 'new').map((c) => c.id);
  act('assign', delayed.slice(0, 6), '--to', 'olga', '--as', 'sue');
  act('assign', delayed.slice(6, 10), '--to', 'sam', '--as', 'sue');
  act('close', delayed.slice(10, 14), '--reason', 'NOT_AN_ERROR', '-m', 'late, paid', '--as', 'olga');
  const missing = cases('--kind', 'MISSING_CREDIT', '--state', 'new').map((c) => c.id);
  act('note', missing.slice(0, 3), '-m', 'asked the acquirer for the credit file', '--as', 'olga');
  const duplicate = cases('--kind', 'DUPLICATE_CREDIT', '--state', 'new').map((c) => c.id);
  act('close', duplicate.slice(0, 1), '--reason', 'WRITTEN_OFF', '-m', 'below the cost of chasing', '--as', 'sam');
  // The finding to photograph: an amount mismatch (both sides' lines), assigned and noted.
  const [mismatch] = cases('--kind', 'AMOUNT_MISMATCH', '--state', 'new').map((c) => c.id);
  if (!mismatch) throw new Error('the generated chain has no new AMOUNT_MISMATCH to show');
  act('assign', [mismatch], '--to', 'olga', '--as', 'sue');
  act(
    'note',
    [mismatch],
    '-m',
    'the merchant sent the slip; asked the acquirer for the clearing detail',
    '--as',
    'olga',
  );

  server = serve();
  const base = await server.address;
  browser = await launchBrowser();
  const page = await browser.newPage({ viewport: QUEUE_VIEWPORT, deviceScaleFactor: 1 });
  await page.goto(`${base}/login?next=%2Fcases`);
  await page.fill('input[name="name"]', 'olga');
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('section.login button[type="submit"]');
  await page.waitForURL(`${base}/cases`);

  // The queue: what is open for olga and unowned, earliest due first, two rows ticked for a bulk action.
  await page.goto(`${base}/cases?state=new&state=assigned&state=reopened&state=pending_approval`);
  const ticks = page.locator('table.queue tbody tr[data-id] input[name="id"]');
  await ticks.nth(1).check();
  await ticks.nth(2).check();
  mkdirSync(OUT, { recursive: true });
  const queuePng = join(OUT, 'console-queue.png');
  await page.screenshot({ path: queuePng });

  // A finding: both sides' source lines, the rule, the amounts, the case's history, the actions.
  await page.setViewportSize(FINDING_VIEWPORT);
  await page.goto(`${base}/findings/${mismatch}`);
  const findingPng = join(OUT, 'console-finding.png');
  await page.screenshot({ path: findingPng, fullPage: true });
  for (const f of [queuePng, findingPng])
    process.stderr.write(`console-screenshots: ${f} (${Math.round(statSync(f).size / 1024)} KiB)\n`);
} finally {
  await browser?.close();
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  if (KEEP) process.stderr.write(`console-screenshots: kept ${work} (the store: ${db})\n`);
  else rmSync(work, { recursive: true, force: true });
}
