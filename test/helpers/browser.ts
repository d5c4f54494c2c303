/**
 * The browser of the report's test: the headless Chromium that the npm package @sparticuz/chromium
 * carries inside it, so `npm test` needs nothing but Node and npm; or the browser at CHROMIUM_PATH
 * when that is set (e.g. /usr/bin/chromium from Debian's package).
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { inject } from 'vitest';
import { packagePath } from '../../src/core/package-path.js';

/** Flags for a headless browser in a sandbox-less container with no network. */
const SYSTEM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The packaged browser's flags for its software GPU, left out. */
const LAMBDA_GPU = [
  '--use-gl',
  '--use-angle',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--in-process-gpu',
];

export async function launchBrowser(): Promise<Browser> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured}: no such file`);
    return chromium.launch({ executablePath: configured, args: SYSTEM_ARGS });
  }
  const { default: packaged } = await import('@sparticuz/chromium');
  const executablePath = await unpacked();
  // Its flags are made for AWS Lambda: in one process the browser ends with its first page, and the
  // GPU it emulates in software (SwiftShader through ANGLE) costs more CPU than drawing without one
  // (--disable-gpu, as SYSTEM_ARGS do): about a fifth of a page's.
  const args = [
    ...packaged.args.filter((a) => a !== '--single-process' && !LAMBDA_GPU.some((g) => a.startsWith(g))),
    '--disable-gpu',
  ];
  return chromium.launch({ executablePath, args, headless: true });
}

/**
 * The packaged browser, unpacked once for its version in the system's temporary directory: the
 * package unpacks it into os.tmpdir(), which a test run points into its own directory, so each run
 * unpacked its 200 MB again (~1.5 s of CPU). It is unpacked by a process of its own into a
 * directory of its own, then renamed into place: runs at the same moment never see half of one.
 */
async function unpacked(): Promise<string> {
  const { version } = JSON.parse(
    readFileSync(packagePath('node_modules/@sparticuz/chromium/package.json'), 'utf8'),
  ) as {
    version: string;
  };
  const home = join(inject('systemTmp'), `recon-chromium-${version}`);
  const executable = join(home, 'chromium');
  if (existsSync(executable)) return executable;
  const scratch = mkdtempSync(`${home}-`);
  try {
    const unpack = "const { default: c } = await import('@sparticuz/chromium'); await c.executablePath();";
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', unpack], {
      cwd: packagePath('.'),
      env: { ...process.env, TMPDIR: scratch },
    });
    chmodSync(scratch, 0o755);
    renameSync(scratch, home);
  } catch (e) {
    // Another run put one in place first (the rename fails on a full directory), or it failed.
    if (!existsSync(executable)) throw e;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return executable;
}
