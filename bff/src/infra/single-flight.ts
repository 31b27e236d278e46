/**
 * One run per key at a time in this process: callers that ask while a run is under way share its promise instead of
 * starting their own (the cache's loads, the admission pool's rebuilds — what a rush would otherwise repeat by the
 * hundred).
 */
export class SingleFlight<T> {
  private running = new Map<string, Promise<T>>();
  run(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.running.get(key);
    if (!p) {
      p = fn().finally(() => this.running.delete(key));
      this.running.set(key, p);
    }
    return p;
  }
}
