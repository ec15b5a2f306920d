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
    state: [u32; N],
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
        Mt19937 { state, index: N }
    }

    fn twist(&mut self) {
        // The reference recurrence, split at the wrap-arounds so the
        // indices need no modulo.
        #[inline(always)]
        fn mix(upper: u32, lower: u32, far: u32) -> u32 {
            let y = (upper & UPPER_MASK) | (lower & LOWER_MASK);
            far ^ (y >> 1) ^ ((y & 1).wrapping_neg() & MATRIX_A)
        }
        let s = &mut self.state;
        for i in 0..N - M {
            s[i] = mix(s[i], s[i + 1], s[i + M]);
        }
        for i in N - M..N - 1 {
            s[i] = mix(s[i], s[i + 1], s[i + M - N]);
        }
        s[N - 1] = mix(s[N - 1], s[0], s[M - 1]);
        self.index = 0;
    }

    /// Next tempered 32-bit output (`genrand_int32`).
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }

    /// Uniform in [0, 1) with 53-bit resolution (`genrand_res53`), identical to
    /// NumPy's `random_sample` / `uniform(0, 1)` on the legacy generator.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        let a = (self.next_u32() >> 5) as f64;
        let b = (self.next_u32() >> 6) as f64;
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
