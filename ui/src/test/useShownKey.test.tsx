import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useShownKey } from '../lib/hooks';

describe('useShownKey', () => {
  it('is null until first shown, then follows the key while shown', () => {
    const { result, rerender } = renderHook(({ shown, key }) => useShownKey(shown, key), { initialProps: { shown: false, key: 'a' } });
    expect(result.current).toBeNull();
    rerender({ shown: true, key: 'a' });
    expect(result.current).toBe('a');
    rerender({ shown: true, key: 'b' });
    expect(result.current).toBe('b');
  });

  it('keeps the last key shown while hidden, whatever the key does', () => {
    const { result, rerender } = renderHook(({ shown, key }) => useShownKey(shown, key), { initialProps: { shown: true, key: 'a' } });
    rerender({ shown: false, key: 'b' });
    rerender({ shown: false, key: 'c' });
    expect(result.current).toBe('a');
    rerender({ shown: true, key: 'c' });
    expect(result.current).toBe('c');
  });
});
