//! Train/test splits: OpenML's `datasplits.arff`, read, checked and written.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use oml_data::arff::{Arff, Attribute, AttributeKind, Column, MISSING_CODE};
use oml_data::{ArffReader, ArffWriter};

use crate::{Error, Result};

mod checks;
mod grid;

/// The train and test rows of one (repeat, fold, sample).
///
/// Row ids are 0-based positions of rows in the dataset file. Their order is the order of the
/// split file (or of the generator), which decides the order of predictions, so it is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitUnit {
    /// The repeat, from 0.
    pub repeat: u32,
    /// The fold, from 0.
    pub fold: u32,
    /// The learning-curve sample, from 0; always 0 for other tasks.
    pub sample: u32,
    /// The rows to train on.
    pub train: Vec<u32>,
    /// The rows to predict.
    pub test: Vec<u32>,
}

impl SplitUnit {
    fn key(&self) -> (u32, u32, u32) {
        (self.repeat, self.fold, self.sample)
    }
}

/// All splits of a task, ordered by (repeat, fold, sample).
///
/// Every (repeat, fold) of `0..n_repeats × 0..n_folds` has samples numbered from 0 without a
/// gap, at least as many as repeat 0, fold 0 has ([`Splits::n_samples`]), and no row is in
/// both the train and the test set of one unit. [`Splits::units`] is the complete grid
/// `0..n_repeats × 0..n_folds × 0..n_samples`: the units that are run, as openml-python runs
/// them (it takes its split dimensions from repeat 0, fold 0). Whether the row ids fit a
/// dataset is checked by [`Splits::validate`], which needs the dataset's row count.
///
/// A learning curve's later folds may have more samples than repeat 0, fold 0: OpenML's
/// EvaluationEngine counts the samples of each fold from that fold's training size, and a fold
/// that trains on one row more can reach one sample more. These extra samples
/// ([`Splits::extra_units`]) are kept and written back, and their rows are checked as the
/// others are, but they are not run. [`Splits::check_procedure`] refuses them for any other
/// task type.
///
/// Two `Splits` are equal when their names and units (the extra samples included) are; where
/// they were read from is not compared.
#[derive(Debug, Clone)]
pub struct Splits {
    name: String,
    /// The grid `0..n_repeats × 0..n_folds × 0..n_samples`, in key order.
    units: Vec<SplitUnit>,
    /// The samples of a fold beyond `n_samples`, in key order.
    extra: Vec<SplitUnit>,
    n_repeats: u32,
    n_folds: u32,
    n_samples: u32,
    /// The largest row id and the line of its first occurrence in the file, when read from one.
    max_row: Option<(u32, Option<u64>)>,
    /// The split file, when read from one.
    path: Option<PathBuf>,
}

impl PartialEq for Splits {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.units == other.units && self.extra == other.extra
    }
}

impl Eq for Splits {}

impl Splits {
    /// Splits named `name` (the ARFF relation) made of `units`, sorted by (repeat, fold,
    /// sample).
    ///
    /// Fails when there are no units, when a key is present twice, when a (repeat, fold) is
    /// missing, has a gap in its samples or fewer samples than repeat 0, fold 0, or when a row
    /// is in both the train and the test set of one unit (unless the two sets are equal:
    /// OpenML's test-on-training-data procedure). Samples beyond those of repeat 0, fold 0
    /// become [`Splits::extra_units`].
    pub fn new(name: impl Into<String>, units: Vec<SplitUnit>) -> Result<Self> {
        let mut seen = HashMap::new();
        for unit in &units {
            seen.clear();
            for &row in &unit.train {
                seen.insert(row, ());
            }
            if let Some(&row) = unit.test.iter().find(|row| seen.contains_key(row))
                && !same_rows(unit.train.iter().copied(), unit.test.iter().copied())
            {
                return Err(split_error(
                    None,
                    format!(
                        "row id {row} is in both TRAIN and TEST of {}",
                        describe(unit.key())
                    ),
                ));
            }
        }
        let max_row = units
            .iter()
            .flat_map(|u| u.train.iter().chain(&u.test))
            .max()
            .map(|&row| (row, None));
        Self::from_units(name.into(), units, max_row)
    }

