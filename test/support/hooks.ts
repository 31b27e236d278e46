/**
 * Mocha root hooks: the shared test stack is torn down (database dropped, Redis keys removed) once,
 * after every suite. It reads the stack from globalThis rather than importing stack.ts, so this file
 * (loaded by mocha's --require) doesn't pull a second copy of the BFF into the process.
 */
export const mochaHooks = {
  async afterAll() {
    const shared = (globalThis as { __yiyunStack?: { current?: Promise<unknown>; teardown?: () => Promise<void> } })
      .__yiyunStack;
    if (!shared?.current) return;
    await shared.current.catch(() => undefined);
    await shared.teardown?.();
    shared.current = undefined;
  },
};
