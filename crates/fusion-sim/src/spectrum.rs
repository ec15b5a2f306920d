//! Spectrum occupancy as bitsets, one per (link, band, core), shared by both
//! directions of a link (FUSION keeps one matrix per undirected link).
//!
//! A set bit is an occupied slot (data or guard). First fit is the lowest
//! start index such that `slots_needed + guard` consecutive slots are free on
//! every link of the path and the block ends inside the band; with one guard
//! slot the guard sits *above* the data slots, as in FUSION.

/// Occupancy of every (link, band, core) block.
#[derive(Clone)]
pub struct Spectrum {
    words: usize,
    bands: Vec<usize>,
    cores: usize,
    bits: Vec<u64>,
    /// Data slots only (guard slots excluded), kept when a policy reads them
    /// (crosstalk counts neighbouring data, never guards).
    data: Option<Vec<u64>>,
    /// Occupied cells (data and guard) per (link, band), all cores, kept
    /// when a policy reads them (congestion, free-slot counts).
    used: Option<Vec<u32>>,
    /// Neither of the two above is kept: an allocation or release only
    /// sets or clears occupancy bits.
    plain: bool,
    scratch: Vec<u64>,
    /// Per band, the bits of the first [`FAST_WORDS`] words that are slots.
    valid: Vec<[u64; FAST_WORDS]>,
}

/// A maximal run of free slots `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub start: usize,
    pub end: usize,
}

impl Spectrum {
    /// `band_slots[b]` slots per core in band `b`.
    pub fn new(links: usize, band_slots: &[usize], cores: usize) -> Self {
        let max = band_slots.iter().copied().max().unwrap_or(0);
        let words = max.div_ceil(64).max(1);
        Spectrum {
            words,
            bands: band_slots.to_vec(),
            cores,
            bits: vec![0; links * band_slots.len() * cores * words],
            data: None,
            used: None,
            plain: true,
            scratch: vec![0; words],
            valid: band_slots
                .iter()
                .map(|&slots| {
                    let mut v = [0u64; FAST_WORDS];
                    for (w, x) in v.iter_mut().enumerate() {
                        if w * 64 < slots {
                            *x = valid_mask(w, slots);
                        }
                    }
                    v
                })
                .collect(),
        }
    }

    /// Also keeps which cells hold data (not guard) slots.
    pub fn track_data(mut self) -> Self {
        self.data = Some(vec![0; self.bits.len()]);
        self.plain = false;
        self
    }

    /// Also keeps per-link counts of occupied cells.
    pub fn track_usage(mut self) -> Self {
        let links = self.bits.len() / (self.bands.len() * self.cores * self.words).max(1);
        self.used = Some(vec![0; links * self.bands.len()]);
        self.plain = false;
        self
    }

    pub fn cores(&self) -> usize {
        self.cores
    }

    pub fn band_slots(&self, band: usize) -> usize {
        self.bands[band]
    }

    pub fn bands(&self) -> usize {
        self.bands.len()
    }

    /// Occupied cells (data and guard, all cores) of `link` in `band`.
    /// Requires [`Spectrum::track_usage`].
    #[inline]
    pub fn used_cells(&self, link: usize, band: usize) -> u32 {
        self.used.as_ref().expect("usage tracked")[link * self.bands.len() + band]
    }

    /// The occupancy words of one block.
    #[inline]
    pub fn block(&self, link: usize, band: usize, core: usize) -> &[u64] {
        let b = self.base(link, band, core);
        &self.bits[b..b + self.bands[band].div_ceil(64)]
    }

    /// The data-slot words of one block. Requires [`Spectrum::track_data`].
    #[inline]
    pub fn data_block(&self, link: usize, band: usize, core: usize) -> &[u64] {
        let b = self.base(link, band, core);
        &self.data.as_ref().expect("data tracked")[b..b + self.bands[band].div_ceil(64)]
    }

    /// Maximal free runs of one block, ascending, into `out`.
    pub fn free_runs(&self, link: usize, band: usize, core: usize, out: &mut Vec<Run>) {
        out.clear();
        let slots = self.bands[band];
        let occ = self.block(link, band, core);
        let mut pos = 0;
        while pos < slots {
            let Some(a) = next_bit(occ, pos, slots, false) else {
                break;
            };
            let b = next_bit(occ, a, slots, true).unwrap_or(slots);
            out.push(Run { start: a, end: b });
            pos = b;
        }
    }

