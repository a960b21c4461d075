//! The exponential and the logarithm that the models take of whole columns, written as
//! branch-free arithmetic on the value's bits (fdlibm's `e_exp.c` and `e_log.c` reductions and
//! polynomials), so that the compiler vectorises a loop of them: the same results on every
//! machine (only additions, multiplications and divisions, each rounded once), within one unit
//! in the last place of libm's where the result is a normal number (the exponential is flushed
//! to 0 below -708). The C library's `exp` and `log`, which `f64::exp` and `f64::ln` call, are
//! picked by the CPU; the `libm` crate's are the same everywhere but a call each, about a third
//! slower than glibc's. oml-linear's loss, the gaussian kernel of the vendored linfa-kernel and
//! the gbm's multinomial gradients (oml-trees) take these.
//!
//! Also [`index_in`]: a uniform index drawn the same on every target, where rand's `usize`
//! ranges draw 32 bits on a 32-bit target and 64 on a 64-bit one; and [`numpy_sum`]: a sum in
//! numpy's order, for the gbm's sums that scikit-learn takes with numpy.

use std::ops::Range;

use rand::Rng;

/// A uniform draw from `range`, as rand 0.8's `gen_range` draws it on a 64-bit target, on every
/// target: rand samples a `usize` range in `usize`-wide arithmetic, so a 32-bit target (i686,
/// wasm32) would draw otherwise from the same seed; this samples the range as `u64`s.
pub fn index_in<R: Rng + ?Sized>(rng: &mut R, range: Range<usize>) -> usize {
    rng.gen_range(range.start as u64..range.end as u64) as usize
}

/// `1.5 * 2^52`: adding it rounds a number below `2^51` in size to a whole number, which then
/// sits in the sum's low bits.
const ROUNDING: f64 = 6_755_399_441_055_744.0;

/// `ln 2` in two parts: the first with trailing zero bits, so that `k * LN2_HI` is exact for
/// the `k` of these functions.
const LN2_HI: f64 = 0.6931471803691238;
const LN2_LO: f64 = 1.9082149292705877e-10;

/// Below this, `e^x` (under `3.3e-308`, near the smallest normal number) is taken as 0, so that
/// `2^k` below is always a normal number.
const EXP_UNDERFLOW: f64 = -708.0;

/// `e^x` for `x <= 0`: 0 below -708, where the exact value is below `3.3e-308`; NaN for NaN
/// and for either infinity. Without a branch, so that a loop of it vectorises.
#[inline(always)]
pub fn exp_non_positive(x: f64) -> f64 {
    const P1: f64 = 0.16666666666666602;
    const P2: f64 = -0.0027777777777015593;
    const P3: f64 = 6.613756321437934e-05;
    const P4: f64 = -1.6533902205465252e-06;
    const P5: f64 = 4.1381367970572385e-08;
    // Above the underflow bound, so that 2^k below is a normal number; `x * 0` carries a NaN
    // (of x NaN or infinite) past `max`, which would drop it.
    let above = x.max(EXP_UNDERFLOW) + x * 0.0;
    // above = k ln 2 + r, |r| <= ln 2 / 2.
    let shifted = above * std::f64::consts::LOG2_E + ROUNDING;
    let k = shifted - ROUNDING;
    let hi = above - k * LN2_HI;
    let lo = k * LN2_LO;
    let r = hi - lo;
    // e^r = 1 + r + r c / (2 - c), c from a polynomial in r^2 (fdlibm's rational form).
    let t = r * r;
    let c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    // 2^k from its exponent bits: the low bits of `shifted` hold k.
    let k_plus_bias = shifted
        .to_bits()
        .wrapping_add(1023u64.wrapping_sub(ROUNDING.to_bits()));
    let scale = f64::from_bits(k_plus_bias << 52);
    // 0 below the bound; a NaN stays NaN.
    y * scale * f64::from(u8::from(x >= EXP_UNDERFLOW))
}

/// `ln x` for a normal positive `x` (the loss passes sums of at least 1); NaN and positive
/// infinity give themselves, and 0, negative and subnormal numbers are outside its domain.
#[inline(always)]
pub fn ln_normal(x: f64) -> f64 {
    const LG1: f64 = 0.6666666666666735;
    const LG2: f64 = 0.3999999999940942;
    const LG3: f64 = 0.2857142874366239;
    const LG4: f64 = 0.22222198432149784;
    const LG5: f64 = 0.1818357216161805;
    const LG6: f64 = 0.15313837699209373;
    const LG7: f64 = 0.14798198605116586;
    const MANTISSA: u64 = (1 << 52) - 1;
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let bits = x.to_bits();
    // x = m 2^e with m in [1, 2); then m in [sqrt(2)/2, sqrt(2)) by halving the large ones.
    let biased = f64::from_bits((bits >> 52) | TWO_52.to_bits()) - TWO_52;
    let m = f64::from_bits((bits & MANTISSA) | 1f64.to_bits());
    let large = m > std::f64::consts::SQRT_2;
    let m = if large { 0.5 * m } else { m };
    let e = biased - 1023.0 + if large { 1.0 } else { 0.0 };
    // ln(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)), s = f / (2 + f).
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let half_f2 = 0.5 * f * f;
    let ln = e * LN2_HI - ((half_f2 - (s * (half_f2 + t1 + t2) + e * LN2_LO)) - f);
    if x < f64::INFINITY { ln } else { x }
}

