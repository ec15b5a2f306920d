import { act, renderHook } from '@testing-library/react';
import { useLayoutEffect } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { useAsync } from '../lib/useAsync';

/** A promise settled from the test, in any order. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves the promise and lets React apply what follows. */
async function settle(f: () => void) {
  await act(async () => {
    f();
    await Promise.resolve();
  });
}

describe('useAsync', () => {
  it('is loading until the call answers, then holds its value', async () => {
    const d = deferred<string>();
    const { result } = renderHook(() => useAsync(() => d.promise, []));
    expect(result.current).toMatchObject({ value: undefined, error: null, loading: true });
    await settle(() => d.resolve('ready'));
    expect(result.current).toMatchObject({ value: 'ready', error: null, loading: false });
  });

  it('drops the answer of an older call that arrives after a newer one', async () => {
    const calls = new Map([
      ['a', deferred<string>()],
      ['b', deferred<string>()],
    ]);
    const { result, rerender } = renderHook(({ key }) => useAsync(() => calls.get(key)!.promise, [key]), { initialProps: { key: 'a' } });
    rerender({ key: 'b' });
    await settle(() => calls.get('b')!.resolve('answer to b'));
    await settle(() => calls.get('a')!.resolve('late answer to a'));
    expect(result.current.value).toBe('answer to b');
    expect(result.current.loading).toBe(false);
  });

  it('drops the failure of an older call too', async () => {
    const calls = new Map([
      ['a', deferred<string>()],
      ['b', deferred<string>()],
    ]);
    const { result, rerender } = renderHook(({ key }) => useAsync(() => calls.get(key)!.promise, [key]), { initialProps: { key: 'a' } });
    rerender({ key: 'b' });
    await settle(() => calls.get('b')!.resolve('fine'));
    await settle(() => calls.get('a')!.reject(new Error('too late')));
    expect(result.current.error).toBeNull();
    expect(result.current.value).toBe('fine');
  });

  it('never shows the old value as settled once the dependencies changed', async () => {
    const seen: { key: string; value: string | undefined; loading: boolean }[] = [];
    const { rerender } = renderHook(
      ({ key }) => {
        const r = useAsync(() => Promise.resolve(`value of ${key}`), [key]);
        // What was committed to the screen, not renders React threw away.
        useLayoutEffect(() => {
          seen.push({ key, value: r.value, loading: r.loading });
        });
        return r;
      },
      { initialProps: { key: 'a' } },
    );
    await settle(() => undefined);
    rerender({ key: 'b' });
    await settle(() => undefined);
    // No render shows a's value as if it were b's settled answer.
    const settledB = seen.filter((s) => s.key === 'b' && !s.loading);
    expect(settledB.length).toBeGreaterThan(0);
    expect(settledB.every((s) => s.value === 'value of b')).toBe(true);
    expect(seen.at(-1)).toEqual({ key: 'b', value: 'value of b', loading: false });
  });

  it('keeps the last value when a call fails, and clears the error on the next success', async () => {
    let next = deferred<number>();
    const { result } = renderHook(() => useAsync(() => next.promise, []));
    await settle(() => next.resolve(1));
    next = deferred<number>();
    act(() => result.current.reload());
    expect(result.current).toMatchObject({ value: 1, loading: true });
    await settle(() => next.reject({ code: 'not_found', message: 'gone' }));
    expect(result.current).toMatchObject({ value: 1, error: { code: 'not_found', message: 'gone' }, loading: false });
    next = deferred<number>();
    act(() => result.current.reload());
    await settle(() => next.resolve(2));
    expect(result.current).toMatchObject({ value: 2, error: null, loading: false });
  });

  it('reload calls again with the same dependencies', async () => {
    const fn = vi.fn(() => Promise.resolve('x'));
    const { result } = renderHook(() => useAsync(fn, []));
    await settle(() => undefined);
    expect(fn).toHaveBeenCalledTimes(1);
    await act(async () => result.current.reload());
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('makes no call and holds nothing while the function returns null', async () => {
    const { result, rerender } = renderHook(({ on }) => useAsync(() => (on ? Promise.resolve('on') : null), [on]), { initialProps: { on: true } });
    await settle(() => undefined);
    expect(result.current.value).toBe('on');
    rerender({ on: false });
    await settle(() => undefined);
    expect(result.current).toMatchObject({ value: undefined, error: null, loading: false });
  });

  it('does not call again when only the function changes', async () => {
    const calls: number[] = [];
    const { rerender } = renderHook(({ n }) => useAsync(() => (calls.push(n), Promise.resolve(n)), []), { initialProps: { n: 1 } });
    rerender({ n: 2 });
    rerender({ n: 3 });
    await settle(() => undefined);
    expect(calls).toEqual([1]);
  });
});
