/**
 * Where a cold HubSpot card spends CPU (docs/performance.md, "CPU per cold card"): starts its own
 * estate, reads N cold cards one by one and then the same cards warm, and prints
 * - the CPU time (user + system, from /proc) each process of the estate spent per card: workerd
 *   (the Worker, its Durable Objects, D1 and KV), node (the sandbox and wrangler), esbuild;
 * - a V8 CPU profile of the Worker's isolate over the cold cards, taken through workerd's own
 *   inspector (lib/inspector.ts; wrangler dev's inspector proxy stays off, decision 65), folded
 *   per function and per call stack, in ms per card.
 * `npx tsx bench/cpu-profile.ts` (CPU_PROFILE_CARDS, default 40; CPU_PROFILE_OUT writes the raw
 * .cpuprofile for Chrome DevTools). Linux only (/proc, ss). Not part of `npm run bench`.
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEstate } from '../scripts/estate.js';
import { demoAccounts, fullyLinked } from './lib/accounts.js';
import { hubspotCard } from './lib/hubspot-card.js';
import { inspector, isolateInspectorUrl } from './lib/inspector.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** CPU ms (user + system) of every process below this one, by command name. */
function cpuByProcess(): Record<string, number> {
  const children = new Map<number, number[]>();
  const info = new Map<number, { name: string; ms: number }>();
  const tick = 1000 / Number(execSync('getconf CLK_TCK').toString().trim());
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      info.set(Number(d), { name, ms: (Number(f[11]) + Number(f[12])) * tick });
      children.set(Number(f[1]), [...(children.get(Number(f[1])) ?? []), Number(d)]);
    } catch {
      // The process ended while /proc was read.
    }
  }
  const out: Record<string, number> = {};
  const walk = (pid: number) => {
    for (const k of children.get(pid) ?? []) {
      const i = info.get(k)!;
      out[i.name] = (out[i.name] ?? 0) + i.ms;
      walk(k);
    }
  };
  walk(process.pid);
  return out;
}

const perCard = (a: Record<string, number>, b: Record<string, number>, n: number) =>
  Object.entries(b)
    .map(([k, v]) => `${k} ${((v - (a[k] ?? 0)) / n).toFixed(1)}`)
    .join(', ');

function fold(profile: Profile, n: number): void {
  const nodes = new Map(profile.nodes.map((x) => [x.id, x]));
  const parent = new Map<number, number>();
  for (const x of profile.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const self = new Map<number, number>();
  profile.samples.forEach((s, i) => self.set(s, (self.get(s) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const label = (id: number) => {
    const f = nodes.get(id)!.callFrame;
    return `${f.functionName || '(anonymous)'}:${f.lineNumber}`;
  };
  let busy = 0;
  const stacks = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const fn = nodes.get(id)!.callFrame.functionName;
    if (fn === '(idle)' || fn === '(program)') continue;
    busy += us;
    const chain: string[] = [];
    const seen = new Set<string>();
    for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
      if (chain.length < 8) chain.push(label(p));
      const name = nodes.get(p)!.callFrame.functionName;
      if (name && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + us);
      }
    }
    stacks.set(chain.join(' < '), (stacks.get(chain.join(' < ')) ?? 0) + us);
  }
  const ms = (us: number) => (us / 1000 / n).toFixed(2).padStart(6);
  console.log(`JS busy in the Worker's isolate (not idle, not "(program)"): ${ms(busy)} ms per cold card`);
  console.log('heaviest call stacks, self time, ms per card (line numbers are of the dev bundle):');
  for (const [k, us] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${ms(us)}  ${k.slice(0, 240)}`);
  console.log('heaviest functions, inclusive, ms per card:');
  console.log(
    [...inclusive]
      .filter(([k]) => k !== '(root)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, 30)
      .map(([k, us]) => `${k} ${ms(us).trim()}`)
      .join(' | '),
  );
}

const persistDir = mkdtempSync(join(tmpdir(), 'concord-cpu-'));
const estate = await startEstate({ brokerPort: await freePort(), sandboxPort: await freePort(), persistDir, cronIntervalMs: 0, log: () => {} });
try {
  const card = await hubspotCard(estate);
  const accounts = (await demoAccounts(estate)).filter((a) => fullyLinked(a) && a.links.some((l) => l.system === 'hubspot'));
  // Warm the isolate (connections, tokens, reference data) with accounts not measured.
  for (const a of accounts.slice(-5)) await card(a);
  const set = accounts.slice(0, Number(process.env.CPU_PROFILE_CARDS ?? 40));
  const url = isolateInspectorUrl();
  if (!url) throw new Error("no inspector of Concord's isolate found among the broker's ports");
  const ws = await inspector(url);
  await ws.send('Profiler.enable');
  await ws.send('Profiler.setSamplingInterval', { interval: 200 });
  await ws.send('Profiler.start');
  const before = cpuByProcess();
  for (const a of set) await card(a);
  const cold = cpuByProcess();
  const { profile } = await ws.send<{ profile: Profile }>('Profiler.stop');
  for (let round = 0; round < 3; round++) for (const a of set) await card(a);
  const warm = cpuByProcess();
  ws.close();
  console.log(`CPU ms per cold card, by process: ${perCard(before, cold, set.length)}`);
  console.log(`CPU ms per warm card, by process: ${perCard(cold, warm, set.length * 3)}`);
  if (process.env.CPU_PROFILE_OUT) writeFileSync(process.env.CPU_PROFILE_OUT, JSON.stringify(profile));
  fold(profile, set.length);
} finally {
  await estate.stop();
  rmSync(persistDir, { recursive: true, force: true });
}
