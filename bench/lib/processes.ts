/**
 * The estate's processes as /proc sees them (Linux): the broker is the workerd processes that
 * descend from this process (the estate's `wrangler dev`); the sandbox runs in this process.
 * Used to print the broker's memory and how much CPU each side spent during a scenario, so a
 * figure limited by the machine rather than by a vendor says so. Null where /proc is unreadable.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
const TICKS_PER_S = 100;

/** Parent pid of a process, from /proc/<pid>/stat (the field after the parenthesised name). */
function parentOf(pid: string): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? null;
  } catch {
    return null;
  }
}

/** The workerd processes descending from this process (the broker), with their /proc status. */
function brokerProcesses(): { pid: string; status: string }[] | null {
  try {
    const self = String(process.pid);
    const out: { pid: string; status: string }[] = [];
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let status: string;
      try {
        status = readFileSync(`/proc/${pid}/status`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      if (!/^Name:\s*workerd/m.test(status)) continue;
      let up: string | null = pid;
      for (let hops = 0; up && up !== '1' && up !== self && hops < 20; hops++) up = parentOf(up);
      if (up === self) out.push({ pid, status });
    }
    return out;
  } catch {
    return null;
  }
}

/** Pids of the broker's workerd processes, or null where /proc is unreadable. */
export function brokerPids(): string[] | null {
  return brokerProcesses()?.map((p) => p.pid) ?? null;
}

/** Resident memory (MB) of the broker's workerd processes, summed. */
export function workerdRssMb(): number | null {
  const procs = brokerProcesses();
  if (!procs) return null;
  const kb = procs.reduce((n, p) => n + Number(/^VmRSS:\s*(\d+)/m.exec(p.status)?.[1] ?? 0), 0);
  return kb ? Math.round(kb / 1024) : null;
}

/** CPU seconds (user + system) spent so far: by the broker's workerd processes, and by this process (the sandbox). */
export function cpuSeconds(): { broker: number | null; sandbox: number } {
  const procs = brokerProcesses();
  let broker: number | null = null;
  if (procs && procs.length > 0) {
    broker = 0;
    for (const { pid } of procs) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // utime and stime are fields 14 and 15 of stat; fields[0] here is field 3 (state).
        broker += (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
      } catch {
        // gone meanwhile
      }
    }
  }
  const own = process.cpuUsage();
  return { broker, sandbox: (own.user + own.system) / 1e6 };
}
