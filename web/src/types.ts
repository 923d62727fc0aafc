// Shapes of the server's JSON answers (src/server/*), as the client reads them.
export interface FormOption { key: string; flag: string; kind: string; description: string; default?: string | number | boolean; choices?: string[]; min?: number; max?: number; required?: boolean }
export interface CommandForm { name: string; summary: string; positionals: { name: string; description: string; required?: boolean }[]; writesRun: boolean; options: FormOption[] }
export interface RunEntry { name: string; command?: string; date?: string; report: boolean; views: string[]; problem?: string }
export interface Box { x: number; y: number; width: number; height: number }
export interface MetricTile { image: number; box: Box; label: number; predicted: number; nearest: number; distance: number; distances: number[]; score: number; unknown: boolean; x: number; y: number }
export interface MetricOverview {
  classes: string[]; head: string; scoreName: string; threshold: number;
  images: { name: string; label: number; width: number; height: number; scale: number; png: string }[];
  tiles: MetricTile[];
  centroids: { label: string; x: number; y: number }[];
}
export interface TileCam { tile: string; cam: string; target: number; layer: string; size: number }
export interface FlipSample { group: string; from: string; to: string; predictedBefore: string; predictedAfter: string; agreement: Record<string, number>; limit: number; layers: { key: string; title: string; png: string }[] }
export interface ExplainFlips { classes: string[]; methods: string[]; size: number; samples: FlipSample[] }