    /// Whether `[start, start + width)` is free on every link.
    #[inline]
    pub fn is_free(&self, links: &[u32], band: usize, core: usize, start: usize, width: usize) -> bool {
        if start + width > self.bands[band] {
            return false;
        }
        links.iter().all(|&l| {
            let b = self.base(l as usize, band, core);
            range_clear(&self.bits[b..b + self.words], start, width)
        })
    }

    #[inline]
    fn base(&self, link: usize, band: usize, core: usize) -> usize {
        ((link * self.bands.len() + band) * self.cores + core) * self.words
    }

    /// Empties every block.
    pub fn clear(&mut self) {
        self.bits.iter_mut().for_each(|w| *w = 0);
        if let Some(d) = &mut self.data {
            d.iter_mut().for_each(|w| *w = 0);
        }
        if let Some(u) = &mut self.used {
            u.iter_mut().for_each(|w| *w = 0);
        }
    }

    /// True when nothing is allocated.
    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|&w| w == 0)
    }

    /// Lowest start with `width` free slots on all `links` in (band, core).
    #[inline]
    pub fn first_fit(&mut self, links: &[u32], band: usize, core: usize, width: usize) -> Option<usize> {
        let slots = self.bands[band];
        if width == 0 || width > slots {
            return None;
        }
        let words = slots.div_ceil(64);
        if width <= 64 {
            return self.first_start(links, band, core, width, slots, words);
        }
        if words <= FAST_WORDS {
            let m = self.starts(links, band, core, width, slots, words);
            return m[..words]
                .iter()
                .enumerate()
                .find(|(_, &x)| x != 0)
                .map(|(w, &x)| w * 64 + x.trailing_zeros() as usize);
        }
        self.union_into_scratch(links, band, core, words);
        find_free_run(&self.scratch[..words], slots, width)
    }

    /// Whether (band) is small enough for [`Spectrum::free8`].
    #[inline]
    pub fn fits_union8(&self, band: usize) -> bool {
        self.bands[band].div_ceil(64) <= FAST_WORDS
    }

    /// Words per (link, band, core) block: the widest band's.
    #[inline]
    pub fn block_words(&self) -> usize {
        self.words
    }

    /// The first [`FAST_WORDS`] free words of one (band, core) (bands of at
    /// most 512 slots), as an array.
    pub fn free8(&self, links: &[u32], band: usize, core: usize) -> [u64; FAST_WORDS] {
        let mut out = [0u64; FAST_WORDS];
        match self.words {
            1 => out[..1].copy_from_slice(&self.free_words::<1>(links, band, core)),
            2 => out[..2].copy_from_slice(&self.free_words::<2>(links, band, core)),
            3 => out[..3].copy_from_slice(&self.free_words::<3>(links, band, core)),
            4 => out[..4].copy_from_slice(&self.free_words::<4>(links, band, core)),
            5 => out[..5].copy_from_slice(&self.free_words::<5>(links, band, core)),
            6 => out[..6].copy_from_slice(&self.free_words::<6>(links, band, core)),
            7 => out[..7].copy_from_slice(&self.free_words::<7>(links, band, core)),
            _ => out = self.free_words::<8>(links, band, core),
        }
        out
    }

    /// The slots of one (band, core) free on every link, `N` =
    /// [`Spectrum::block_words`] (at most [`FAST_WORDS`]): the union of the
    /// links' occupancy, inverted, with the bits past the band's end cleared.
    #[inline(always)]
    pub fn free_words<const N: usize>(&self, links: &[u32], band: usize, core: usize) -> [u64; N] {
        debug_assert_eq!(N, self.words);
        let step = self.link_words();
        let off = (band * self.cores + core) * N;
        let mut u = [0u64; N];
        for &l in links {
            let b = l as usize * step + off;
            let src: &[u64; N] = self.bits[b..b + N].try_into().expect("N words per block");
            for w in 0..N {
                u[w] |= src[w];
            }
        }
        let valid = &self.valid[band];
        for w in 0..N {
            u[w] = !u[w] & valid[w];
        }
        u
    }

    /// First fit (`1 <= width <= 64`) in free words from [`Spectrum::free8`]
    /// (all words past the band's end clear).
    pub fn first_in_free(free: &[u64; FAST_WORDS], width: usize) -> Option<usize> {
        first_in_free_words(*free, width)
    }

    /// First fit for `width <= 64`, one word at a time from the bottom,
    /// stopping at the first word that holds the answer: a free run reaching
    /// up from the words below, else the lowest run inside the word, else
    /// the free slots at the word's top are carried to the next word.
    #[inline]
    fn first_start(
        &self,
        links: &[u32],
        band: usize,
        core: usize,
        width: usize,
        slots: usize,
        words: usize,
    ) -> Option<usize> {
        const MAX_LINKS: usize = 16;
        if links.len() > MAX_LINKS {
            let mut scratch = vec![0u64; words];
            for &l in links {
                let b = self.base(l as usize, band, core);
                for (x, &y) in scratch.iter_mut().zip(&self.bits[b..b + words]) {
                    *x |= y;
                }
            }
            return find_free_run(&scratch, slots, width);
        }
        let step = self.bands.len() * self.cores * self.words;
        let off = (band * self.cores + core) * self.words;
        let mut blocks: [&[u64]; MAX_LINKS] = [&[]; MAX_LINKS];
        for (i, &l) in links.iter().enumerate() {
            let b = l as usize * step + off;
            blocks[i] = &self.bits[b..b + words];
        }
        let blocks = &blocks[..links.len()];
        let full = slots / 64;
        let tail = (1u64 << (slots % 64)).wrapping_sub(1);
        let mut carry = 0usize;
        for w in 0..words {
            let mut occ = 0u64;
            for b in blocks {
                occ |= b[w];
            }
            let f = if w < full { !occ } else { !occ & tail };
            if f == 0 {
                carry = 0;
                continue;
            }
            if carry > 0 && carry + f.trailing_ones() as usize >= width {
                return Some(w * 64 - carry);
            }
            if f == u64::MAX {
                // carry + 64 >= width would have returned above.
                return Some(w * 64);
            }
            let m = starts_in_word(f, width);
            if m != 0 {
                return Some(w * 64 + m.trailing_zeros() as usize);
            }
            carry = f.leading_ones() as usize;
        }
        None
    }

    /// Bit `p` set iff `[p, p + width)` is free on every link and inside
    /// the band: the union of the links' occupancy, inverted, then ANDed
    /// with itself shifted down by doubling steps (1, 2, 4, ... slots), so
    /// the cost does not depend on how fragmented the spectrum is.
    #[inline]
    fn starts(
        &self,
        links: &[u32],
        band: usize,
        core: usize,
        width: usize,
        slots: usize,
        words: usize,
    ) -> [u64; FAST_WORDS] {
        let mut m = [0u64; FAST_WORDS];
        let first = self.base(links[0] as usize, band, core);
        m[..words].copy_from_slice(&self.bits[first..first + words]);
        for &l in &links[1..] {
            let b = self.base(l as usize, band, core);
            for (x, &y) in m[..words].iter_mut().zip(&self.bits[b..b + words]) {
                *x |= y;
            }
        }
        for (w, x) in m[..words].iter_mut().enumerate() {
            *x = !*x & valid_mask(w, slots);
        }
        let mut len = 1;
        while len < width {
            let s = len.min(width - len);
            let (ws, bs) = (s / 64, s % 64);
            for w in 0..words {
                let lo = m.get(w + ws).copied().unwrap_or(0);
                let shifted = if bs == 0 {
                    lo
                } else {
                    let hi = m.get(w + ws + 1).copied().unwrap_or(0);
                    (lo >> bs) | (hi << (64 - bs))
                };
                m[w] &= shifted;
            }
            len += s;
        }
        m
    }

    /// Highest start with `width` free slots on all `links` in (band, core).
    pub fn last_fit(&mut self, links: &[u32], band: usize, core: usize, width: usize) -> Option<usize> {
        let slots = self.bands[band];
        if width == 0 || width > slots {
            return None;
        }
        let words = slots.div_ceil(64);
        if words <= FAST_WORDS {
            let m = self.starts(links, band, core, width, slots, words);
            return m[..words]
                .iter()
                .enumerate()
                .rev()
                .find(|(_, &x)| x != 0)
                .map(|(w, &x)| w * 64 + 63 - x.leading_zeros() as usize);
        }
        self.union_into_scratch(links, band, core, words);
        let occ = &self.scratch[..words];
        let mut best = None;
        let mut pos = 0;
        while pos < slots {
            let Some(a) = next_bit(occ, pos, slots, false) else {
                break;
            };
            let b = next_bit(occ, a, slots, true).unwrap_or(slots);
            if b - a >= width {
                best = Some(b - width);
            }
            pos = b;
        }
        best
    }

    #[inline]
    fn union_into_scratch(&mut self, links: &[u32], band: usize, core: usize, words: usize) {
        let first = self.base(links[0] as usize, band, core);
        self.scratch[..words].copy_from_slice(&self.bits[first..first + words]);
        for &l in &links[1..] {
            let b = self.base(l as usize, band, core);
            for w in 0..words {
                self.scratch[w] |= self.bits[b + w];
            }
        }
    }

    /// Marks `[start, start + width)` occupied on every link, the first
    /// `data` slots of it as data (the rest is guard).
    #[inline(always)]
    pub fn allocate(
        &mut self,
        links: &[u32],
        band: usize,
        core: usize,
        start: usize,
        width: usize,
        data: usize,
    ) {
        if let Some((at, mask)) = self.one_word(band, core, start, width) {
            // The same mask on every link, nothing else to keep up to date.
            let step = self.link_words();
            let bits = &mut self.bits[..];
            for &l in links {
                let word = &mut bits[l as usize * step + at];
                debug_assert_eq!(*word & mask, 0, "allocating an occupied slot");
                *word |= mask;
            }
        } else {
            self.mark_general(links, band, core, start, width, data, true);
        }
    }

    /// Frees `[start, start + width)` on every link.
    #[inline(always)]
    pub fn release(&mut self, links: &[u32], band: usize, core: usize, start: usize, width: usize) {
        if let Some((at, mask)) = self.one_word(band, core, start, width) {
            let step = self.link_words();
            let bits = &mut self.bits[..];
            for &l in links {
                bits[l as usize * step + at] &= !mask;
            }
        } else {
            self.mark_general(links, band, core, start, width, width, false);
        }
    }

    /// Words per link (all bands and cores).
    #[inline(always)]
    fn link_words(&self) -> usize {
        self.bands.len() * self.cores * self.words
    }

    /// For a range inside one word of an untracked spectrum (the common
    /// case of every allocation and release): the word's offset within a
    /// link and the range's mask.
    #[inline(always)]
    fn one_word(&self, band: usize, core: usize, start: usize, width: usize) -> Option<(usize, u64)> {
        let off = start % 64;
        if !self.plain || width == 0 || off + width > 64 {
            return None;
        }
        let at = (band * self.cores + core) * self.words + start / 64;
        Some((at, (u64::MAX >> (64 - width)) << off))
    }

    /// Sets (`on`) or clears `[start, start + width)` on every link for
    /// ranges across words or a tracked spectrum: occupancy, the data slots
    /// (the first `data` of an allocation; a release clears the whole
    /// range) and the per-link counts of occupied cells.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn mark_general(
        &mut self,
        links: &[u32],
        band: usize,
        core: usize,
        start: usize,
        width: usize,
        data: usize,
        on: bool,
    ) {
        let data_slots = if on { data } else { width };
        for &l in links {
            let b = self.base(l as usize, band, core);
            set_range(&mut self.bits[b..b + self.words], start, width, on);
            if let Some(d) = &mut self.data {
                set_range(&mut d[b..b + self.words], start, data_slots, on);
            }
        }
        let nb = self.bands.len();
        if let Some(u) = &mut self.used {
            for &l in links {
                let cells = &mut u[l as usize * nb + band];
                if on {
                    *cells += width as u32;
                } else {
                    *cells -= width as u32;
                }
            }
        }
    }

    /// Whether slot `slot` is occupied on `link` (for tests and checks).
    pub fn is_occupied(&self, link: usize, band: usize, core: usize, slot: usize) -> bool {
        let b = self.base(link, band, core);
        self.bits[b + slot / 64] >> (slot % 64) & 1 == 1
    }
}

