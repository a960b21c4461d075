//! [`SortedFeatures`]: every feature sorted once, shared by all trees fitted on the same records.

use std::sync::OnceLock;

use ndarray::{ArrayBase, Data, Ix2};

use crate::error::{Error, Result};

/// The rows of a design matrix sorted by each feature, once: the index a tree is grown from.
///
/// For each feature it gives the row indices in ascending order of the feature's value (ties in
/// row order, NaN last) and the values in that order. Fitting a tree copies the part it needs,
/// so one `SortedFeatures` serves every tree of a forest, whatever rows each tree samples. The
/// order of a column of few values is made from its codes only when first asked for: trees
/// that gather such a column by value do not ask.
#[derive(Debug, Clone)]
pub struct SortedFeatures {
    n_rows: usize,
    n_features: usize,
    /// The stored orders ([`Order::Stored`]), `n_rows` each: the rows in the order of a
    /// feature.
    rows: Vec<u32>,
    /// Those rows' values of the feature.
    values: Vec<f64>,
    /// The stored features' ranks by row, made when first asked for
    /// ([`ranks`](SortedFeatures::ranks)).
    ranks: OnceLock<Ranks>,
    /// Per feature, where its order is.
    order: Vec<Order>,
    /// Per feature, its values by row when it has few distinct ones ([`FewValues`]).
    few: Vec<Option<FewValues>>,
    /// The groups of indicator columns ([`IndicatorGroup`]), in feature order.
    groups: Vec<IndicatorGroup>,
    /// Per row, its code in each group (`groups.len()` codes a row).
    group_codes: Vec<u16>,
    /// Per feature, the index in `groups` of the group it belongs to.
    group_of: Vec<Option<usize>>,
}

/// The ranks of the stored features' values by row ([`SortedFeatures::ranks`]).
#[derive(Debug, Clone)]
struct Ranks {
    /// At the index of the row in its feature's stored order.
    by_row: Vec<u32>,
    /// Every stored feature's distinct values, ascending, one after another.
    values: Vec<f64>,
    /// Per stored feature, its range of `values`.
    value_ranges: Vec<(usize, usize)>,
}

impl Ranks {
    fn new(sorted: &SortedFeatures) -> Self {
        let n_rows = sorted.n_rows;
        let mut by_row = vec![0; sorted.rows.len()];
        let mut values = Vec::new();
        let mut value_ranges = Vec::new();
        for start in (0..sorted.rows.len()).step_by(n_rows.max(1)) {
            let from = values.len();
            let range = start..start + n_rows;
            let mut missing = Vec::new();
            for (&row, &value) in sorted.rows[range.clone()].iter().zip(&sorted.values[range]) {
                if value.is_nan() {
                    missing.push(row);
                    continue;
                }
                if values.len() == from || value != values[values.len() - 1] {
                    values.push(value);
                } else {
                    // The run's last value: 0 after -0.
                    *values.last_mut().expect("a value") = value;
                }
                by_row[start + row as usize] = (values.len() - from - 1) as u32;
            }
            for row in missing {
                by_row[start + row as usize] = (values.len() - from) as u32;
            }
            value_ranges.push((from, values.len()));
        }
        Ranks {
            by_row,
            values,
            value_ranges,
        }
    }
}

/// Where a feature's rows in ascending order of its values are.
#[derive(Debug, Clone)]
enum Order {
    /// At this index of [`SortedFeatures`]'s `rows` and `values`.
    Stored(usize),
    /// Made from the feature's codes ([`FewValues`]) when first asked for: a column of few
    /// values, each with one [`order_key`], so that the codes follow the keys' order (the
    /// missing code last) and each code's value is its key's; missing values are the standard
    /// NaN, as a sorted column's are. A classification tree with whole-number weights
    /// gathers such a column by code and does not ask, where it samples features
    /// (`max_features` below the number of features, a forest's default) or the column is in
    /// a one-hot group; never feature 0, nor a column only of missing values. So a wide
    /// one-hot table costs no sorted copy of its indicator columns.
    FromCodes(OnceLock<(Vec<u32>, Vec<f64>)>),
}

/// Two or more consecutive indicator columns (values 0 and 1) where each row has either no
/// missing value and at most one 1, or only missing values: the columns of a one-hot encoded
/// nominal feature. A member's values follow from the group's code of a row
/// ([`SortedFeatures::group_codes`]): the member that is 1 (from 0), `len` when every member
/// is 0, [`missing`](Self::missing) when every member is missing. So a classification tree
/// sums a node's rows once per group rather than once per member column.
#[derive(Debug, Clone)]
pub(crate) struct IndicatorGroup {
    /// The first member; the members are `first..first + len`.
    pub(crate) first: usize,
    pub(crate) len: usize,
}

