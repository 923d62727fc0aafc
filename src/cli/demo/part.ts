// The interface of one part of `kensa demo`: it builds (or points at) its data, runs kensa's own
// commands through executeCommand (each leaves a normal run folder with report.html) and names
// its headline number, the negative control that number must beat, and a thumbnail.
import type { AnyCommand } from '../command.js';
import type { Executed } from '../execute.js';
import type { EmbeddedSource } from '../../methods/demo/embedded-sources.js';
import type { SummaryFact } from '../../report/summary.js';

/** 'default': the README's demo (minutes); 'tiny': the test's budget (seconds per part). */
export type DemoBudget = 'default' | 'tiny';

export interface PartContext {
  /** This part's folder inside the demo's --out (data it builds and its run folders). */
  dir: string;
  /** Root of the real datasets (--data), or undefined for the embedded default. */
  data?: string;
  budget: DemoBudget;
  seed: number;
  /** Runs a command with these words (plus the demo's --threads, --seed, --device, --quiet). */
  invoke(cmd: AnyCommand, args: string[]): Promise<Executed>;
  log(message: string): void;
}

/** A number and what it is compared with. */
export interface Headline {
  label: string;
  value: number;
  /** The negative control's value (chance, a blank map, a single segment, ...). */
  control: number;
  controlLabel: string;
}

export interface PartOutcome {
  headline: Headline;
  /** More facts for the index. @default none */
  facts?: SummaryFact[];
  /** The part's main report.html. */
  report: string;
  /** Every run folder the part wrote, in order. */
  runs: string[];
  /** An image file of the run for the index (absolute). @default none */
  thumbnail?: string;
  /** Where the data came from, one sentence. */
  source: string;
}

export interface DemoPart {
  /** Word for --only. */
  name: string;
  title: string;
  /** Embedded sources the default data needs. */
  needs: EmbeddedSource[];
  run(ctx: PartContext): Promise<PartOutcome>;
}