#[inline]
fn set_range(words: &mut [u64], start: usize, width: usize, on: bool) {
    if width == 0 {
        return;
    }
    let (w, off) = (start / 64, start % 64);
    if off + width <= 64 {
        // The common case: the range lies in one word.
        let mask = (u64::MAX >> (64 - width)) << off;
        if on {
            debug_assert_eq!(words[w] & mask, 0, "allocating an occupied slot");
            words[w] |= mask;
        } else {
            words[w] &= !mask;
        }
        return;
    }
    let mut pos = start;
    let end = start + width;
    while pos < end {
        let w = pos / 64;
        let off = pos % 64;
        let n = (64 - off).min(end - pos);
        let mask = if n == 64 {
            u64::MAX
        } else {
            ((1u64 << n) - 1) << off
        };
        if on {
            debug_assert_eq!(words[w] & mask, 0, "allocating an occupied slot");
            words[w] |= mask;
        } else {
            words[w] &= !mask;
        }
        pos += n;
    }
}

/// Bands up to this many 64-slot words take the branch-free search.
pub const FAST_WORDS: usize = 8;

/// The lowest `p` with bits `[p, p + width)` all set in the multi-word mask
/// `m` (`width <= 64`, so every shift step is below 64).
/// The free mask ANDed with itself shifted down by doubling steps, all
/// words at once (a run may cross words), then the lowest surviving bit.
#[inline(always)]
pub fn first_in_free_words<const N: usize>(mut m: [u64; N], width: usize) -> Option<usize> {
    debug_assert!((1..=64).contains(&width));
    let mut len = 1;
    while len < width {
        // At most 32 (half of a 64-slot width); the mask tells the compiler
        // so, and the double-width shift becomes one instruction per word.
        let s = (len.min(width - len) & 63) as u32;
        let mut any = 0;
        for w in 0..N {
            // Word w with the low bits of word w + 1 shifted in from above
            // (one double-width shift), read before this step changes it.
            let hi = if w + 1 < N { m[w + 1] } else { 0 };
            let pair = (u128::from(hi) << 64) | u128::from(m[w]);
            m[w] &= (pair >> s) as u64;
            any |= m[w];
        }
        if any == 0 {
            return None;
        }
        len += s as usize;
    }
    m.iter()
        .position(|&x| x != 0)
        .map(|w| w * 64 + m[w].trailing_zeros() as usize)
}