impl IndicatorGroup {
    /// The code of a row whose members are all missing.
    pub(crate) fn missing(&self) -> usize {
        self.len + 1
    }
}

/// The most members a group has: codes are `u16`, with two for none and missing.
const MAX_GROUP: usize = u16::MAX as usize - 1;

/// The [`IndicatorGroup`]s of features with values `few` (of `n_rows` rows): the longest runs,
/// from left to right; and each row's code in every group, a row's codes together.
fn indicator_groups(few: &[Option<FewValues>], n_rows: usize) -> (Vec<IndicatorGroup>, Vec<u16>) {
    const NONE: u16 = u16::MAX - 1;
    const MISSING: u16 = u16::MAX;
    // An indicator's codes: 0 for 0, 1 for 1, 2 for missing.
    let indicator = |f: usize| {
        few.get(f)
            .and_then(Option::as_ref)
            .filter(|few| few.values == [0.0, 1.0])
            .map(|few| &few.codes)
    };
    let mut groups = Vec::new();
    // Per group, per row, its code.
    let mut group_columns: Vec<Vec<u16>> = Vec::new();
    let mut first = 0;
    while first < few.len() {
        let Some(column) = indicator(first) else {
            first += 1;
            continue;
        };
        let mut codes: Vec<u16> = column
            .iter()
            .map(|&c| [NONE, 0, MISSING][usize::from(c)])
            .collect();
        let mut len = 1;
        while len < MAX_GROUP {
            let Some(next) = indicator(first + len) else {
                break;
            };
            let fits = codes.iter().zip(next).all(|(&code, &c)| match c {
                2 => code == MISSING,
                1 => code == NONE,
                _ => code != MISSING,
            });
            if !fits {
                break;
            }
            for (code, &c) in codes.iter_mut().zip(next) {
                if c == 1 {
                    *code = len as u16;
                }
            }
            len += 1;
        }
        if len >= 2 {
            for code in &mut codes {
                if *code == NONE {
                    *code = len as u16;
                } else if *code == MISSING {
                    *code = len as u16 + 1;
                }
            }
            groups.push(IndicatorGroup { first, len });
            group_columns.push(codes);
        }
        first += len;
    }
    let mut group_codes = Vec::with_capacity(n_rows * groups.len());
    for row in 0..n_rows {
        group_codes.extend(group_columns.iter().map(|codes| codes[row]));
    }
    (groups, group_codes)
}

/// A column of at most [`FEW_LEVELS`] distinct values (a one-hot column has two), by row: what a
/// forest's trees gather by value at each node instead of keeping the column sorted.
#[derive(Debug, Clone)]
pub(crate) struct FewValues {
    /// The distinct non-missing values, ascending (-0 and 0 are one value, as a scan of the
    /// sorted column sees them).
    pub(crate) values: Vec<f64>,
    /// Per row, the index of its value in `values`, or `values.len()` for a missing value.
    pub(crate) codes: Vec<u8>,
}

impl FewValues {
    /// The distinct non-missing values of a column whose distinct [`order_key`]s, ascending,
    /// are `keys`, and the code of each key: its value's index, or the missing code.
    fn codes_of(keys: &[u64]) -> (Vec<f64>, Vec<u8>) {
        let mut values: Vec<f64> = keys
            .iter()
            .map(|&key| from_order_key(key))
            .filter(|v| !v.is_nan())
            .collect();
        values.dedup_by(|a, b| a == b);
        let missing = values.len() as u8;
        let codes = keys
            .iter()
            .map(|&key| {
                let v = from_order_key(key);
                values
                    .iter()
                    .position(|&l| l == v)
                    .map_or(missing, |code| code as u8)
            })
            .collect();
        (values, codes)
    }
}