    /// Reads OpenML's `datasplits.arff` at `path`.
    ///
    /// Columns are looked up by name, as openml-python does: `type` (`TRAIN` or `TEST`),
    /// `rowid`, `repeat`, `fold` and, when present, `sample` (otherwise 0). The numbers of
    /// repeats, folds and samples are those of the file, the samples those of repeat 0, fold 0
    /// (see [`Splits`] for folds with more). Errors name the file and, when one row is to
    /// blame, its line.
    pub fn read_path(path: &Path) -> Result<Self> {
        let (arff, lines) = ArffReader::new().read_path_with_lines(path)?;
        let mut splits = Self::from_arff(&arff, &lines).map_err(|e| e.with_path(path))?;
        splits.path = Some(path.to_path_buf());
        Ok(splits)
    }

    /// Splits from a split file already read; `row_lines` holds the line (from 1) of each data
    /// row, as [`ArffReader::read_with_lines`] gives them, or is empty when unknown.
    ///
    /// The name is the ARFF relation. See [`Splits::read_path`] for the columns.
    pub fn from_arff(arff: &Arff, row_lines: &[u64]) -> Result<Self> {
        let line = |row: usize| row_lines.get(row).copied();
        let kinds = type_column(arff)?;
        let rowid = numeric_column(arff, "rowid")?;
        let repeat = numeric_column(arff, "repeat")?;
        let fold = numeric_column(arff, "fold")?;
        let sample = match arff.attribute_index("sample") {
            Some(_) => Some(numeric_column(arff, "sample")?),
            None => None,
        };
        let n = arff.n_rows();
        if n == 0 {
            return Err(split_error(None, "the split file has no data rows".into()));
        }

        // Rows are grouped by key in file order; each entry keeps its data row for the line.
        let mut index: HashMap<(u32, u32, u32), usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut max_row: Option<(u32, usize)> = None;
        for i in 0..n {
            let at = |message: String| split_error(line(i), message);
            let is_test = match kinds.at(i) {
                Some(TypeValue::Train) => false,
                Some(TypeValue::Test) => true,
                Some(TypeValue::Other(value)) => {
                    return Err(at(format!("type `{value}` is neither TRAIN nor TEST")));
                }
                None => return Err(at("missing type".into())),
            };
            let row = integer(rowid[i], "rowid").map_err(at)?;
            let key = (
                integer(repeat[i], "repeat").map_err(at)?,
                integer(fold[i], "fold").map_err(at)?,
                match sample {
                    Some(sample) => integer(sample[i], "sample").map_err(at)?,
                    None => 0,
                },
            );
            let g = *index.entry(key).or_insert_with(|| {
                groups.push(Group {
                    key,
                    ..Group::default()
                });
                groups.len() - 1
            });
            let list = if is_test {
                &mut groups[g].test
            } else {
                &mut groups[g].train
            };
            list.push((row, i));
            if max_row.is_none_or(|(max, _)| row > max) {
                max_row = Some((row, i));
            }
        }

        // Per unit: no row twice in one set, and none in both sets unless the sets are equal
        // (OpenML's test-on-training-data procedure puts every row in both).
        let mut first_train: HashMap<u32, usize> = HashMap::new();
        let mut first_test: HashMap<u32, usize> = HashMap::new();
        let both_lines = |i: usize, j: usize| {
            let (earlier, later) = (i.min(j), i.max(j));
            let earlier = match line(earlier) {
                Some(l) => format!(" (also at line {l})"),
                None => String::new(),
            };
            (line(later), earlier)
        };
        for group in &groups {
            for (set, name, first) in [
                (&group.train, "TRAIN", &mut first_train),
                (&group.test, "TEST", &mut first_test),
            ] {
                first.clear();
                for &(row, i) in set {
                    if let Some(&j) = first.get(&row) {
                        let (at, earlier) = both_lines(i, j);
                        return Err(split_error(
                            at,
                            format!(
                                "row id {row} is twice in {name} of {}{earlier}",
                                describe(group.key)
                            ),
                        ));
                    }
                    first.insert(row, i);
                }
            }
            if same_rows(
                group.train.iter().map(|p| p.0),
                group.test.iter().map(|p| p.0),
            ) {
                continue;
            }
            for &(row, i) in &group.test {
                if let Some(&j) = first_train.get(&row) {
                    let (at, earlier) = both_lines(i, j);
                    return Err(split_error(
                        at,
                        format!(
                            "row id {row} is in both TRAIN and TEST of {}{earlier}",
                            describe(group.key)
                        ),
                    ));
                }
            }
        }

        let units = groups
            .into_iter()
            .map(|g| SplitUnit {
                repeat: g.key.0,
                fold: g.key.1,
                sample: g.key.2,
                train: g.train.into_iter().map(|(row, _)| row).collect(),
                test: g.test.into_iter().map(|(row, _)| row).collect(),
            })
            .collect();
        let max_row = max_row.map(|(row, i)| (row, line(i)));
        Self::from_units(arff.relation.clone(), units, max_row)
    }

