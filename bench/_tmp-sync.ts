import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEstate } from '../scripts/estate.js';
import { benchSyncRuns } from './sync-runs.js';
const dir = mkdtempSync(join(tmpdir(), 'bs-'));
const scale = Number(process.env.SANDBOX_SCALE ?? 1);
const e = await startEstate({ brokerPort: await freePort(), sandboxPort: await freePort(), persistDir: dir, log: (l) => console.log(l) });
try { await benchSyncRuns(e, scale); } finally { await e.stop(); rmSync(dir, { recursive: true, force: true }); }
