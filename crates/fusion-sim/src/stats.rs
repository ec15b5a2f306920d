//! Summary statistics and FUSION's confidence-interval stop rule.
//!
//! FUSION uses Python's `statistics.mean` / `variance` / `stdev`, which are
//! computed exactly and rounded once. Compensated (double-double) sums give
//! the same means in practice (reported means such as `0.14100000000000001`
//! come out identical); standard deviations may differ in the last digit.

/// z for a two-sided 90 % interval, hard-coded in FUSION.
pub const Z_90: f64 = 1.645;
/// FUSION stops a load once the interval's relative width is at most this.
pub const CI_STOP_PERCENT: f64 = 5.0;

/// Sum with an error term (Neumaier), returned as (sum, compensation).
fn compensated_sum(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let mut sum = 0.0f64;
    let mut c = 0.0f64;
    for x in values {
        let t = sum + x;
        if sum.abs() >= x.abs() {
            c += (sum - t) + x;
        } else {
            c += (x - t) + sum;
        }
        sum = t;
    }
    (sum, c)
}

/// `statistics.mean`.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let (s, c) = compensated_sum(values.iter().copied());
    let n = values.len() as f64;
    // (s + c) / n with the low part folded in before the final rounding.
    let q = s / n;
    let r = (-q).mul_add(n, s) + c;
    Some(q + r / n)
}

/// `statistics.variance` (sample variance, n - 1).
pub fn variance(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let m = mean(values)?;
    let (s, c) = compensated_sum(values.iter().map(|x| (x - m) * (x - m)));
    Some((s + c) / (values.len() - 1) as f64)
}

/// `statistics.stdev`.
pub fn stdev(values: &[f64]) -> Option<f64> {
    variance(values).map(f64::sqrt)
}

/// Python's `round(x, 2)` (correctly rounded decimal, ties to even).
pub fn round2(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    format!("{:.2}", x).parse().unwrap_or(x)
}

/// FUSION's running interval figures for one load, updated after every
/// iteration exactly as FUSION updates them (including which values are
/// left unchanged when a mean is zero).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CiTracker {
    pub block_mean: Option<f64>,
    pub block_variance: Option<f64>,
    pub block_ci: Option<f64>,
    pub block_ci_percent: Option<f64>,
    pub bit_rate_block_mean: Option<f64>,
    pub bit_rate_block_variance: Option<f64>,
    pub bit_rate_block_ci: Option<f64>,
    pub bit_rate_block_ci_percent: Option<f64>,
}

impl CiTracker {
    /// Updates from the per-iteration blocking and bit-rate blocking lists;
    /// returns the interval percentage when the 5 % rule ends the load.
    pub fn update(&mut self, block: &[f64], bit_rate: &[f64]) -> Option<f64> {
        self.block_mean = mean(block);
        self.bit_rate_block_mean = mean(bit_rate);
        if block.len() <= 1 {
            self.block_variance = Some(0.0);
            self.bit_rate_block_variance = Some(0.0);
            self.block_ci = Some(0.0);
            self.block_ci_percent = Some(0.0);
            self.bit_rate_block_ci = Some(0.0);
            self.bit_rate_block_ci_percent = Some(0.0);
            return None;
        }
        self.block_variance = variance(block);
        self.bit_rate_block_variance = variance(bit_rate);
        let n = (block.len() as f64).sqrt();
        if let (Some(v), Some(m)) = (self.bit_rate_block_variance, self.bit_rate_block_mean) {
            let ci = Z_90 * (v.sqrt() / (bit_rate.len() as f64).sqrt());
            self.bit_rate_block_ci = Some(ci);
            if m > 0.0 {
                self.bit_rate_block_ci_percent = Some(2.0 * ci / m * 100.0);
            }
        }
        let m = self.block_mean?;
        if m == 0.0 {
            // No blocking: FUSION leaves the previous interval in place.
            return None;
        }
        let ci = Z_90 * (self.block_variance?.sqrt() / n);
        let percent = 2.0 * ci / m * 100.0;
        self.block_ci = Some(ci);
        self.block_ci_percent = Some(percent);
        (percent <= CI_STOP_PERCENT).then_some(percent)
    }
}

/// Whether FUSION's rule ends a load after these per-iteration values.
pub fn should_stop(values: &[f64]) -> Option<f64> {
    CiTracker::default().update(values, values)
}

/// mean / std / min / max of a list, in FUSION's two flavours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub std: f64,
    pub min: f64,
    pub max: f64,
}

/// Unrounded summary (std 0.0 for one value), `None` for an empty list.
pub fn summary(values: &[f64]) -> Option<Summary> {
    let m = mean(values)?;
    let std = if values.len() == 1 { 0.0 } else { stdev(values)? };
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(Summary {
        mean: m,
        std,
        min,
        max,
    })
}

/// Summary with every figure rounded to two decimals.
pub fn summary_rounded(values: &[f64]) -> Option<Summary> {
    summary(values).map(|s| Summary {
        mean: round2(s.mean),
        std: round2(s.std),
        min: round2(s.min),
        max: round2(s.max),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn means_like_python_statistics() {
        assert_eq!(mean(&[0.1595, 0.1225]), Some(0.14100000000000001));
        assert_eq!(mean(&[0.0805, 0.078]), Some(0.07925));
        assert_eq!(mean(&[0.219, 0.19054545454545455]), Some(0.20477272727272727));
        assert_eq!(variance(&[0.007, 0.007]), Some(0.0));
    }

    #[test]
    fn confidence_rule_hand_computed() {
        // Two equal values: variance 0, interval 0 %, so the rule stops.
        assert_eq!(should_stop(&[0.007, 0.007]), Some(0.0));
        // 0.1 and 0.2: mean 0.15, sd 0.0707..., ci = 1.645*0.0707/sqrt(2) = 0.08225,
        // percent = 2*0.08225/0.15*100 = 109.67 %: continue.
        let mut c = CiTracker::default();
        assert_eq!(c.update(&[0.1, 0.2], &[0.1, 0.2]), None);
        assert!((c.block_ci.unwrap() - 0.08225).abs() < 1e-12);
        assert!((c.block_ci_percent.unwrap() - 109.666_666_666_666_7).abs() < 1e-9);
        assert_eq!(should_stop(&[0.1, 0.2]), None);
        // 0.100, 0.101, 0.102: sd 0.001, ci = 1.645*0.001/sqrt(3) = 0.000949741,
        // percent = 2*0.000949741/0.101*100 = 1.8807 %: stop.
        let p = should_stop(&[0.100, 0.101, 0.102]).unwrap();
        assert!((p - 1.880_675).abs() < 1e-4, "{p}");
        // Zero mean never stops; a single iteration never stops.
        assert_eq!(should_stop(&[0.0, 0.0]), None);
        assert_eq!(should_stop(&[0.3]), None);
    }

    #[test]
    fn rounding_and_summaries() {
        assert_eq!(round2(2.345), 2.35); // 2.345 is stored slightly above
        assert_eq!(round2(0.125), 0.12); // exact tie goes to even
        let s = summary(&[3700.0, 3800.0, 3800.0, 3800.0, 3800.0, 3800.0]).unwrap();
        assert_eq!(s.mean, 3783.3333333333335);
        // Python computes the deviation exactly; a double-double sum agrees
        // to within an ulp or two, far below the figures' meaning.
        assert!((s.std - 40.8248290463863).abs() < 1e-12);
        assert_eq!(summary(&[]), None);
        assert_eq!(summary(&[5.0]).unwrap().std, 0.0);
    }
}