    /// The name: the ARFF relation, e.g. `dataset_1_anneal_splits`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The units that are run: every (repeat, fold) with samples `0..n_samples`, ordered by
    /// (repeat, fold, sample).
    pub fn units(&self) -> &[SplitUnit] {
        &self.units
    }

    /// The samples of a learning curve's folds beyond [`Splits::n_samples`], ordered by
    /// (repeat, fold, sample); empty unless a fold has more samples than repeat 0, fold 0.
    /// Their rows are checked as the others are, and [`Splits::to_arff`] writes them, but they
    /// are not run.
    pub fn extra_units(&self) -> &[SplitUnit] {
        &self.extra
    }

    /// The number of repeats.
    pub fn n_repeats(&self) -> u32 {
        self.n_repeats
    }

    /// The number of folds of each repeat.
    pub fn n_folds(&self) -> u32 {
        self.n_folds
    }

    /// The number of learning-curve samples of repeat 0, fold 0, which every fold has and
    /// which are run; 1 for other tasks. A later fold may have more
    /// ([`Splits::extra_units`]).
    pub fn n_samples(&self) -> u32 {
        self.n_samples
    }

    /// The unit of (`repeat`, `fold`, `sample`) among [`Splits::units`], if there is one (an
    /// extra sample is not).
    pub fn get(&self, repeat: u32, fold: u32, sample: u32) -> Option<&SplitUnit> {
        if repeat >= self.n_repeats || fold >= self.n_folds || sample >= self.n_samples {
            return None;
        }
        let (f, s) = (self.n_folds as usize, self.n_samples as usize);
        self.units
            .get((repeat as usize * f + fold as usize) * s + sample as usize)
    }

    /// Checks the splits against a dataset of `n_rows` rows: every row id must be below
    /// `n_rows` (the error names the largest row id and, for splits read from a file, the line
    /// of its first occurrence), and every unit, extra samples included, must have training
    /// and test rows (and the samples of a learning curve the same test rows). When
    /// `partition` is true (cross-validation, leave-one-out, learning curves), the test sets
    /// of sample 0 of each repeat must also cover `0..n_rows` exactly once; the error names the
    /// repeat and a row that is never tested or tested twice.
    pub fn validate(&self, n_rows: usize, partition: bool) -> Result<()> {
        if let Some((max, line)) = self.max_row
            && max as usize >= n_rows
        {
            let unit = self
                .all_units()
                .find(|u| u.train.contains(&max) || u.test.contains(&max))
                .map(|u| describe(u.key()))
                .unwrap_or_default();
            return Err(Error::Splits {
                path: self.path.clone(),
                line,
                message: format!(
                    "row id {max} (in {unit}) is out of range: the dataset has {n_rows} rows"
                ),
            });
        }
        self.check_units()?;
        if !partition {
            return Ok(());
        }
        const UNSEEN: u32 = u32::MAX;
        let mut tested_in = vec![UNSEEN; n_rows];
        for repeat in 0..self.n_repeats {
            tested_in.fill(UNSEEN);
            for fold in 0..self.n_folds {
                let unit = self.get(repeat, fold, 0).expect("the grid is complete");
                for &row in &unit.test {
                    let slot = &mut tested_in[row as usize];
                    if *slot != UNSEEN {
                        return Err(Error::Splits {
                            path: self.path.clone(),
                            line: None,
                            message: format!(
                                "repeat {repeat}: row id {row} is tested in fold {} and again \
                                 in fold {fold}; the test folds must partition the {n_rows} rows",
                                *slot
                            ),
                        });
                    }
                    *slot = fold;
                }
            }
            if let Some(row) = tested_in.iter().position(|&f| f == UNSEEN) {
                return Err(Error::Splits {
                    path: self.path.clone(),
                    line: None,
                    message: format!(
                        "repeat {repeat}: row id {row} is in no test fold; the test folds must \
                         partition the {n_rows} rows"
                    ),
                });
            }
        }
        Ok(())
    }

