//! MT19937 with NumPy's legacy seeding and 53-bit uniforms.
//!
//! FUSION seeds the global NumPy `RandomState` with `np.random.seed(i + 1)` and
//! draws every random number through `np.random.uniform(0, 1)`. Legacy integer
//! seeding is the reference `init_genrand`, and `uniform(0, 1)` is
//! `genrand_res53` (two 32-bit outputs combined into 53 bits), so reproducing
//! those two functions reproduces FUSION's random stream bit for bit.

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// The Mersenne Twister MT19937 generator (32-bit).
#[derive(Clone)]
pub struct Mt19937 {
    /// The current state is `states[current]`; a twist writes the next one
    /// into the other buffer, so nothing is copied.
    states: [[u32; N]; 2],
    current: usize,
    /// The tempered outputs of the current state, computed in one pass after
    /// each twist (a loop the compiler vectorises).
    out: [u32; N],
    index: usize,
}

impl Mt19937 {
    /// Seeds like `init_genrand(seed)`, which is what `np.random.seed(int)` does
    /// for seeds below 2^32.
    pub fn new(seed: u32) -> Self {
        let mut state = [0u32; N];
        state[0] = seed;
        for i in 1..N {
            let prev = state[i - 1];
            state[i] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        Mt19937 {
            states: [state, [0; N]],
            current: 0,
            out: [0; N],
            index: N,
        }
    }

    /// The reference recurrence, computed into the other state buffer in
    /// three elementwise passes over disjoint slices (which the compiler
    /// vectorises): words 0..N−M read only old words; each later word reads
    /// the new word N−M before it, which an earlier pass has written (the
    /// last also the new word 0). Then `out` holds the new state tempered.
    #[inline(never)]
    fn twist(&mut self) {
        #[inline(always)]
        fn mix(upper: u32, lower: u32, far: u32) -> u32 {
            let y = (upper & UPPER_MASK) | (lower & LOWER_MASK);
            far ^ (y >> 1) ^ ((y & 1).wrapping_neg() & MATRIX_A)
        }
        fn mix_into(dst: &mut [u32], cur: &[u32], next: &[u32], far: &[u32]) {
            for (((d, &c), &n), &f) in dst.iter_mut().zip(cur).zip(next).zip(far) {
                *d = mix(c, n, f);
            }
        }
        const K: usize = N - M;
        let [a, b] = &mut self.states;
        let (old, new) = if self.current == 0 { (&*a, b) } else { (&*b, a) };
        let (first, rest) = new.split_at_mut(K);
        mix_into(first, &old[..K], &old[1..=K], &old[M..N]);
        let (second, third) = rest.split_at_mut(K);
        mix_into(second, &old[K..2 * K], &old[K + 1..=2 * K], first);
        let (third, last) = third.split_at_mut(N - 1 - 2 * K);
        mix_into(third, &old[2 * K..N - 1], &old[2 * K + 1..N], second);
        // The last word wraps round to the new first word.
        last[0] = mix(old[N - 1], first[0], second[N - 1 - 2 * K]);
        for (o, &x) in self.out.iter_mut().zip(new.iter()) {
            let mut y = x;
            y ^= y >> 11;
            y ^= (y << 7) & 0x9d2c_5680;
            y ^= (y << 15) & 0xefc6_0000;
            y ^= y >> 18;
            *o = y;
        }
        self.current ^= 1;
        self.index = 0;
    }

    /// Next tempered 32-bit output (`genrand_int32`).
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let y = self.out[self.index];
        self.index += 1;
        y
    }

    /// Uniform in [0, 1) with 53-bit resolution (`genrand_res53`), identical to
    /// NumPy's `random_sample` / `uniform(0, 1)` on the legacy generator.
    #[inline(always)]
    pub fn uniform(&mut self) -> f64 {
        // Both outputs with one check while they are in the same block (N
        // is even, so a stream of uniforms never straddles a twist).
        let (a, b) = if self.index + 2 <= N {
            let i = self.index;
            self.index += 2;
            (self.out[i], self.out[i + 1])
        } else {
            (self.next_u32(), self.next_u32())
        };
        let a = (a >> 5) as f64;
        let b = (b >> 6) as f64;
        (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_seed_1_first_uniforms() {
        let mut r = Mt19937::new(1);
        assert_eq!(r.uniform(), 0.417022004702574);
        assert_eq!(r.uniform(), 0.7203244934421581);
        assert_eq!(r.uniform(), 0.00011437481734488664);
    }

    #[test]
    fn outputs_past_the_first_twist_match_the_reference() {
        // The C++ standard's check of mt19937: the 10000th output of the
        // default seed (16 twists in).
        let mut r = Mt19937::new(5489);
        let mut x = 0;
        for _ in 0..10_000 {
            x = r.next_u32();
        }
        assert_eq!(x, 4_123_659_995);
    }

    #[test]
    fn reference_first_output_seed_5489() {
        // First output of the reference implementation with its default seed.
        let mut r = Mt19937::new(5489);
        assert_eq!(r.next_u32(), 3_499_211_612);
    }
}
