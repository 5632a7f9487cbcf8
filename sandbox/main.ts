/**
 * CLI for the sandbox estate (`npm run sandbox`): listens on SANDBOX_PORT (default 8788) and
 * SANDBOX_HOST (default 127.0.0.1), prints the URL and stops cleanly on SIGINT/SIGTERM.
 * SANDBOX_ANCHOR_DATE (YYYY-MM-DD) pins "today" for reproducible demos; SANDBOX_SCALE (1..100)
 * multiplies the seeded estate.
 */
import { scaleFromEnv } from './seed/generate.js';
import { createSandbox } from './server.js';

const port = Number(process.env.SANDBOX_PORT ?? 8788);
const host = process.env.SANDBOX_HOST ?? '127.0.0.1';

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`SANDBOX_PORT must be a port number, got ${process.env.SANDBOX_PORT}`);
  process.exit(2);
}

try {
  const started = Date.now();
  const scale = scaleFromEnv(process.env.SANDBOX_SCALE);
  const sandbox = createSandbox({ ...(process.env.SANDBOX_ANCHOR_DATE ? { anchorDate: process.env.SANDBOX_ANCHOR_DATE } : {}), scale });
  const listener = await sandbox.listen(port, host);
  console.log(`Concord sandbox listening on ${listener.url} (anchor ${sandbox.state.anchorDate}, scale ${scale}, ready in ${Date.now() - started} ms)`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Sandbox stopping (${signal})`);
    listener.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('Sandbox did not close cleanly', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  console.error(`Sandbox failed to start: ${(err as Error).message}`);
  process.exit(1);
}