    /// The splits in OpenML's format: relation `name`, attributes `type {TRAIN,TEST}`,
    /// `rowid`, `repeat`, `fold` (numeric) and, only when a fold has more than one sample,
    /// `sample`; per unit, extra samples included and in (repeat, fold, sample) order, all
    /// TRAIN rows then all TEST rows, in stored order.
    ///
    /// The `sample` column is left out when every sample is 0, which reads back as the same
    /// splits. (OpenML writes it for every learning-curve task, even with one sample; whether
    /// predictions carry a `sample` column is decided by the task type, not by this file.)
    pub fn to_arff(&self) -> Arff {
        let with_sample = self.n_samples > 1 || !self.extra.is_empty();
        let total: usize = self.all_units().map(|u| u.train.len() + u.test.len()).sum();
        let mut kind = Vec::with_capacity(total);
        let mut rowid = Vec::with_capacity(total);
        let mut repeat = Vec::with_capacity(total);
        let mut fold = Vec::with_capacity(total);
        let mut sample = Vec::with_capacity(if with_sample { total } else { 0 });
        for unit in self.all_units() {
            for (code, rows) in [(0, &unit.train), (1, &unit.test)] {
                for &row in rows {
                    kind.push(code);
                    rowid.push(f64::from(row));
                    repeat.push(f64::from(unit.repeat));
                    fold.push(f64::from(unit.fold));
                    if with_sample {
                        sample.push(f64::from(unit.sample));
                    }
                }
            }
        }
        let numeric = |name: &str| Attribute {
            name: name.into(),
            kind: AttributeKind::Numeric,
        };
        let mut attributes = vec![
            Attribute {
                name: "type".into(),
                kind: AttributeKind::Nominal(vec!["TRAIN".into(), "TEST".into()]),
            },
            numeric("rowid"),
            numeric("repeat"),
            numeric("fold"),
        ];
        let mut columns = vec![
            Column::Nominal(kind),
            Column::Numeric(rowid),
            Column::Numeric(repeat),
            Column::Numeric(fold),
        ];
        if with_sample {
            attributes.push(numeric("sample"));
            columns.push(Column::Numeric(sample));
        }
        Arff {
            relation: self.name.clone(),
            description: Vec::new(),
            attributes,
            columns,
        }
    }

    /// Writes [`Splits::to_arff`] to `path` atomically (temporary file, then rename).
    pub fn write_path(&self, path: &Path) -> Result<()> {
        ArffWriter::new().write_path(&self.to_arff(), path)?;
        Ok(())
    }
}

/// The rows of one key while a file is read: (row id, data row) in file order.
#[derive(Default)]
struct Group {
    key: (u32, u32, u32),
    train: Vec<(u32, usize)>,
    test: Vec<(u32, usize)>,
}

enum TypeValue<'a> {
    Train,
    Test,
    Other(&'a str),
}

/// The `type` column, nominal (as OpenML writes it) or string.
enum TypeColumn<'a> {
    Nominal(&'a [u32], &'a [String]),
    String(&'a [Option<String>]),
}

impl TypeColumn<'_> {
    fn at(&self, row: usize) -> Option<TypeValue<'_>> {
        let value = match self {
            TypeColumn::Nominal(codes, names) => match codes[row] {
                MISSING_CODE => return None,
                code => names[code as usize].as_str(),
            },
            TypeColumn::String(values) => values[row].as_deref()?,
        };
        Some(match value {
            "TRAIN" => TypeValue::Train,
            "TEST" => TypeValue::Test,
            other => TypeValue::Other(other),
        })
    }
}

fn type_column(arff: &Arff) -> Result<TypeColumn<'_>> {
    let j = column_index(arff, "type")?;
    match (&arff.columns[j], &arff.attributes[j].kind) {
        (Column::Nominal(codes), AttributeKind::Nominal(names)) => {
            Ok(TypeColumn::Nominal(codes, names))
        }
        (Column::String(values), _) => Ok(TypeColumn::String(values)),
        _ => Err(split_error(
            None,
            "attribute `type` must be nominal {TRAIN,TEST}".into(),
        )),
    }
}

