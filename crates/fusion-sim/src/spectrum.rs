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
    scratch: Vec<u64>,
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
            scratch: vec![0; words],
        }
    }

    /// Also keeps which cells hold data (not guard) slots.
    pub fn track_data(mut self) -> Self {
        self.data = Some(vec![0; self.bits.len()]);
        self
    }

    /// Also keeps per-link counts of occupied cells.
    pub fn track_usage(mut self) -> Self {
        let links = self.bits.len() / (self.bands.len() * self.cores * self.words).max(1);
        self.used = Some(vec![0; links * self.bands.len()]);
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

    /// Highest start with `width` free slots on all `links` in (band, core).
    pub fn last_fit(&mut self, links: &[u32], band: usize, core: usize, width: usize) -> Option<usize> {
        let slots = self.bands[band];
        if width == 0 || width > slots {
            return None;
        }
        let words = slots.div_ceil(64);
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
        self.union_into_scratch(links, band, core, words);
        find_free_run(&self.scratch[..words], slots, width)
    }

    /// Marks `[start, start + width)` occupied on every link, the first
    /// `data` slots of it as data (the rest is guard).
    #[inline]
    pub fn allocate(&mut self, links: &[u32], band: usize, core: usize, start: usize, width: usize, data: usize) {
        let nb = self.bands.len();
        for &l in links {
            let b = self.base(l as usize, band, core);
            set_range(&mut self.bits[b..b + self.words], start, width, true);
            if let Some(d) = &mut self.data {
                set_range(&mut d[b..b + self.words], start, data, true);
            }
            if let Some(u) = &mut self.used {
                u[l as usize * nb + band] += width as u32;
            }
        }
    }

    /// Frees `[start, start + width)` on every link.
    #[inline]
    pub fn release(&mut self, links: &[u32], band: usize, core: usize, start: usize, width: usize) {
        let nb = self.bands.len();
        for &l in links {
            let b = self.base(l as usize, band, core);
            set_range(&mut self.bits[b..b + self.words], start, width, false);
            if let Some(d) = &mut self.data {
                set_range(&mut d[b..b + self.words], start, width, false);
            }
            if let Some(u) = &mut self.used {
                u[l as usize * nb + band] -= width as u32;
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

/// Whether bits `[start, start + width)` are all zero.
#[inline]
fn range_clear(words: &[u64], start: usize, width: usize) -> bool {
    let mut pos = start;
    let end = start + width;
    while pos < end {
        let w = pos / 64;
        let off = pos % 64;
        let n = (64 - off).min(end - pos);
        let mask = if n == 64 { u64::MAX } else { ((1u64 << n) - 1) << off };
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
}
