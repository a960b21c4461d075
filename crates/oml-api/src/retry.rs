//! Exponential backoff with jitter.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The longest wait between two tries.
pub const MAX_DELAY: Duration = Duration::from_secs(60);

/// The wait after failed try number `tries` (from 1): `base * 2^(tries - 1)`, at most
/// [`MAX_DELAY`], scaled by `0.5 + 0.5 * unit` where `unit` in `[0, 1)` is the jitter, so that
/// clients that failed together do not retry together.
pub fn backoff_delay(base: Duration, tries: u32, unit: f64) -> Duration {
    let exponent = tries.saturating_sub(1).min(30);
    let full = base.saturating_mul(1 << exponent).min(MAX_DELAY);
    full.mul_f64(0.5 + 0.5 * unit.clamp(0.0, 1.0))
}

/// A source of jitter: SplitMix64 over a counter seeded from the clock. It decides only how
/// long to wait, never what is fetched.
#[derive(Debug)]
pub(crate) struct Jitter(AtomicU64);

impl Jitter {
    pub(crate) fn from_clock() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Jitter(AtomicU64::new(nanos))
    }

    /// The next number in `[0, 1)`.
    pub(crate) fn next_unit(&self) -> f64 {
        let mut z = self
            .0
            .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
            .wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap() {
        let base = Duration::from_millis(100);
        assert_eq!(backoff_delay(base, 1, 1.0), Duration::from_millis(100));
        assert_eq!(backoff_delay(base, 3, 1.0), Duration::from_millis(400));
        assert_eq!(backoff_delay(base, 3, 0.0), Duration::from_millis(200));
        assert_eq!(backoff_delay(base, 40, 1.0), MAX_DELAY);
        assert_eq!(backoff_delay(Duration::ZERO, 5, 0.7), Duration::ZERO);
    }

    #[test]
    fn jitter_is_a_unit_interval() {
        let jitter = Jitter::from_clock();
        let units: Vec<f64> = (0..1000).map(|_| jitter.next_unit()).collect();
        assert!(units.iter().all(|u| (0.0..1.0).contains(u)));
        assert!(units.windows(2).any(|w| w[0] != w[1]));
    }
}