fn numeric_column<'a>(arff: &'a Arff, name: &str) -> Result<&'a [f64]> {
    let j = column_index(arff, name)?;
    match &arff.columns[j] {
        Column::Numeric(values) => Ok(values),
        _ => Err(split_error(
            None,
            format!("attribute `{name}` must be numeric"),
        )),
    }
}

fn column_index(arff: &Arff, name: &str) -> Result<usize> {
    arff.attribute_index(name).ok_or_else(|| {
        split_error(
            None,
            format!(
                "no `{name}` attribute; a split file has type, rowid, repeat, fold and \
                 optionally sample"
            ),
        )
    })
}

/// `value` as a non-negative integer key or row id.
fn integer(value: f64, what: &str) -> std::result::Result<u32, String> {
    if value.is_nan() {
        Err(format!("missing {what}"))
    } else if value < 0.0 {
        Err(format!("negative {what} {value}"))
    } else if value.fract() != 0.0 {
        Err(format!("{what} {value} is not an integer"))
    } else if value > f64::from(u32::MAX) {
        Err(format!("{what} {value} is too large"))
    } else {
        Ok(value as u32)
    }
}

fn describe((repeat, fold, sample): (u32, u32, u32)) -> String {
    format!("repeat {repeat}, fold {fold}, sample {sample}")
}

fn split_error(line: Option<u64>, message: String) -> Error {
    Error::Splits {
        path: None,
        line,
        message,
    }
}

