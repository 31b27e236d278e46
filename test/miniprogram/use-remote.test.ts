/**
 * useRemote, the loading / error / ready state every mini-program page shares: the paths a browser test cannot
 * arrange on purpose (an earlier answer arriving after a later one, a lost connection on reload).
 */
import assert from 'node:assert/strict';
import { useRemote } from '../../miniprogram/src/composables/useRemote';

/** A fetch whose answers the test hands out one by one, in whatever order it likes. */
function controlledFetch<T>() {
  const pending: { resolve: (v: T) => void; reject: (e: Error) => void }[] = [];
  const fetch = () => new Promise<T>((resolve, reject) => pending.push({ resolve, reject }));
  return { fetch, pending };
}

describe('miniprogram useRemote', () => {
  it('drops an answer a later load superseded (a slow previous tab never overwrites the current one)', async () => {
    const { fetch, pending } = controlledFetch<string>();
    const shown: string[] = [];
    const r = useRemote(fetch, (v) => void shown.push(v));
    const first = r.load();
    const second = r.load();
    pending[1]!.resolve('待就诊');
    await second;
    pending[0]!.resolve('全部');
    await first;
    assert.deepEqual(shown, ['待就诊']);
    assert.equal(r.state.value, 'ready');
  });

  it('ignores a superseded load’s failure too: the later answer stays on screen', async () => {
    const { fetch, pending } = controlledFetch<string>();
    const shown: string[] = [];
    const r = useRemote(fetch, (v) => void shown.push(v));
    const first = r.load();
    const second = r.load();
    pending[1]!.resolve('待就诊');
    await second;
    pending[0]!.reject(new Error('网络连接失败，请检查网络后重试'));
    await first;
    assert.equal(r.state.value, 'ready');
    assert.equal(r.error.value, '');
  });

  it('a lost connection shows the error and its message; the next load starts from the spinner again', async () => {
    const { fetch, pending } = controlledFetch<string>();
    const r = useRemote(fetch, () => undefined);
    const failed = r.load();
    pending[0]!.reject(new Error('网络连接失败，请检查网络后重试'));
    await failed;
    assert.equal(r.state.value, 'error');
    assert.equal(r.error.value, '网络连接失败，请检查网络后重试');
    const retry = r.load();
    assert.equal(r.state.value, 'loading', 'retrying shows the spinner, not the stale error');
    pending[1]!.resolve('ok');
    await retry;
    assert.equal(r.state.value, 'ready');
  });

  it('refreshInPlace keeps what is on screen while reloading; without it the spinner replaces it', async () => {
    for (const refreshInPlace of [true, false]) {
      const { fetch, pending } = controlledFetch<string>();
      const r = useRemote(fetch, () => undefined, { refreshInPlace });
      const initial = r.load();
      assert.equal(r.state.value, 'loading', 'the first load always shows the spinner');
      pending[0]!.resolve('a');
      await initial;
      const again = r.load();
      assert.equal(r.state.value, refreshInPlace ? 'ready' : 'loading', `refreshInPlace: ${refreshInPlace}`);
      pending[1]!.resolve('b');
      await again;
      assert.equal(r.state.value, 'ready');
    }
  });

  it('show returning false (the page redirects) keeps the spinner instead of flashing the content', async () => {
    const { fetch, pending } = controlledFetch<string>();
    const r = useRemote(fetch, () => false);
    const loading = r.load();
    pending[0]!.resolve('x');
    await loading;
    assert.equal(r.state.value, 'loading');
  });
});