impl SortedFeatures {
    /// Sorts every column of `records` (rows x features).
    ///
    /// Fails with [`Error::TooManyRows`] beyond `u32::MAX - 1` rows.
    pub fn new<D: Data<Elem = f64>>(records: &ArrayBase<D, Ix2>) -> Result<Self> {
        let (n_rows, n_features) = records.dim();
        if n_rows >= u32::MAX as usize {
            return Err(Error::TooManyRows {
                rows: n_rows,
                max: u32::MAX as usize - 1,
            });
        }
        // Each column's levels if it has few (finding them stops at the fifth distinct value),
        // first, so that there is room for the columns of many values, which are stored; the
        // rare few-valued column that is stored too grows it.
        let column_levels: Vec<Option<Vec<u64>>> = records
            .columns()
            .into_iter()
            .map(|column| {
                let mut levels = Vec::with_capacity(FEW_LEVELS);
                few_levels(column.iter().copied(), &mut levels).then_some(levels)
            })
            .collect();
        let stored = column_levels.iter().filter(|l| l.is_none()).count();
        let mut rows = Vec::with_capacity(stored * n_rows);
        let mut values = Vec::with_capacity(stored * n_rows);
        let mut order = Vec::with_capacity(n_features);
        let mut keys: Vec<u128> = Vec::with_capacity(n_rows);
        let mut few = Vec::with_capacity(n_features);
        for (column, levels) in records.columns().into_iter().zip(&column_levels) {
            if let Some(levels) = levels {
                let (few_values, level_codes) = FewValues::codes_of(levels);
                let mut codes = vec![0; n_rows];
                // Codes never decrease along the keys: one key per code where no two are
                // equal, and then a key's position is its code.
                if level_codes.windows(2).all(|w| w[0] != w[1]) {
                    for (code, &v) in codes.iter_mut().zip(column.iter()) {
                        let level = levels.iter().position(|&l| l == order_key(v));
                        *code = level.expect("a level of the column") as u8;
                    }
                    order.push(Order::FromCodes(OnceLock::new()));
                } else {
                    // -0 and 0 (one code, two keys): one pass per key in ascending order,
                    // rows in row order, as the sort below gives, each row's value as it is.
                    order.push(Order::Stored(rows.len()));
                    for (&level, &code) in levels.iter().zip(&level_codes) {
                        for (row, &v) in column.iter().enumerate() {
                            if order_key(v) == level {
                                rows.push(row as u32);
                                values.push(v);
                                codes[row] = code;
                            }
                        }
                    }
                }
                few.push(Some(FewValues {
                    values: few_values,
                    codes,
                }));
                continue;
            }
            few.push(None);
            order.push(Order::Stored(rows.len()));
            keys.clear();
            keys.extend(
                column
                    .iter()
                    .enumerate()
                    .map(|(row, &v)| (u128::from(order_key(v)) << 32) | row as u128),
            );
            keys.sort_unstable();
            for &key in &keys {
                rows.push(key as u32);
                values.push(from_order_key((key >> 32) as u64));
            }
        }
        let (groups, group_codes) = indicator_groups(&few, n_rows);
        let mut group_of = vec![None; n_features];
        for (g, group) in groups.iter().enumerate() {
            group_of[group.first..group.first + group.len].fill(Some(g));
        }
        Ok(SortedFeatures {
            n_rows,
            n_features,
            rows,
            values,
            ranks: OnceLock::new(),
            order,
            few,
            groups,
            group_codes,
            group_of,
        })
    }

    /// The number of rows of the records.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// The number of features of the records.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The rows in ascending order of feature `feature` (NaN last) and their values.
    ///
    /// # Panics
    ///
    /// If `feature` is not below [`n_features`](Self::n_features).
    pub fn feature(&self, feature: usize) -> (&[u32], &[f64]) {
        match &self.order[feature] {
            Order::Stored(start) => {
                let range = *start..start + self.n_rows;
                (&self.rows[range.clone()], &self.values[range])
            }
            Order::FromCodes(made) => {
                let (rows, values) = made.get_or_init(|| {
                    let few = self.few[feature].as_ref().expect("few values");
                    let mut rows = Vec::with_capacity(self.n_rows);
                    let mut values = Vec::with_capacity(self.n_rows);
                    for code in 0..=few.values.len() {
                        let value = few.values.get(code).copied().unwrap_or(f64::NAN);
                        for (row, &c) in few.codes.iter().enumerate() {
                            if usize::from(c) == code {
                                rows.push(row as u32);
                                values.push(value);
                            }
                        }
                    }
                    (rows, values)
                });
                (rows, values)
            }
        }
    }