/// Whether two lists hold the same rows (in any order), as a test-on-training-data unit does.
fn same_rows(a: impl ExactSizeIterator<Item = u32>, b: impl ExactSizeIterator<Item = u32>) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a, mut b): (Vec<u32>, Vec<u32>) = (a.collect(), b.collect());
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(repeat: u32, fold: u32, train: &[u32], test: &[u32]) -> SplitUnit {
        SplitUnit {
            repeat,
            fold,
            sample: 0,
            train: train.to_vec(),
            test: test.to_vec(),
        }
    }

    fn check_err(text: &str, expected: &str) {
        let (arff, lines) = ArffReader::new().read_with_lines(text.as_bytes()).unwrap();
        let err = Splits::from_arff(&arff, &lines).unwrap_err().to_string();
        assert_eq!(err, expected);
    }

    const HEADER: &str = "@relation t_splits\n@attribute type {TRAIN,TEST}\n@attribute rowid numeric\n@attribute repeat numeric\n@attribute fold numeric\n@data\n";

    #[test]
    fn new_sorts_and_counts() {
        let splits = Splits::new(
            "s",
            vec![unit(0, 1, &[0, 1], &[3, 2]), unit(0, 0, &[3, 2], &[1, 0])],
        )
        .unwrap();
        assert_eq!(
            (splits.n_repeats(), splits.n_folds(), splits.n_samples()),
            (1, 2, 1)
        );
        assert_eq!(splits.units()[0].fold, 0);
        assert_eq!(splits.get(0, 1, 0).unwrap().test, [3, 2]);
        assert_eq!(splits.get(0, 2, 0), None);
        assert_eq!(splits.get(1, 0, 0), None);
        splits.validate(4, true).unwrap();
    }

    #[test]
    fn new_rejects_incomplete_or_duplicate_grids() {
        let err = Splits::new("s", vec![unit(0, 1, &[0], &[1])]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("repeat 0, fold 0, sample 0 is missing"),
            "{err}"
        );
        let err =
            Splits::new("s", vec![unit(0, 0, &[0], &[1]), unit(0, 0, &[1], &[0])]).unwrap_err();
        assert_eq!(err.to_string(), "repeat 0, fold 0, sample 0 appears twice");
        let err = Splits::new("s", vec![unit(0, 0, &[0, 1], &[1])]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "row id 1 is in both TRAIN and TEST of repeat 0, fold 0, sample 0"
        );
        assert!(Splits::new("s", vec![]).is_err());
    }

    #[test]
    fn reads_in_file_order_and_defaults_sample_to_zero() {
        let text = format!("{HEADER}TRAIN,3,0,0\nTRAIN,1,0,0\nTEST,2,0,0\nTEST,0,0,0\n");
        let arff = Arff::from_bytes(text.as_bytes()).unwrap();
        let splits = Splits::from_arff(&arff, &[]).unwrap();
        assert_eq!(splits.name(), "t_splits");
        assert_eq!(splits.units(), [unit(0, 0, &[3, 1], &[2, 0])]);
        assert_eq!(Splits::from_arff(&splits.to_arff(), &[]).unwrap(), splits);
    }

    #[test]
    fn bad_rows_name_their_line() {
        check_err(
            &format!("{HEADER}TRAIN,1,0,0\nTEST,1.5,0,0\n"),
            "line 8: rowid 1.5 is not an integer",
        );
        check_err(
            &format!("{HEADER}TRAIN,1,0,0\nTEST,0,-1,0\n"),
            "line 8: negative repeat -1",
        );
        check_err(&format!("{HEADER}TRAIN,1,0,?\n"), "line 7: missing fold");
        check_err(
            &format!("{HEADER}TRAIN,1,0,0\nTEST,0,0,0\nTEST,1,0,0\n"),
            "line 9: row id 1 is in both TRAIN and TEST of repeat 0, fold 0, sample 0 (also at line 7)",
        );
        check_err(
            "@relation t\n@attribute type {TRAIN,TEST,OTHER}\n@attribute rowid numeric\n@attribute repeat numeric\n@attribute fold numeric\n@data\nTRAIN,0,0,0\nOTHER,1,0,0\n",
            "line 8: type `OTHER` is neither TRAIN nor TEST",
        );
        check_err(
            "@relation t\n@attribute type {TRAIN,TEST}\n@attribute rowid numeric\n@attribute repeat numeric\n@data\nTRAIN,0,0\n",
            "no `fold` attribute; a split file has type, rowid, repeat, fold and optionally sample",
        );
    }

    #[test]
    fn validate_names_the_line_of_an_out_of_range_row() {
        let text =
            format!("{HEADER}TRAIN,1,0,0\nTRAIN,4,0,0\nTEST,0,0,0\nTEST,4,1,0\nTRAIN,1,1,0\n");
        let (arff, lines) = ArffReader::new().read_with_lines(text.as_bytes()).unwrap();
        let splits = Splits::from_arff(&arff, &lines).unwrap();
        let err = splits.validate(4, false).unwrap_err().to_string();
        assert_eq!(
            err,
            "line 8: row id 4 (in repeat 0, fold 0, sample 0) is out of range: the dataset has 4 rows"
        );
        splits.validate(5, false).unwrap();
    }

    #[test]
    fn validate_checks_the_partition() {
        let twice = Splits::new(
            "s",
            vec![unit(0, 0, &[2], &[0, 1]), unit(0, 1, &[0], &[1, 2])],
        )
        .unwrap();
        assert_eq!(
            twice.validate(3, true).unwrap_err().to_string(),
            "repeat 0: row id 1 is tested in fold 0 and again in fold 1; the test folds must partition the 3 rows"
        );
        twice.validate(3, false).unwrap();
        let missing = Splits::new(
            "s",
            vec![
                unit(0, 0, &[1], &[0]),
                unit(0, 1, &[0], &[1]),
                unit(1, 0, &[1], &[0]),
                unit(1, 1, &[0, 2], &[1]),
            ],
        )
        .unwrap();
        assert_eq!(
            missing.validate(3, true).unwrap_err().to_string(),
            "repeat 0: row id 2 is in no test fold; the test folds must partition the 3 rows"
        );
    }

    #[test]
    fn sample_column_only_with_several_samples() {
        let one = Splits::new("s", vec![unit(0, 0, &[1], &[0])]).unwrap();
        assert_eq!(one.to_arff().attributes.len(), 4);
        let mut a = unit(0, 0, &[1], &[0]);
        let mut b = unit(0, 0, &[1, 2], &[0]);
        (a.sample, b.sample) = (0, 1);
        let two = Splits::new("s", vec![b, a]).unwrap();
        let arff = two.to_arff();
        assert_eq!(arff.attributes[4].name, "sample");
        let text = String::from_utf8(arff.to_bytes().unwrap()).unwrap();
        assert!(
            text.ends_with(
                "@DATA\nTRAIN,1,0,0,0\nTEST,0,0,0,0\nTRAIN,1,0,0,1\nTRAIN,2,0,0,1\nTEST,0,0,0,1\n"
            ),
            "{text}"
        );
        assert_eq!(Splits::from_arff(&arff, &[]).unwrap(), two);
    }
}