/// Bit `p` set iff bits `[p, p + width)` of `f` are all set (`width <= 64`).
#[inline]
fn starts_in_word(f: u64, width: usize) -> u64 {
    let mut m = f;
    let mut len = 1;
    while len < width && m != 0 {
        let s = len.min(width - len);
        m &= m >> s;
        len += s;
    }
    m
}

/// Bits of word `w` that are slots of a band of `slots` slots.
#[inline]
fn valid_mask(w: usize, slots: usize) -> u64 {
    if (w + 1) * 64 <= slots {
        u64::MAX
    } else {
        (1u64 << (slots - w * 64)) - 1
    }
}

/// Whether bits `[start, start + width)` are all zero.
#[inline]
fn range_clear(words: &[u64], start: usize, width: usize) -> bool {
    let mut pos = start;
    let end = start + width;
    while pos < end {
        let w = pos / 64;
        let off = pos % 64;
        let n = (64 - off).min(end - pos);
        let mask = if n == 64 {
            u64::MAX
        } else {
            ((1u64 << n) - 1) << off
        };
        if words[w] & mask != 0 {
            return false;
        }
        pos += n;
    }
    true
}

/// First index `i` such that bits `[i, i + width)` are all zero and
/// `i + width <= slots`.
#[inline]
fn find_free_run(occ: &[u64], slots: usize, width: usize) -> Option<usize> {
    let mut pos = 0usize;
    while pos + width <= slots {
        let a = next_bit(occ, pos, slots, false)?;
        if a + width > slots {
            return None;
        }
        let b = next_bit(occ, a, slots, true).unwrap_or(slots);
        if b - a >= width {
            return Some(a);
        }
        pos = b;
    }
    None
}

