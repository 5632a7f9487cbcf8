/**
 * Build the Preact widgets for the Worker's static assets (`/widgets/...`):
 * - widgets/src/panel/index.tsx   -> widgets/dist/widgets/panel.js   (IIFE, global ConcordPanel,
 *   so it also works as a classic <script> tag for the one-tag embed)
 * - widgets/src/console/index.tsx -> widgets/dist/widgets/console.js (IIFE, global ConcordConsole)
 * minified with external sourcemaps, plus widgets/public/*.html|css copied alongside and
 * widgets/public/_headers (frame-ancestors per page) at the assets root.
 *
 * Usage: `npx tsx scripts/build-widgets.ts [--out <dir>]`; tests call `buildWidgets({ outDir })`.
 */
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
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
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });

  await Promise.all(
    ENTRIES.map((e) =>
      build({
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

  const publicDir = join(ROOT, 'widgets/public');
  for (const f of await readdir(publicDir)) {
    if (/\.(html|css)$/.test(f)) await copyFile(join(publicDir, f), join(out, f));
  }

  // Response headers of the static assets (framing protection): Workers read `_headers` at the
  // root of the assets directory.
  await copyFile(join(publicDir, '_headers'), join(outRoot, '_headers'));

  const files: BuiltFile[] = [];
  for (const f of (await readdir(out)).sort()) {
    files.push({ file: join(out, f), bytes: (await stat(join(out, f))).size });
  }
  if (opts.log ?? true) {
    for (const f of files) console.log(`${(f.bytes / 1024).toFixed(1).padStart(7)} KiB  ${f.file.slice(ROOT.length + 1)}`);
  }
  return files;
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
