// Following the tail: on, the last line stays in view as the log grows.
// Scrolling up pauses it (and scrolling back to the bottom resumes it); the
// lines written since the pause are counted for the "new lines" button.

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';

export interface Follow {
  following: boolean;
  /** `following` as of now, for handlers that run between renders. */
  followingRef: { readonly current: boolean };
  /** The pause came from scrolling up (so reaching the bottom resumes). */
  pausedByScroll: { readonly current: boolean };
  setFollowing(on: boolean, byScroll?: boolean): void;
  /** Lines written since following stopped. */
  newLines: number;
}

export function useFollow(follow: boolean | undefined, onFollowChange: ((follow: boolean) => void) | undefined, lineCount: number): Follow {
  const [following, setFollowingState] = useState(follow ?? false);
  const [pausedAt, setPausedAt] = useState<number | null>(follow ? null : lineCount);
  const pausedByScroll = useRef(false);
  const count = useRef(lineCount);
  count.current = lineCount;
  const followChangeRef = useRef(onFollowChange);
  useLayoutEffect(() => {
    followChangeRef.current = onFollowChange;
  });

  const followingRef = useRef(following);
  followingRef.current = following;
  const setFollowing = useCallback((on: boolean, byScroll = false) => {
    pausedByScroll.current = !on && byScroll;
    if (followingRef.current !== on) {
      followingRef.current = on;
      followChangeRef.current?.(on);
    }
    setFollowingState(on);
  }, []);

  useEffect(() => {
    if (follow !== undefined) {
      pausedByScroll.current = false;
      setFollowingState(follow);
    }
  }, [follow]);

  useEffect(() => {
    setPausedAt((p) => (following ? null : (p ?? count.current)));
  }, [following]);

  const newLines = !following && pausedAt !== null && lineCount > pausedAt ? lineCount - pausedAt : 0;
  return { following, followingRef, pausedByScroll, setFollowing, newLines };
}
