export function buildBff(opts?: { force?: boolean }): Promise<{ built: boolean; reason: string }>;