    /// Feature `feature`'s rank by row (the index of its value among the feature's distinct
    /// values, -0 and 0 one value; a missing value's rank is their number) and those values,
    /// ascending, if its order is stored: for a tree that sorts a node's rows of the feature
    /// itself. Each value is the last of its run in the feature's order (0 after -0), as a scan
    /// of the order reads it.
    pub(crate) fn ranks(&self, feature: usize) -> Option<(&[u32], &[f64])> {
        let Order::Stored(start) = self.order[feature] else {
            return None;
        };
        let ranks = self.ranks.get_or_init(|| Ranks::new(self));
        let (from, to) = ranks.value_ranges[start / self.n_rows.max(1)];
        let by_row = &ranks.by_row[start..start + self.n_rows];
        Some((by_row, &ranks.values[from..to]))
    }

    /// Feature `feature`'s values by row, if it has few distinct ones.
    pub(crate) fn few_values(&self, feature: usize) -> Option<&FewValues> {
        self.few[feature].as_ref()
    }

    /// The indicator groups, in feature order.
    pub(crate) fn groups(&self) -> &[IndicatorGroup] {
        &self.groups
    }

    /// Per row, its code in each of the [`groups`](Self::groups), in their order: a row's
    /// codes lie together.
    pub(crate) fn group_codes(&self) -> &[u16] {
        &self.group_codes
    }

    /// The index in [`groups`](Self::groups) of the group feature `feature` belongs to.
    pub(crate) fn group_of(&self, feature: usize) -> Option<usize> {
        self.group_of[feature]
    }
}

/// The most distinct values a column may have to be bucketed instead of sorted.
pub(crate) const FEW_LEVELS: usize = 4;

/// Whether `column` has at most [`FEW_LEVELS`] distinct [`order_key`]s; if so, `levels` holds
/// them in ascending order.
fn few_levels(column: impl Iterator<Item = f64>, levels: &mut Vec<u64>) -> bool {
    levels.clear();
    for v in column {
        let key = order_key(v);
        if !levels.contains(&key) {
            if levels.len() == FEW_LEVELS {
                return false;
            }
            levels.push(key);
        }
    }
    levels.sort_unstable();
    true
}

/// A key whose unsigned order is the numeric order of `v`, NaN after everything.
fn order_key(v: f64) -> u64 {
    if v.is_nan() {
        u64::MAX
    } else {
        let bits = v.to_bits();
        if bits >> 63 == 1 {
            !bits
        } else {
            bits | 1 << 63
        }
    }
}