/// Index of the first bit at or after `from` (below `limit`) equal to `value`.
#[inline]
pub fn next_bit(occ: &[u64], from: usize, limit: usize, value: bool) -> Option<usize> {
    let mut w = from / 64;
    let mut word = if value { occ[w] } else { !occ[w] };
    word &= u64::MAX << (from % 64);
    loop {
        if word != 0 {
            let i = w * 64 + word.trailing_zeros() as usize;
            return (i < limit).then_some(i);
        }
        w += 1;
        if w * 64 >= limit {
            return None;
        }
        word = if value { occ[w] } else { !occ[w] };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_fit_lowest_common_gap_with_guard() {
        let mut s = Spectrum::new(2, &[16], 1);
        // link 0: slots 0..3 used; link 1: slots 4..6 used.
        s.allocate(&[0], 0, 0, 0, 3, 3);
        s.allocate(&[1], 0, 0, 4, 2, 2);
        // 2 data + 1 guard = 3 slots free on both: 6, 7, 8.
        assert_eq!(s.first_fit(&[0, 1], 0, 0, 3), Some(6));
        // On link 0 alone the gap at 3 is big enough.
        assert_eq!(s.first_fit(&[0], 0, 0, 3), Some(3));
        // Guard slot must fit inside the band: 16 slots, block of 3 at 13 ends at 15.
        s.allocate(&[0], 0, 0, 3, 11, 11);
        assert_eq!(s.first_fit(&[0], 0, 0, 3), None);
        assert_eq!(s.first_fit(&[0], 0, 0, 2), Some(14));
    }

    #[test]
    fn runs_across_word_boundaries_and_release() {
        let mut s = Spectrum::new(1, &[320], 3);
        s.allocate(&[0], 0, 1, 0, 60, 60);
        assert_eq!(s.first_fit(&[0], 0, 1, 10), Some(60));
        s.allocate(&[0], 0, 1, 60, 10, 10);
        assert!(s.is_occupied(0, 0, 1, 69));
        assert!(!s.is_occupied(0, 0, 1, 70));
        assert_eq!(s.first_fit(&[0], 0, 1, 250), Some(70));
        assert_eq!(s.first_fit(&[0], 0, 1, 251), None);
        s.release(&[0], 0, 1, 0, 60);
        assert_eq!(s.first_fit(&[0], 0, 1, 60), Some(0));
        // Other cores are independent.
        assert_eq!(s.first_fit(&[0], 0, 0, 320), Some(0));
        s.release(&[0], 0, 1, 60, 10);
        assert!(s.is_empty());
    }

    #[test]
    fn fast_search_agrees_with_the_run_scan() {
        // Random occupancy on two links, every width: the branch-free search
        // finds the same lowest and highest starts as a scan of free runs.
        let mut rng = crate::rng::Mt19937::new(7);
        for slots in [10, 64, 100, 320, 511] {
            for _ in 0..200 {
                let mut s = Spectrum::new(2, &[slots], 1);
                for l in 0..2u32 {
                    let mut pos = 0;
                    while pos < slots {
                        let len = 1 + (rng.uniform() * 12.0) as usize;
                        let len = len.min(slots - pos);
                        if rng.uniform() < 0.5 {
                            s.allocate(&[l], 0, 0, pos, len, len);
                        }
                        pos += len;
                    }
                }
                for links in [&[0u32][..], &[0, 1]] {
                    let words = slots.div_ceil(64);
                    s.union_into_scratch(links, 0, 0, words);
                    let occ = s.scratch[..words].to_vec();
                    for width in 1..=slots.min(70) {
                        let scan = find_free_run(&occ, slots, width);
                        assert_eq!(
                            s.first_fit(links, 0, 0, width),
                            scan,
                            "slots {slots} width {width}"
                        );
                        if width <= 64 {
                            let free = s.free8(links, 0, 0);
                            assert_eq!(
                                Spectrum::first_in_free(&free, width),
                                scan,
                                "free words, slots {slots} width {width}"
                            );
                        }
                        let last = (0..=slots - width)
                            .rev()
                            .find(|&a| (a..a + width).all(|i| occ[i / 64] >> (i % 64) & 1 == 0));
                        assert_eq!(
                            s.last_fit(links, 0, 0, width),
                            last,
                            "slots {slots} width {width}"
                        );
                    }
                }
            }
        }
    }
}
