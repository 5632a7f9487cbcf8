/**
 * Shared setup of the widget browser tests: build the widgets once per file, launch Debian's
 * Chromium through playwright-core, and give every test a fresh context whose requests the msw
 * broker (mock-broker.ts) answers. Console errors of the page are collected per test.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { buildWidgets } from '../../scripts/build-widgets.js';
import { MockBroker } from './mock-broker.js';

/** Where screenshots go. */
export const SHOTS = join(process.cwd(), 'test-results/screenshots');

/** What a test uses; filled in by the hooks {@link useWidgetBrowser} registers. */
export interface WidgetBrowser {
  broker: MockBroker;
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
}

/** Registers the hooks of a widget browser test file and returns the per-test state. */
export function useWidgetBrowser(): WidgetBrowser {
  const t = {} as WidgetBrowser;
  let outDir: string;
  let browser: Browser;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'concord-widgets-'));
    const files = await buildWidgets({ outDir, log: false });
    expect(files.map((f) => f.file.split('/').pop())).toEqual(expect.arrayContaining(['panel.js', 'console.js', 'panel.html', 'console.html', 'concord.css']));
    t.broker = new MockBroker(outDir);
    await mkdir(SHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    t.broker.reset();
    t.context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-US' });
    await t.broker.attach(t.context);
    t.page = await t.context.newPage();
    t.consoleErrors = [];
    t.page.on('console', (m) => { if (m.type() === 'error') t.consoleErrors.push(`${m.text()} ${m.location().url}`); });
    t.page.on('pageerror', (e) => t.consoleErrors.push(e.message));
  });

  afterEach(async () => {
    // A request the broker is still answering when the context closes must not surface as an
    // unhandled TargetClosedError.
    await t.context?.unrouteAll({ behavior: 'ignoreErrors' });
    await t.context?.close();
  });

  return t;
}
