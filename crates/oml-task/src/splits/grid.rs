//! The shape of a task's units: every (repeat, fold) with samples from 0, at least those of
//! repeat 0, fold 0, which are run; a learning curve's later folds may have more, which are
//! kept apart (OpenML's EvaluationEngine counts samples per fold, openml-python runs the
//! samples of repeat 0, fold 0).

use super::{SplitUnit, Splits, describe, split_error};
use crate::Result;

impl Splits {
    /// Sorts `units` and checks their keys: every (repeat, fold) up to the largest ones has
    /// samples numbered from 0 without a gap, at least as many as repeat 0, fold 0, and no key
    /// is present twice. The samples of a fold beyond those of repeat 0, fold 0 become the
    /// extra units.
    pub(super) fn from_units(
        name: String,
        mut units: Vec<SplitUnit>,
        max_row: Option<(u32, Option<u64>)>,
    ) -> Result<Self> {
        if units.is_empty() {
            return Err(split_error(None, "there are no splits".into()));
        }
        units.sort_by_key(SplitUnit::key);
        let max = |f: fn(&SplitUnit) -> u32| u64::from(units.iter().map(f).max().unwrap_or(0)) + 1;
        let (n_repeats, n_folds) = (max(|u| u.repeat), max(|u| u.fold));
        let shape = |n_samples: u64| {
            format!(
                "(the splits have repeats 0..{n_repeats}, folds 0..{n_folds} and samples \
                 0..{n_samples}, so every combination must be present once)"
            )
        };
        // Before repeat 0, fold 0 is counted, the samples of a message are all the file's.
        let all_samples = max(|u| u.sample);
        // Far more (repeat, fold) pairs than units: some are missing (and the product could
        // overflow).
        let pairs = n_repeats.saturating_mul(n_folds);
        if pairs > 2 * units.len() as u64 + 1 {
            return Err(split_error(
                None,
                format!(
                    "{} splits cannot fill the grid {}",
                    units.len(),
                    shape(all_samples)
                ),
            ));
        }
        let mut grid = Vec::with_capacity(units.len());
        let mut extra = Vec::new();
        let mut n_samples: Option<u32> = None;
        let mut units = units.into_iter().peekable();
        for pair in 0..pairs {
            let (repeat, fold) = ((pair / n_folds) as u32, (pair % n_folds) as u32);
            let mut count = 0u32;
            while let Some(unit) = units.next_if(|u| (u.repeat, u.fold) == (repeat, fold)) {
                if unit.sample < count {
                    return Err(split_error(
                        None,
                        format!("{} appears twice", describe(unit.key())),
                    ));
                }
                if unit.sample > count {
                    return Err(split_error(
                        None,
                        format!(
                            "{} is missing, but sample {} is there; the samples of a fold run \
                             from 0 without a gap",
                            describe((repeat, fold, count)),
                            unit.sample
                        ),
                    ));
                }
                match n_samples {
                    Some(n) if count >= n => extra.push(unit),
                    _ => grid.push(unit),
                }
                count += 1;
            }
            if count == 0 {
                let samples = n_samples.map_or(all_samples, u64::from);
                return Err(split_error(
                    None,
                    format!(
                        "{} is missing {}",
                        describe((repeat, fold, 0)),
                        shape(samples)
                    ),
                ));
            }
            match n_samples {
                None => n_samples = Some(count),
                Some(n) if count < n => {
                    return Err(split_error(
                        None,
                        format!(
                            "repeat {repeat}, fold {fold} has {count} samples, fewer than the \
                             {n} of repeat 0, fold 0, which every fold must have"
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        debug_assert!(units.next().is_none(), "every key lies in the grid");
        Ok(Splits {
            name,
            units: grid,
            extra,
            n_repeats: n_repeats as u32,
            n_folds: n_folds as u32,
            n_samples: n_samples.unwrap_or(1),
            max_row,
            path: None,
        })
    }

    /// Per (repeat, fold), in order: its units that are run and its extra samples.
    pub(super) fn folds(&self) -> impl Iterator<Item = (&[SplitUnit], &[SplitUnit])> {
        let mut extra = self.extra.as_slice();
        self.units.chunks(self.n_samples as usize).map(move |run| {
            let key = (run[0].repeat, run[0].fold);
            let n = extra
                .iter()
                .take_while(|u| (u.repeat, u.fold) == key)
                .count();
            let (mine, rest) = extra.split_at(n);
            extra = rest;
            (run, mine)
        })
    }

    /// Every unit, extra samples included, ordered by (repeat, fold, sample).
    pub(super) fn all_units(&self) -> impl Iterator<Item = &SplitUnit> {
        self.folds()
            .flat_map(|(run, extra)| run.iter().chain(extra))
    }
}

#[cfg(test)]
mod tests {
    use crate::SplitUnit;

    use super::Splits;

    fn unit(repeat: u32, fold: u32, sample: u32) -> SplitUnit {
        SplitUnit {
            repeat,
            fold,
            sample,
            train: vec![fold + 1],
            test: vec![fold],
        }
    }

    /// Units of one repeat whose fold `f` has samples `0..samples[f]`.
    fn folds(samples: &[u32]) -> Vec<SplitUnit> {
        (0..)
            .zip(samples)
            .flat_map(|(fold, &n)| (0..n).map(move |sample| unit(0, fold, sample)))
            .collect()
    }

    fn error(units: Vec<SplitUnit>) -> String {
        Splits::new("s", units).unwrap_err().to_string()
    }

    #[test]
    fn later_folds_may_have_more_samples_which_are_kept_apart() {
        let splits = Splits::new("s", folds(&[1, 2, 3])).unwrap();
        assert_eq!(splits.n_samples(), 1);
        let keys = |units: &[SplitUnit]| -> Vec<_> { units.iter().map(|u| u.key()).collect() };
        assert_eq!(keys(splits.units()), [(0, 0, 0), (0, 1, 0), (0, 2, 0)]);
        assert_eq!(
            keys(splits.extra_units()),
            [(0, 1, 1), (0, 2, 1), (0, 2, 2)]
        );
        assert_eq!(splits.get(0, 2, 1), None);
        let all: Vec<_> = splits.all_units().map(|u| u.key()).collect();
        assert_eq!(all, keys(&folds(&[1, 2, 3])));
        // Written and read back, extra samples included.
        assert_eq!(Splits::from_arff(&splits.to_arff(), &[]).unwrap(), splits);
        // The extra samples are compared.
        let fewer = Splits::new("s", folds(&[1, 2, 2])).unwrap();
        assert_eq!(fewer.units(), splits.units());
        assert_ne!(fewer, splits);
    }

    #[test]
    fn a_fold_with_fewer_samples_than_fold_zero_is_refused() {
        assert_eq!(
            error(folds(&[2, 2, 1])),
            "repeat 0, fold 2 has 1 samples, fewer than the 2 of repeat 0, fold 0, which every \
             fold must have"
        );
        let mut units = folds(&[2, 2]);
        units.extend([unit(1, 0, 0), unit(1, 0, 1), unit(1, 1, 0)]);
        assert_eq!(
            error(units),
            "repeat 1, fold 1 has 1 samples, fewer than the 2 of repeat 0, fold 0, which every \
             fold must have"
        );
    }

    #[test]
    fn a_gap_in_the_samples_is_refused() {
        let mut units = folds(&[1, 1]);
        units.push(unit(0, 1, 2));
        assert_eq!(
            error(units),
            "repeat 0, fold 1, sample 1 is missing, but sample 2 is there; the samples of a \
             fold run from 0 without a gap"
        );
        assert_eq!(
            error(vec![unit(0, 0, 1)]),
            "repeat 0, fold 0, sample 0 is missing, but sample 1 is there; the samples of a \
             fold run from 0 without a gap"
        );
    }

    #[test]
    fn a_missing_fold_and_a_key_twice_are_refused() {
        let mut units = folds(&[2, 0, 2]);
        assert_eq!(
            error(units.clone()),
            "repeat 0, fold 1, sample 0 is missing (the splits have repeats 0..1, folds 0..3 \
             and samples 0..2, so every combination must be present once)"
        );
        units.push(unit(0, 0, 1));
        assert_eq!(error(units), "repeat 0, fold 0, sample 1 appears twice");
        let mut units = folds(&[1, 2]);
        units.push(unit(0, 1, 1));
        assert_eq!(error(units), "repeat 0, fold 1, sample 1 appears twice");
    }
}
