//! Free slots common to every link of a request's candidate paths, per
//! (band, core), computed once per request and reused by every placement
//! attempt of its two passes until an allocation or release on that
//! (band, core) makes them stale.

use crate::spectrum::{first_in_free_words, Spectrum, FAST_WORDS};

/// One candidate path's free slots in one (band, core).
#[derive(Clone, Copy)]
struct Entry {
    free: [u64; FAST_WORDS],
    /// The smallest width known not to fit in `free`: any width at least
    /// as large cannot fit either (a later slice of the same request tries
    /// the cores that already failed for it).
    no_room: usize,
    /// Equal to the cache's `request` while `free` is up to date; 0 is
    /// never a request number, so it marks an entry stale.
    stamp: u32,
}

/// The cache of one request: `per` entries (the allocation order's length)
/// for each candidate, candidate-major.
#[derive(Default)]
pub struct UnionCache {
    entries: Vec<Entry>,
    per: usize,
    /// Entries in use for the current request.
    len: usize,
    /// Number of the current request (from 1), so that a new request makes
    /// every entry stale without visiting them.
    request: u32,
}

impl UnionCache {
    /// Empties the cache for a request with `candidates` paths.
    #[inline]
    pub fn reset(&mut self, candidates: usize, per: usize) {
        self.per = per;
        self.len = candidates * per;
        if self.entries.len() < self.len {
            self.entries.resize(
                self.len,
                Entry {
                    free: [0; FAST_WORDS],
                    no_room: usize::MAX,
                    stamp: 0,
                },
            );
        }
        self.request = self.request.wrapping_add(1);
        if self.request == 0 {
            // Wrapped: old stamps could now look current.
            self.entries.iter_mut().for_each(|e| e.stamp = 0);
            self.request = 1;
        }
    }

    /// Marks every candidate's entry for allocation-order position `oi` stale.
    #[inline(always)]
    pub fn touch_at(&mut self, oi: usize) {
        let mut at = oi;
        while at < self.len {
            self.entries[at].stamp = 0;
            at += self.per;
        }
    }

    /// After `[start, start + width)` was allocated on candidate `cand` at
    /// allocation-order position `oi`: its own entry loses exactly those
    /// slots (they were free on all its links, now on none); the other
    /// candidates' entries of that position go stale.
    #[inline(always)]
    pub fn allocated(&mut self, cand: usize, oi: usize, start: usize, width: usize) {
        let own = cand * self.per + oi;
        let keep = self.entries[own].stamp;
        self.touch_at(oi);
        let e = &mut self.entries[own];
        e.stamp = keep;
        let (w, off) = (start / 64, start % 64);
        let mask = (u64::MAX >> (64 - width)) << off;
        e.free[w] &= !mask;
        if off + width > 64 {
            e.free[w + 1] &= !(u64::MAX >> (128 - off - width));
        }
    }

    /// First fit (`width <= 64`, bands of at most [`FAST_WORDS`] words) over
    /// `order`, the (band, core) pairs in the allocation policy's order, on
    /// candidate `cand` whose links are `edges`. Returns the position in
    /// `order` and the start slot.
    #[inline(always)]
    pub fn first_fit(
        &mut self,
        spectrum: &Spectrum,
        order: &[(u8, u8)],
        cand: usize,
        edges: &[u32],
        width: usize,
    ) -> Option<(usize, usize)> {
        // One loop per block size, unrolled by the compiler.
        match spectrum.block_words() {
            1 => self.first_fit_n::<1>(spectrum, order, cand, edges, width),
            2 => self.first_fit_n::<2>(spectrum, order, cand, edges, width),
            3 => self.first_fit_n::<3>(spectrum, order, cand, edges, width),
            4 => self.first_fit_n::<4>(spectrum, order, cand, edges, width),
            5 => self.first_fit_n::<5>(spectrum, order, cand, edges, width),
            6 => self.first_fit_n::<6>(spectrum, order, cand, edges, width),
            7 => self.first_fit_n::<7>(spectrum, order, cand, edges, width),
            _ => self.first_fit_n::<8>(spectrum, order, cand, edges, width),
        }
    }

    #[inline(always)]
    fn first_fit_n<const N: usize>(
        &mut self,
        spectrum: &Spectrum,
        order: &[(u8, u8)],
        cand: usize,
        edges: &[u32],
        width: usize,
    ) -> Option<(usize, usize)> {
        let request = self.request;
        let row = &mut self.entries[cand * self.per..(cand + 1) * self.per];
        let order = &order[..row.len()];
        for oi in 0..row.len() {
            let e = &mut row[oi];
            let (band, core) = order[oi];
            let free: &mut [u64; N] = (&mut e.free[..N]).try_into().expect("N <= FAST_WORDS");
            if e.stamp != request {
                *free = spectrum.free_words::<N>(edges, band as usize, core as usize);
                e.stamp = request;
                e.no_room = usize::MAX;
            } else if width >= e.no_room {
                continue;
            }
            match first_in_free_words(*free, width) {
                Some(start) => return Some((oi, start)),
                None => e.no_room = width,
            }
        }
        None
    }
}
