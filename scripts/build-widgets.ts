/**
 * Build the Preact widgets for the Worker's static assets (`/widgets/...`):
 * - widgets/src/panel/index.tsx   -> widgets/dist/widgets/panel.js   (IIFE, global ConcordPanel,
 *   so it also works as a classic <script> tag for the one-tag embed)
 * - widgets/src/console/index.tsx -> widgets/dist/widgets/console.js (IIFE, global ConcordConsole)
 * minified with external sourcemaps, plus widgets/public/*.html|css copied alongside and
 * widgets/public/_headers (frame-ancestors per page) at the assets root.
 *
 * A file whose bytes did not change is not written again, and nothing is deleted first: every
 * estate (`npm start`, the e2e tests, the benches) builds the widgets into the same directory,
 * which a running `wrangler dev` of the same checkout watches as its assets. Rewriting it made
 * that broker restart its workerd, losing the queue messages in flight (a scale-100 backfill
 * stalled until the stalled-run sweep re-sent its step, docs/performance.md).
 *
 * Usage: `npx tsx scripts/build-widgets.ts [--out <dir>]`; tests call `buildWidgets({ outDir })`.
 */
import { build } from 'esbuild';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Options of {@link buildWidgets}. */
export interface BuildWidgetsOptions {
  /** Directory that will contain `widgets/` (default `widgets/dist`). */
  outDir?: string;
  /** Print output sizes (default true). */
  log?: boolean;
}

/** One emitted file and its size in bytes. */
export interface BuiltFile { file: string; bytes: number }

const ENTRIES = [
  { name: 'panel', entry: 'widgets/src/panel/index.tsx', globalName: 'ConcordPanel' },
  { name: 'console', entry: 'widgets/src/console/index.tsx', globalName: 'ConcordConsole' },
] as const;

/**
 * Bundle both widgets and copy the static pages.
 * @returns the emitted files with sizes; throws with esbuild's messages if a bundle fails.
 */
export async function buildWidgets(opts: BuildWidgetsOptions = {}): Promise<BuiltFile[]> {
  const outRoot = resolve(opts.outDir ?? join(ROOT, 'widgets/dist'));
  const out = join(outRoot, 'widgets');
  await mkdir(out, { recursive: true });

  const bundles = await Promise.all(
    ENTRIES.map((e) =>
      build({
        write: false,
        entryPoints: [join(ROOT, e.entry)],
        outfile: join(out, `${e.name}.js`),
        bundle: true,
        format: 'iife',
        globalName: e.globalName,
        platform: 'browser',
        // Preact 10 and the code here need nothing newer; covers evergreen browsers in CRMs.
        target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
        jsx: 'automatic',
        jsxImportSource: 'preact',
        minify: true,
        sourcemap: true,
        legalComments: 'linked',
        logLevel: 'silent',
        define: { 'process.env.NODE_ENV': '"production"' },
        tsconfig: join(ROOT, 'widgets/tsconfig.json'),
      }),
    ),
  );
  const wanted = new Map<string, Uint8Array>();
  for (const b of bundles) for (const f of b.outputFiles) wanted.set(f.path, f.contents);

  const publicDir = join(ROOT, 'widgets/public');
  for (const f of await readdir(publicDir)) {
    if (/\.(html|css)$/.test(f)) wanted.set(join(out, f), await readFile(join(publicDir, f)));
  }
  // Response headers of the static assets (framing protection): Workers read `_headers` at the
  // root of the assets directory.
  wanted.set(join(outRoot, '_headers'), await readFile(join(publicDir, '_headers')));

  for (const [file, bytes] of wanted) await writeIfChanged(file, bytes);
  // What an earlier build left and this one no longer makes.
  for (const f of await readdir(out)) if (!wanted.has(join(out, f))) await rm(join(out, f), { recursive: true, force: true });

  const files: BuiltFile[] = [];
  for (const f of (await readdir(out)).sort()) {
    files.push({ file: join(out, f), bytes: (await stat(join(out, f))).size });
  }
  if (opts.log ?? true) {
    for (const f of files) console.log(`${(f.bytes / 1024).toFixed(1).padStart(7)} KiB  ${f.file.slice(ROOT.length + 1)}`);
  }
  return files;
}

/** Writes `bytes` to `file` unless it already holds exactly them (its mtime is left alone then). */
async function writeIfChanged(file: string, bytes: Uint8Array): Promise<void> {
  const current = await readFile(file).catch(() => null);
  if (current && Buffer.compare(current, bytes) === 0) return;
  await writeFile(file, bytes);
}

// Run as a script: `tsx scripts/build-widgets.ts [--out dir]`.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const i = process.argv.indexOf('--out');
  const outDir = i > 0 ? process.argv[i + 1] : undefined;
  buildWidgets(outDir ? { outDir } : {}).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
