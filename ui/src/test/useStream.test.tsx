import { act, renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { DeskError } from '../bindings/DeskError';
import { useStream, type IfOpen } from '../lib/useStream';

/** A fake backend channel: `send` pushes a message, `opened` settles the open call. */
function fakeChannel() {
  let handler: ((m: string) => void) | null = null;
  let resolve!: (id: number) => void;
  let reject!: (e: unknown) => void;
  const opening = new Promise<number>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const close = vi.fn((_id: number) => Promise.resolve());
  return {
    open(ifOpen: IfOpen, onMessage: (m: string) => void) {
      handler = ifOpen(onMessage);
      return opening.then((id) => () => close(id));
    },
    send(m: string) {
      handler?.(m);
    },
    opened: (id: number) => act(async () => resolve(id)),
    failed: (e: unknown) => act(async () => reject(e)),
    close,
  };
}

describe('useStream', () => {
  it('delivers messages while mounted and closes the stream on unmount', async () => {
    const ch = fakeChannel();
    const got: string[] = [];
    const { unmount } = renderHook(() => useStream((ifOpen) => ch.open(ifOpen, (m) => got.push(m)), []));
    await ch.opened(7);
    ch.send('a');
    ch.send('b');
    unmount();
    await act(async () => undefined);
    expect(got).toEqual(['a', 'b']);
    expect(ch.close).toHaveBeenCalledTimes(1);
    expect(ch.close).toHaveBeenCalledWith(7);
  });

  it('delivers nothing after it is closed', async () => {
    const ch = fakeChannel();
    const got: string[] = [];
    const { unmount } = renderHook(() => useStream((ifOpen) => ch.open(ifOpen, (m) => got.push(m)), []));
    await ch.opened(1);
    unmount();
    // The backend may still send what was on its way.
    ch.send('late');
    expect(got).toEqual([]);
  });

  it('closes a stream that finishes opening after the component went', async () => {
    const ch = fakeChannel();
    const got: string[] = [];
    const { unmount } = renderHook(() => useStream((ifOpen) => ch.open(ifOpen, (m) => got.push(m)), []));
    unmount();
    expect(ch.close).not.toHaveBeenCalled();
    ch.send('before the id');
    await ch.opened(42);
    expect(ch.close).toHaveBeenCalledWith(42);
    expect(got).toEqual([]);
  });

  it('reports a failed open, closes nothing and opens again on new dependencies', async () => {
    const first = fakeChannel();
    const second = fakeChannel();
    const errors: DeskError[] = [];
    const { rerender, unmount } = renderHook(({ ch }) => useStream((ifOpen) => ch.open(ifOpen, () => undefined), [ch], (e) => errors.push(e)), {
      initialProps: { ch: first },
    });
    await first.failed({ code: 'not_found', message: 'no such run' });
    expect(errors).toEqual([{ code: 'not_found', message: 'no such run' }]);
    expect(first.close).not.toHaveBeenCalled();
    rerender({ ch: second });
    await second.opened(2);
    unmount();
    await act(async () => undefined);
    expect(second.close).toHaveBeenCalledWith(2);
  });

  it('stays quiet about a failure that arrives after it was closed', async () => {
    const ch = fakeChannel();
    const onError = vi.fn();
    const { unmount } = renderHook(() => useStream((ifOpen) => ch.open(ifOpen, () => undefined), [], onError));
    unmount();
    await ch.failed(new Error('window gone'));
    expect(onError).not.toHaveBeenCalled();
  });

  it('closes the old stream and opens a new one when the dependencies change', async () => {
    const a = fakeChannel();
    const b = fakeChannel();
    const got: string[] = [];
    const { rerender } = renderHook(({ ch }) => useStream((ifOpen) => ch.open(ifOpen, (m) => got.push(m)), [ch]), { initialProps: { ch: a } });
    await a.opened(1);
    rerender({ ch: b });
    await b.opened(2);
    a.send('from a');
    b.send('from b');
    await act(async () => undefined);
    expect(a.close).toHaveBeenCalledWith(1);
    expect(b.close).not.toHaveBeenCalled();
    expect(got).toEqual(['from b']);
  });

  it('opens nothing while open returns null', () => {
    const open = vi.fn(() => null);
    renderHook(() => useStream(open, []));
    expect(open).toHaveBeenCalledTimes(1);
  });
});
