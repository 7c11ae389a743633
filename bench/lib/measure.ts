// Measuring one scenario on one or more sides (API and direct SQL, or audit on and off): a
// warm-up of each side, then the measured time in interleaved slices with CPU snapshots around
// every slice, merged into one result per side.
import { cpuDelta, cpuSplit, sumCpu, type CpuDelta, type CpuSnapshot } from './server.ts';
import { mergeResults, type ScenarioResult } from './report.ts';
import { resultLine } from './render.ts';

export interface Side {
  run: (durationS: number) => Promise<ScenarioResult>;
  probe: () => Promise<CpuSnapshot>;
  /** Warm-up seconds for this side when it differs from the default (a freshly started server). */
  warmupS?: number;
  /**
   * Runs after each of this side's runs (warm-up included), outside the measured window and the
   * CPU snapshots: waits until work the side left behind (audit sealing) is done, so that it does
   * not land in the next side's window.
   */
  settle?: () => Promise<void>;
}

export interface MeasureOptions {
  durationS: number;
  warmupS: number;
  rounds: number;
  log: (line: string) => void;
}

/**
 * Warm-up of each side (same traffic, discarded), then the measured time split into `rounds`
 * slices that alternate between the sides (A B, B A, A B, …) so that both sample the same
 * background load; CPU snapshots are taken around every slice. One merged result per side.
 */
export async function measured(sides: Side[], o: MeasureOptions): Promise<ScenarioResult[]> {
  for (const side of sides) {
    const warmupS = side.warmupS ?? o.warmupS;
    if (warmupS > 0) {
      await side.run(warmupS);
      await side.settle?.();
    }
  }
  const parts = sides.map(() => [] as ScenarioResult[]);
  const cpu = sides.map(() => [] as CpuDelta[]);
  for (let round = 0; round < o.rounds; round++) {
    const order = sides.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const side = sides[i]!;
      const before = await side.probe();
      parts[i]!.push(await side.run(o.durationS / o.rounds));
      cpu[i]!.push(cpuDelta(before, await side.probe()));
      await side.settle?.();
    }
  }
  return parts.map((slices, i) => {
    const merged = mergeResults(slices);
    const split = cpuSplit(sumCpu(cpu[i]!), merged.ok);
    const result = split ? { ...merged, cpu: split } : merged;
    o.log(resultLine(result));
    return result;
  });
}
