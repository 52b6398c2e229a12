/** What the figures were measured on, read from the running process. */
import { cpus, freemem, loadavg, release, totalmem, type } from 'node:os';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  os: string;
  node: string;
  /** 1-minute load average: on a shared box it says how much others were using the cores. */
  loadAverage1m: number;
}

export function describeMachine(): Machine {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown CPU',
    cores: processors.length,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    freeMemoryGiB: Number((freemem() / 2 ** 30).toFixed(1)),
    os: `${type()} ${release()}`,
    node: process.version,
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
}

/** One line: "Intel Xeon …, 2 cores, 23.5 GiB RAM, Linux 6.1, Node v20.20.2". */
export function machineLine(machine: Machine = describeMachine()): string {
  return `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}, Node ${machine.node}`;
}
