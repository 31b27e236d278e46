export interface BuildDef {
  name: string;
  dir: string;
  inputs: string[];
  env?: string[];
  output: string;
  workspace: string;
  script: string;
}
export interface BuildState {
  fresh: boolean;
  reason: 'not built yet' | 'built from unknown sources' | 'up to date' | 'sources changed';
  record(): void;
}
export function buildState(build: BuildDef): BuildState;
export const BUILDS: { console: BuildDef; h5: BuildDef; weapp: BuildDef; bff: BuildDef };
export function buildIfStale(
  build: BuildDef,
  opts?: { quiet?: boolean; env?: NodeJS.ProcessEnv },
): { built: boolean; ok: boolean; reason: BuildState['reason']; output: string; status?: number | null };
