/**
 * What the benchmark reports: one section per measurement, each with numeric figures (their unit in
 * their name), the tables printed to stdout, and the setup it ran with; plus the machine it ran on.
 */
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import { renderTable, type Column } from '../../cli/render/table.js';
import { runProcess } from './measure.js';
import type { BenchSizes } from './run.js';

/** The sections, in the order they run and print. */
export const SECTIONS = {
  throughput: '1. Throughput and latency: the local runtime end to end',
  naive: '2. Naive baseline: one file at a time, same stub, same store',
  awsCost: '3. AWS requests and cost per million files',
  bundles: '4. Lambda bundles: size and cold import',
  cli: '5. CLI: start-up and `jobs --failed` against a scan',
  apiProtection: '6. API protection: calls in flight, the rate limit and the circuit breaker',
  backfill: '7. Backfill: planning against the local runtime (half the objects already have jobs)',
} as const;

export type SectionKey = keyof typeof SECTIONS;

export type Cell = string | number;

/** A table as printed: a header row and rows of cells. */
export interface ResultTable {
  readonly title?: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

/** The outcome of one section. */
export interface SectionResult {
  readonly title: string;
  /** Every figure, numeric, its unit in its name (e.g. `latencyP99Ms`). */
  readonly figures: Readonly<Record<string, number>>;
  readonly tables: readonly ResultTable[];
  /** Sizes, settings and assumptions the figures depend on. */
  readonly setup: Readonly<Record<string, unknown>>;
  /** What a reader must know to read the figures right. */
  readonly notes: readonly string[];
  /** The figures an issue set a goal for, each beside its goal. */
  readonly goals?: readonly GoalResult[];
}

/** A figure with a goal: at most (`max`) or at least (`min`) a value. */
export interface GoalResult {
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  readonly max?: number;
  readonly min?: number;
  readonly met: boolean;
  /** The same figure measured in the same run without the change, when it can be. */
  readonly baseline?: number;
  /** What bounds the figure (measured in the run): when the goal is not met, or when asked for. */
  readonly boundBy?: string;
}

/**
 * A figure beside its goal.
 * @example goal('b2a --help', 2.1, '× node -e 0', { max: 2.5 })
 */
export function goal(
  figure: string,
  value: number,
  unit: string,
  target: { readonly max: number } | { readonly min: number },
  extra: {
    readonly baseline?: number;
    readonly boundBy?: string;
    /** Show `boundBy` when the goal is met too: what a figure that only just meets its goal rests on. */
    readonly boundByWhenMet?: boolean;
  } = {},
): GoalResult {
  const met = 'max' in target ? value <= target.max : value >= target.min;
  const { baseline, boundBy, boundByWhenMet } = extra;
  return {
    figure,
    value,
    unit,
    ...target,
    met,
    ...(baseline !== undefined ? { baseline } : {}),
    ...((!met || boundByWhenMet) && boundBy ? { boundBy } : {}),
  };
}

/** The machine a run was made on. */
export interface Machine {
  readonly cpus: number;
  /** `lscpu`'s "Model name", else what Node reports. */
  readonly cpuModel: string;
  readonly node: string;
  readonly platform: string;
  readonly kernel: string;
  readonly memoryGiB: number;
}

/** Everything a run wrote to results.json. */
export interface BenchResults {
  readonly b2aBench: 1;
  readonly mode: 'quick' | 'full';
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: Machine;
  /** The sizes the run used (files, runs, jobs...). */
  readonly sizes: BenchSizes;
  /** The machine's 1, 5 and 15 minute load averages when the run started and ended: other work skews the figures. */
  readonly loadAverage: { readonly atStart: readonly number[]; readonly atEnd: readonly number[] };
  readonly sections: Partial<Record<SectionKey, SectionResult>>;
}

/** Describes the machine: CPU count and model, Node version, memory. */
export async function machineInfo(): Promise<Machine> {
  return {
    cpus: availableParallelism(),
    cpuModel: (await lscpuModelName()) ?? cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    kernel: release(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

async function lscpuModelName(): Promise<string | undefined> {
  try {
    const { stdout } = await runProcess('lscpu', [], { allowFailure: true });
    return /^Model name:\s*(.+)$/m.exec(stdout)?.[1]?.trim();
  } catch (error) {
    // No lscpu (macOS, minimal images): Node's own report of the CPU is the fallback.
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A number for a table: thousands separators, and decimals that mean something at its size. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : magnitude >= 0.01 ? 3 : 6;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** One table as text, numbers right-aligned. */
export function formatTable(table: ResultTable): string {
  const columns: Column<readonly Cell[]>[] = table.columns.map((header, i) => ({
    header,
    value: (row) => {
      const cell = row[i];
      return typeof cell === 'number' ? formatNumber(cell) : (cell ?? '');
    },
    align: table.rows.some((row) => typeof row[i] === 'number') ? 'right' : 'left',
  }));
  const text = renderTable(columns, table.rows, Number.POSITIVE_INFINITY);
  return table.title ? `${table.title}\n${text}` : text;
}

/** The goals of a section as a table: figure, value, goal, met, baseline, what bounds it. */
function goalTable(goals: readonly GoalResult[]): ResultTable {
  return {
    title: 'Goals',
    columns: ['figure', 'value', 'goal', 'met', 'before (same run)', 'bounded by'],
    rows: goals.map((g) => [
      g.figure,
      g.value,
      `${g.max !== undefined ? `≤ ${formatNumber(g.max)}` : `≥ ${formatNumber(g.min ?? 0)}`} ${g.unit}`,
      g.met ? 'yes' : 'no',
      g.baseline ?? '',
      g.boundBy ?? '',
    ]),
  };
}

/** A section as printed: its goals, its tables, its notes. */
export function formatSection(section: SectionResult): string {
  const goals = section.goals && section.goals.length > 0 ? [formatTable(goalTable(section.goals))] : [];
  const parts = [`## ${section.title}`, ...goals, ...section.tables.map(formatTable)];
  if (section.notes.length > 0) parts.push(section.notes.map((note) => `- ${note}`).join('\n'));
  return `${parts.join('\n\n')}\n`;
}

/** The usual two-column table of a section's figures. */
export function figureTable(rows: readonly (readonly [string, number, string?])[]): ResultTable {
  return {
    columns: ['figure', 'value', 'unit / meaning'],
    rows: rows.map(([name, value, unit]) => [name, value, unit ?? '']),
  };
}
