/**
 * The widget build leaves unchanged files alone: every estate builds into the same directory that
 * a running `wrangler dev` of the checkout watches as its assets, and a rewrite made that broker
 * restart (scripts/build-widgets.ts).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWidgets } from '../../scripts/build-widgets.js';

const outDir = mkdtempSync(join(tmpdir(), 'concord-widgets-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const files = () => [...readdirSync(join(outDir, 'widgets')).map((f) => join(outDir, 'widgets', f)), join(outDir, '_headers')];

describe('buildWidgets', () => {
  it('writes only what changed, and removes what it no longer makes', async () => {
    const first = await buildWidgets({ outDir, log: false });
    expect(first.map((f) => f.file)).toEqual(expect.arrayContaining([join(outDir, 'widgets', 'panel.js'), join(outDir, 'widgets', 'console.js')]));
    // Backdate every file, so a rewrite shows as a newer mtime.
    const old = new Date('2020-01-01T00:00:00Z');
    for (const f of files()) utimesSync(f, old, old);
    const panel = join(outDir, 'widgets', 'panel.js');
    const built = readFileSync(panel);
    writeFileSync(panel, 'tampered');
    utimesSync(panel, old, old);
    writeFileSync(join(outDir, 'widgets', 'left-over.js'), 'from an older build');

    await buildWidgets({ outDir, log: false });
    const rewritten = files().filter((f) => statSync(f).mtimeMs !== old.getTime());
    expect(rewritten).toEqual([panel]);
    expect(readFileSync(panel).equals(built)).toBe(true);
    expect(readdirSync(join(outDir, 'widgets'))).not.toContain('left-over.js');
  });
});
