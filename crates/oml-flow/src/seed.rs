//! Seeds for randomised flows, derived from what identifies a unit, never from scheduling.

/// The seed of the fit of unit (`repeat`, `fold`, `sample`) in a run seeded with `run_seed`.
///
/// A SplitMix64 finaliser over the four numbers, so that neighbouring units get unrelated
/// seeds and the value depends on nothing else: the same on every machine and thread count.
pub fn unit_seed(run_seed: u64, repeat: u32, fold: u32, sample: u32) -> u64 {
    let mut state = mix(run_seed ^ 0x6f6d_6c2d_666c_6f77);
    for part in [repeat, fold, sample] {
        state = mix(state ^ u64::from(part));
    }
    state
}

fn mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn seeds_are_fixed_and_distinct_per_unit() {
        // Pinned: changing the derivation changes every published run's predictions.
        assert_eq!(unit_seed(0, 0, 0, 0), unit_seed(0, 0, 0, 0));
        assert_eq!(unit_seed(0, 0, 0, 0), 0x714d_f6f6_5541_244e);
        let mut seen = HashSet::new();
        for seed in 0..3 {
            for repeat in 0..5 {
                for fold in 0..10 {
                    for sample in 0..4 {
                        assert!(seen.insert(unit_seed(seed, repeat, fold, sample)));
                    }
                }
            }
        }
    }
}