/// The value of an [`order_key`] (NaN for the NaN key).
fn from_order_key(key: u64) -> f64 {
    if key == u64::MAX {
        f64::NAN
    } else if key >> 63 == 1 {
        f64::from_bits(key & !(1 << 63))
    } else {
        f64::from_bits(!key)
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn sorts_each_feature_with_nan_last_and_ties_in_row_order() {
        let x = array![
            [3.0, 1.0],
            [f64::NAN, 1.0],
            [-2.0, 0.5],
            [3.0, -0.0],
            [0.0, f64::NAN]
        ];
        let sorted = SortedFeatures::new(&x).unwrap();
        let (rows, values) = sorted.feature(0);
        assert_eq!(rows, &[2, 4, 0, 3, 1]);
        assert_eq!(&values[..4], &[-2.0, 0.0, 3.0, 3.0]);
        assert!(values[4].is_nan());
        let (rows, _) = sorted.feature(1);
        assert_eq!(rows, &[3, 2, 0, 1, 4]);
    }

    /// Columns of few values are bucketed, not sorted, with the same order: ascending, ties
    /// in row order, NaN last; -0.0 before 0.0 as their keys order them. Where each value has
    /// one key, the order is made from the codes when first asked for; a column with -0.0 and
    /// 0.0 (one code, two keys) keeps each row's own value, so its order is stored.
    #[test]
    fn few_valued_columns_sort_as_the_others() {
        let nan = f64::NAN;
        let x = array![
            [1.0, 0.0, 1.0, 1.0],
            [0.0, nan, 5.0, nan],
            [1.0, 0.0, 2.0, 0.0],
            [0.0, -0.0, 4.0, 1.0],
            [1.0, 0.0, 3.0, 0.0],
            [0.0, 0.0, 0.0, nan]
        ];
        let sorted = SortedFeatures::new(&x).unwrap();
        let made_from_codes: Vec<bool> = sorted
            .order
            .iter()
            .map(|order| matches!(order, Order::FromCodes(_)))
            .collect();
        assert_eq!(made_from_codes, [true, false, false, true]);
        assert_eq!(sorted.feature(0).0, &[1, 3, 5, 0, 2, 4]);
        assert_eq!(sorted.feature(0).1, &[0.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
        assert_eq!(sorted.feature(1).0, &[3, 0, 2, 4, 5, 1]);
        assert!(sorted.feature(1).1[5].is_nan());
        assert_eq!(sorted.feature(1).1[0].to_bits(), (-0.0f64).to_bits());
        assert_eq!(sorted.feature(2).0, &[5, 0, 2, 4, 3, 1]);
        let (rows, values) = sorted.feature(3);
        assert_eq!(rows, &[2, 4, 0, 3, 1, 5]);
        assert_eq!(&values[..4], &[0.0, 0.0, 1.0, 1.0]);
        assert!(values[4].is_nan() && values[5].is_nan());
        // Made once: the same slices again.
        assert!(std::ptr::eq(sorted.feature(3).0, rows));
    }

    /// A stored column's ranks by row: equal values (-0 and 0 alike) one rank, missing values
    /// the rank after the last, each rank's value the last of its run in the order (0 after
    /// -0); a column whose order is made from codes has none.
    #[test]
    fn ranks_number_the_distinct_values_by_row() {
        let nan = f64::NAN;
        let x = array![
            [3.0, 1.0],
            [nan, 0.0],
            [-2.0, 0.0],
            [3.0, 1.0],
            [0.0, 1.0],
            [-0.0, 0.0],
            [7.5, 0.0]
        ];
        let sorted = SortedFeatures::new(&x).unwrap();
        let (ranks, values) = sorted.ranks(0).unwrap();
        assert_eq!(ranks, &[2, 4, 0, 2, 1, 1, 3]);
        assert_eq!(values, &[-2.0, 0.0, 3.0, 7.5]);
        assert_eq!(values[1].to_bits(), 0.0f64.to_bits());
        assert!(sorted.ranks(1).is_none());
    }

    /// Runs of indicator columns with at most one 1 per row, and missing values only in whole
    /// rows, are grouped; a column that breaks a run starts the next one.
    #[test]
    fn one_hot_columns_are_grouped() {
        let nan = f64::NAN;
        let x = array![
            // a b c | d e | numeric | f g (g repeats f's 1: not one group)
            [1.0, 0.0, 0.0, 0.0, 1.0, 0.5, 1.0, 1.0],
            [0.0, 0.0, 1.0, 1.0, 0.0, 0.7, 0.0, 0.0],
            [nan, nan, nan, 0.0, 0.0, 0.1, 0.0, 1.0],
            [0.0, 1.0, 0.0, nan, nan, 0.2, 1.0, 0.0],
            [0.0, 0.0, 0.0, 1.0, 0.0, 0.3, 0.0, 0.0],
            [0.0, 1.0, -0.0, 0.0, 1.0, 0.9, 0.0, 0.0],
        ];
        let sorted = SortedFeatures::new(&x).unwrap();
        let groups = sorted.groups();
        assert_eq!(groups.len(), 2, "{groups:?}");
        // c joins a and b; d cannot (row 1 has c = 1 and d = 1): d starts a group with e.
        assert_eq!((groups[0].first, groups[0].len), (0, 3));
        assert_eq!((groups[1].first, groups[1].len), (3, 2));
        // Each row's codes together: group 0's [0, 2, 4, 1, 3, 1], group 1's [1, 0, 2, 3, 0, 1].
        assert_eq!(sorted.group_codes(), [0, 1, 2, 0, 4, 2, 1, 3, 3, 0, 1, 1]);
        let group_of: Vec<Option<usize>> = (0..8).map(|f| sorted.group_of(f)).collect();
        assert_eq!(
            group_of,
            [
                Some(0),
                Some(0),
                Some(0),
                Some(1),
                Some(1),
                None,
                None,
                None
            ]
        );
    }

    #[test]
    fn order_key_is_monotone() {
        let values = [
            f64::NEG_INFINITY,
            -3.5,
            -1e-300,
            -0.0,
            1e-300,
            2.0,
            f64::INFINITY,
        ];
        for w in values.windows(2) {
            assert!(order_key(w[0]) < order_key(w[1]), "{} < {}", w[0], w[1]);
        }
        for v in values {
            assert_eq!(from_order_key(order_key(v)).to_bits(), v.to_bits());
        }
        assert!(from_order_key(order_key(f64::NAN)).is_nan());
        assert!(order_key(f64::INFINITY) < order_key(f64::NAN));
    }
}
