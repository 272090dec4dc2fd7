/**
 * CPU time of processes from /proc/<pid>/stat (utime + stime, fields 14 and
 * 15). On a shared machine req/s wanders with whatever else runs; the CPU a
 * proxy spends per request is the steadier figure. Linux only: elsewhere the
 * figures are absent, never wrong.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** The fields after the command name, which may itself hold spaces and parentheses. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** utime + stime of the processes in milliseconds, or undefined when /proc cannot tell. */
export function cpuMs(pids: number[]): number | undefined {
  let ticks = 0;
  for (const pid of pids) {
    const fields = statFields(pid);
    // After the name: state(3) ppid(4) ... utime(14) stime(15), so indexes 11 and 12 here.
    if (!fields) return undefined;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / clockTicks();
}

/** Direct children of a process (nginx's workers under its master). */
export function childPids(parent: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => statFields(pid)?.[1] === String(parent));
}