/// The sum of `values` as numpy's `np.sum` of float64 values computes it (its
/// `pairwise_sum`): fewer than 8 values added in order to 0; up to 128 in eight running sums
/// (value `i` into sum `i % 8`, each starting at its first value) added pairwise as
/// `((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))`, then the values past the last whole
/// eight added in order; more split in two, the first part the largest multiple of 8 not above
/// half, each summed so and the two sums added.
pub fn numpy_sum(values: &[f64]) -> f64 {
    let n = values.len();
    if n < 8 {
        values.iter().fold(0.0, |sum, &v| sum + v)
    } else if n <= 128 {
        let whole = n - n % 8;
        let mut sums = [0.0; 8];
        sums.copy_from_slice(&values[..8]);
        for eight in values[8..whole].chunks_exact(8) {
            for (sum, &v) in sums.iter_mut().zip(eight) {
                *sum += v;
            }
        }
        let s = sums;
        let pairs = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
        values[whole..].iter().fold(pairs, |sum, &v| sum + v)
    } else {
        let half = n / 2 - (n / 2) % 8;
        numpy_sum(&values[..half]) + numpy_sum(&values[half..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// numpy 2's `np.sum` of the first `m` of these values (Python's shortest round-trip
    /// decimals), for `m` of 5 (added in order), 100 (eight running sums), 300 and 1000
    /// (halves): adding in order gives other last bits for all but the first.
    #[test]
    fn sums_are_numpys() {
        let values: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1000 - 500) as f64 / 997.0 * 2f64.powi(i % 40 - 20))
            .collect();
        let numpy = [
            (5, 6.2768413884230815e-06),
            (100, 339410.1876496551),
            (300, 360843.6515976457),
            (1000, -473279.03711281664),
        ];
        for (m, expected) in numpy {
            let sum = numpy_sum(&values[..m]);
            assert_eq!(sum.to_bits(), f64::to_bits(expected), "{m} values");
            let in_order = values[..m].iter().sum::<f64>();
            assert_eq!(in_order == sum, m == 5, "{m} values");
        }
    }

    #[test]
    fn index_draws_are_a_64_bit_targets_usize_draws() {
        let mut a = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        #[cfg(target_pointer_width = "64")]
        let mut b = a.clone();
        for n in [1usize, 2, 3, 10, 1000, 1 << 20, usize::MAX / 3] {
            for start in [0, n / 2] {
                let drawn = index_in(&mut a, start..n);
                assert!((start..n).contains(&drawn), "{drawn} outside {start}..{n}");
                // On a 64-bit target (where CI runs) rand's own usize draw gives the same.
                #[cfg(target_pointer_width = "64")]
                assert_eq!(drawn, b.gen_range(start..n), "{start}..{n}");
            }
        }
    }

    /// The size of `got - want` in units of `want`'s last place.
    fn ulps(got: f64, want: f64) -> f64 {
        let ulp = f64::from_bits(want.abs().to_bits() + 1) - want.abs();
        (got - want).abs() / ulp
    }

    #[test]
    fn exp_is_within_one_ulp_of_the_exact_value() {
        let mut worst: f64 = 0.0;
        for i in 0..200_000 {
            let x = -708.0 * (i as f64 / 200_000.0).powi(3);
            // libm's e^x is itself within an ulp: 2 between the two bounds both errors.
            worst = worst.max(ulps(exp_non_positive(x), libm::exp(x)));
        }
        assert!(worst <= 1.0, "{worst} ulps");
        assert_eq!(exp_non_positive(0.0), 1.0);
        assert_eq!(exp_non_positive(-0.0), 1.0);
        // Up to the bound, e^x is a normal number and within an ulp; past it, 0.
        for i in 0..1000 {
            let x = -707.0 - i as f64 / 1000.0;
            worst = worst.max(ulps(exp_non_positive(x), libm::exp(x)));
        }
        assert!(worst <= 1.0, "{worst} ulps near the bound");
        assert!(exp_non_positive(-708.0) > 0.0);
        assert_eq!(exp_non_positive(-708.0001), 0.0);
        assert_eq!(exp_non_positive(-709.0), 0.0);
        assert_eq!(exp_non_positive(-1e300), 0.0);
        assert!(exp_non_positive(f64::NEG_INFINITY).is_nan());
        assert!(exp_non_positive(f64::NAN).is_nan());
    }

    #[test]
    fn ln_is_within_one_ulp_of_the_exact_value() {
        let mut worst: f64 = 0.0;
        for i in 0..200_000 {
            let x = 1.0 + 1e4 * (i as f64 / 200_000.0).powi(3);
            worst = worst.max(ulps(ln_normal(x), libm::log(x)));
        }
        // Across the normal numbers, a point per 1.02 factor.
        let mut x = f64::MIN_POSITIVE;
        while x < 1e307 {
            worst = worst.max(ulps(ln_normal(x), libm::log(x)));
            x *= 1.02;
        }
        use std::f64::consts::{FRAC_1_SQRT_2, SQRT_2};
        for x in [
            0.3,
            FRAC_1_SQRT_2,
            SQRT_2,
            SQRT_2 * (1.0 + f64::EPSILON),
            2.0,
            1e-300,
            1e300,
        ] {
            worst = worst.max(ulps(ln_normal(x), libm::log(x)));
        }
        assert!(worst <= 1.0, "{worst} ulps");
        assert_eq!(ln_normal(1.0), 0.0);
        assert_eq!(ln_normal(f64::INFINITY), f64::INFINITY);
        assert!(ln_normal(f64::NAN).is_nan());
    }
}
