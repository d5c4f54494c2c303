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

export async function launchBrowser(): Promise<Browser> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured}: no such file`);
    return chromium.launch({ executablePath: configured, args: SYSTEM_ARGS });
  }
  const { default: packaged } = await import('@sparticuz/chromium');
  // Its flags are made for AWS Lambda; in one process the browser ends with its first page.
  const args = packaged.args.filter((a) => a !== '--single-process');
  return chromium.launch({ executablePath: await packaged.executablePath(), args, headless: true });
}
