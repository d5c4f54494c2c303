/**
 * The browser of the report's test: the headless Chromium that the npm package @sparticuz/chromium
 * carries inside it (unpacked into the temp dir on first use, ~3 s), so `npm test` needs nothing but
 * Node and npm; or the browser at CHROMIUM_PATH when that is set (e.g. /usr/bin/chromium from
 * Debian's package).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

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
  // Its flags are made for AWS Lambda: in one process the browser ends with its first page, and the
  // GPU it emulates in software (SwiftShader through ANGLE) costs more CPU than drawing without one
  // (--disable-gpu, as SYSTEM_ARGS do): about a fifth of a page's.
  const args = [
    ...packaged.args.filter((a) => a !== '--single-process' && !LAMBDA_GPU.some((g) => a.startsWith(g))),
    '--disable-gpu',
  ];
  return chromium.launch({ executablePath: await packaged.executablePath(), args, headless: true });
}
