//! Synthetic classification datasets: numeric and nominal features, missing values and a
//! learnable target, all from one seed. For benchmarks, examples and tests that need a dataset
//! of a given shape without a download.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::arff::{Arff, Attribute, AttributeKind, Column, MISSING_CODE};
use crate::dataset::Dataset;
use crate::error::{Error, Result};

/// The name of the target attribute of a synthetic dataset: the last attribute.
pub const SYNTHETIC_TARGET: &str = "class";

/// The standard deviation of the noise added to every class score.
const NOISE: f64 = 0.2;
/// How strongly an informative nominal feature moves the class scores, relative to the
/// numeric part (whose class weight vectors have unit length).
const NOMINAL_EFFECT: f64 = 1.0;

/// The most values (rows times columns, the target included) a synthetic dataset may have:
/// 2^28, 2 GiB of numbers, checked before anything is allocated.
pub const MAX_SYNTHETIC_CELLS: u64 = 1 << 28;

/// Configures a synthetic classification dataset and generates it.
///
/// The dataset has `numeric` numeric features (`num00`, `num01`, ...), then `nominal` nominal
/// features (`nom00`, ...; each with 2 to [`max_levels`](SyntheticBuilder::max_levels) values,
/// by default 6, named `a`, `b`, ...), then the nominal target
/// [`SYNTHETIC_TARGET`] (`class`) with labels `c0`, `c1`, ... Numeric features have their own
/// location and scale (from about 0.1 to 10), so scaling matters to distance-based models.
///
/// The class of a row is the argmax over classes of a score: a class-specific linear
/// combination of a few informative numeric features (one in ten, at least one), plus a
/// class-specific effect of the values of a few informative nominal features (one in five, at
/// least one), plus Gaussian noise. A decision tree learns it clearly better than chance (about
/// 0.7 accuracy with the defaults); every class occurs when there are at least as many rows as
/// classes. Missing values are then placed in the features, each value independently with
/// probability `missing`; the target is never missing.
///
/// Everything depends only on the settings and the seed: the same builder gives the same ARFF
/// bytes on every platform (values come from a ChaCha8 stream, numbers are rounded to four
/// decimals).
///
/// ```
/// use oml_data::SyntheticBuilder;
///
/// let dataset = SyntheticBuilder::new().rows(200).numeric(4).nominal(2).seed(7).build()?;
/// assert_eq!(dataset.n_rows(), 200);
/// assert_eq!(dataset.features().len(), 4 + 2 + 1);
/// assert_eq!(dataset.default_target(), Some("class"));
/// # Ok::<(), oml_data::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SyntheticBuilder {
    rows: usize,
    numeric: usize,
    nominal: usize,
    max_levels: usize,
    classes: usize,
    missing: f64,
    seed: u64,
}

/// The default of [`SyntheticBuilder::max_levels`].
pub const DEFAULT_MAX_LEVELS: usize = 6;

/// The largest [`SyntheticBuilder::max_levels`].
pub const MAX_LEVELS: usize = 1000;

impl Default for SyntheticBuilder {
    fn default() -> Self {
        SyntheticBuilder {
            rows: 1000,
            numeric: 30,
            nominal: 10,
            max_levels: DEFAULT_MAX_LEVELS,
            classes: 3,
            missing: 0.05,
            seed: 0,
        }
    }
}

impl SyntheticBuilder {
    /// A builder with the default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of rows. By default, 1000.
    pub fn rows(&mut self, rows: usize) -> &mut Self {
        self.rows = rows;
        self
    }

    /// The number of numeric features. By default, 30.
    pub fn numeric(&mut self, numeric: usize) -> &mut Self {
        self.numeric = numeric;
        self
    }

    /// The number of nominal features, each with 2 to [`max_levels`](Self::max_levels) values.
    /// By default, 10.
    pub fn nominal(&mut self, nominal: usize) -> &mut Self {
        self.nominal = nominal;
        self
    }

    /// The most values a nominal feature has, from 2 to [`MAX_LEVELS`]: each has a number drawn
    /// uniformly from 2 to this. By default, [`DEFAULT_MAX_LEVELS`]. Values are named `a`, `b`,
    /// ... up to 26 levels, `v000`, `v001`, ... beyond.
    pub fn max_levels(&mut self, max_levels: usize) -> &mut Self {
        self.max_levels = max_levels;
        self
    }

    /// The number of classes, at least 2. By default, 3.
    pub fn classes(&mut self, classes: usize) -> &mut Self {
        self.classes = classes;
        self
    }

    /// The probability that a feature value is missing, in `[0, 1]`; the target is never
    /// missing. By default, 0.05.
    pub fn missing(&mut self, fraction: f64) -> &mut Self {
        self.missing = fraction;
        self
    }

    /// The seed everything is drawn from. By default, 0.
    pub fn seed(&mut self, seed: u64) -> &mut Self {
        self.seed = seed;
        self
    }

    /// The relation name: `synthetic_` followed by the settings, such as
    /// `synthetic_r1000_n30_c10_k3_m0.05_s0` (with `_l60` after the nominal count when
    /// [`max_levels`](Self::max_levels) is not the default).
    pub fn name(&self) -> String {
        let levels = if self.max_levels == DEFAULT_MAX_LEVELS {
            String::new()
        } else {
            format!("_l{}", self.max_levels)
        };
        format!(
            "synthetic_r{}_n{}_c{}{levels}_k{}_m{}_s{}",
            self.rows, self.numeric, self.nominal, self.classes, self.missing, self.seed
        )
    }

    /// Generates the dataset as ARFF, the target last. Fails when there are fewer than 2
    /// classes, no feature, fewer rows than classes, a missing fraction outside `[0, 1]`, or
    /// `max_levels` outside 2 to [`MAX_LEVELS`].
    pub fn build_arff(&self) -> Result<Arff> {
        self.check()?;
        let mut rng = Draws(ChaCha8Rng::seed_from_u64(self.seed));
        let (n, k) = (self.rows, self.classes);

        // The structure first, so that it does not depend on the number of rows.
        let locations: Vec<(f64, f64)> = (0..self.numeric)
            .map(|_| {
                let location = round4(rng.uniform(-10.0, 10.0));
                let scale = libm::pow(10f64, rng.uniform(-1.0, 1.0));
                (location, scale)
            })
            .collect();
        let categories: Vec<usize> = (0..self.nominal)
            .map(|_| 2 + rng.below(self.max_levels - 1))
            .collect();
        let informative_numeric = rng.choose(self.numeric, self.numeric.div_ceil(10));
        let informative_nominal = rng.choose(self.nominal, self.nominal.div_ceil(5));
        // weights[c][i]: class c's weight on informative numeric feature i, unit length per class.
        let weights: Vec<Vec<f64>> = (0..k)
            .map(|_| {
                let w: Vec<f64> = informative_numeric.iter().map(|_| rng.normal()).collect();
                let norm = w
                    .iter()
                    .map(|x| x * x)
                    .sum::<f64>()
                    .sqrt()
                    .max(f64::MIN_POSITIVE);
                w.into_iter().map(|x| x / norm).collect()
            })
            .collect();
        // effects[c][i][v]: class c's score for value v of informative nominal feature i,
        // centred over the values.
        let effects: Vec<Vec<Vec<f64>>> = (0..k)
            .map(|_| {
                informative_nominal
                    .iter()
                    .map(|&j| {
                        let e: Vec<f64> = (0..categories[j])
                            .map(|_| NOMINAL_EFFECT * rng.normal())
                            .collect();
                        let mean = e.iter().sum::<f64>() / e.len() as f64;
                        e.into_iter().map(|x| x - mean).collect()
                    })
                    .collect()
            })
            .collect();

        // The data, column by column: standard scores, then nominal codes, then noise.
        let z: Vec<Vec<f64>> = (0..self.numeric)
            .map(|_| (0..n).map(|_| rng.normal()).collect())
            .collect();
        let codes: Vec<Vec<u32>> = categories
            .iter()
            .map(|&c| (0..n).map(|_| rng.below(c) as u32).collect())
            .collect();
        let mut scores = vec![vec![0.0; k]; n];
        for (row, scores) in scores.iter_mut().enumerate() {
            for (c, score) in scores.iter_mut().enumerate() {
                let linear: f64 = informative_numeric
                    .iter()
                    .zip(&weights[c])
                    .map(|(&j, w)| w * z[j][row])
                    .sum();
                let nominal: f64 = informative_nominal
                    .iter()
                    .zip(&effects[c])
                    .map(|(&j, e)| e[codes[j][row] as usize])
                    .sum();
                *score = linear + nominal + NOISE * rng.normal();
            }
        }
        let classes = assign_classes(&scores, k);

        let mut attributes = Vec::with_capacity(self.numeric + self.nominal + 1);
        let mut columns = Vec::with_capacity(self.numeric + self.nominal + 1);
        let width = |count: usize| count.saturating_sub(1).to_string().len().max(2);
        for (j, (z, &(location, scale))) in z.iter().zip(&locations).enumerate() {
            let values = z
                .iter()
                .map(|&z| {
                    if rng.chance(self.missing) {
                        f64::NAN
                    } else {
                        round4(location + scale * z)
                    }
                })
                .collect();
            attributes.push(Attribute {
                name: format!("num{j:0w$}", w = width(self.numeric)),
                kind: AttributeKind::Numeric,
            });
            columns.push(Column::Numeric(values));
        }
        for (j, (codes, &c)) in codes.iter().zip(&categories).enumerate() {
            let codes = codes
                .iter()
                .map(|&code| {
                    if rng.chance(self.missing) {
                        MISSING_CODE
                    } else {
                        code
                    }
                })
                .collect();
            let values = (0..c).map(|v| {
                if self.max_levels <= 26 {
                    char::from(b'a' + v as u8).to_string()
                } else {
                    format!("v{v:03}")
                }
            });
            attributes.push(Attribute {
                name: format!("nom{j:0w$}", w = width(self.nominal)),
                kind: AttributeKind::Nominal(values.collect()),
            });
            columns.push(Column::Nominal(codes));
        }
        attributes.push(Attribute {
            name: SYNTHETIC_TARGET.to_owned(),
            kind: AttributeKind::Nominal((0..k).map(|c| format!("c{c}")).collect()),
        });
        columns.push(Column::Nominal(classes));

        Ok(Arff {
            relation: self.name(),
            description: vec![
                "A synthetic classification dataset generated by oml (oml_data::SyntheticBuilder):"
                    .to_owned(),
                format!(
                    "{n} rows, {} numeric and {} nominal features, {k} classes, missing fraction {}, seed {}.",
                    self.numeric, self.nominal, self.missing, self.seed
                ),
            ],
            attributes,
            columns,
        })
    }

    /// Generates the dataset, with [`SYNTHETIC_TARGET`] as its default target.
    pub fn build(&self) -> Result<Dataset> {
        let mut dataset = Dataset::from_arff(self.build_arff()?)?;
        dataset.set_default_target(Some(SYNTHETIC_TARGET))?;
        Ok(dataset)
    }

    fn check(&self) -> Result<()> {
        let invalid = |setting: &str, message: String| Error::Setting {
            what: format!("synthetic dataset `{}`", self.name()),
            setting: setting.to_owned(),
            message,
        };
        let cells = (self.rows as u128) * (self.numeric as u128 + self.nominal as u128 + 1);
        if cells > u128::from(MAX_SYNTHETIC_CELLS) {
            return Err(invalid(
                "rows",
                format!(
                    "{} rows of {} columns are {cells} values, more than the limit of \
                     {MAX_SYNTHETIC_CELLS}",
                    self.rows,
                    self.numeric + self.nominal + 1
                ),
            ));
        }
        if self.classes < 2 {
            return Err(invalid("classes", "at least 2 classes are needed".into()));
        }
        if !(2..=MAX_LEVELS).contains(&self.max_levels) {
            return Err(invalid(
                "max_levels",
                format!(
                    "{} is not from 2 to {MAX_LEVELS}: a nominal feature has at least 2 values",
                    self.max_levels
                ),
            ));
        }
        if self.classes > u32::MAX as usize - 1 {
            return Err(invalid("classes", "too many classes".into()));
        }
        if self.numeric + self.nominal == 0 {
            return Err(invalid(
                "features",
                "at least one numeric or nominal feature is needed".into(),
            ));
        }
        if self.rows < self.classes {
            return Err(invalid(
                "rows",
                format!(
                    "{} rows cannot hold {} classes; every class occurs at least once",
                    self.rows, self.classes
                ),
            ));
        }
        if !(0.0..=1.0).contains(&self.missing) {
            return Err(invalid(
                "missing",
                format!("the missing fraction {} is not in [0, 1]", self.missing),
            ));
        }
        Ok(())
    }
}

/// The argmax of each row's scores (ties to the first class), then every class that no row
/// got given to the row that favours it most among rows of classes with more than one row.
fn assign_classes(scores: &[Vec<f64>], k: usize) -> Vec<u32> {
    let mut classes: Vec<u32> = scores
        .iter()
        .map(|s| (0..k).fold(0, |best, c| if s[c] > s[best] { c } else { best }) as u32)
        .collect();
    let mut counts = vec![0usize; k];
    classes.iter().for_each(|&c| counts[c as usize] += 1);
    for absent in 0..k {
        if counts[absent] > 0 {
            continue;
        }
        let margin = |row: usize| scores[row][absent] - scores[row][classes[row] as usize];
        let row = (0..scores.len())
            .filter(|&row| counts[classes[row] as usize] > 1)
            .fold(None, |best: Option<usize>, row| match best {
                Some(b) if margin(b) >= margin(row) => Some(b),
                _ => Some(row),
            })
            .expect("at least as many rows as classes");
        counts[classes[row] as usize] -= 1;
        counts[absent] += 1;
        classes[row] = absent as u32;
    }
    classes
}

/// Rounds to four decimals, so that values print short and read back exactly.
fn round4(x: f64) -> f64 {
    let r = (x * 1e4).round() / 1e4;
    if r == 0.0 { 0.0 } else { r }
}

/// Draws from a ChaCha8 stream through `next_u64` only, so that values depend on the seed and
/// not on the version of rand's distributions.
struct Draws(ChaCha8Rng);

impl Draws {
    /// Uniform in `[0, 1)` with 53 random bits.
    fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Uniform in `0..bound` (bound > 0), without modulo bias.
    fn below(&mut self, bound: usize) -> usize {
        let bound = bound as u64;
        let zone = u64::MAX - u64::MAX % bound;
        loop {
            let x = self.0.next_u64();
            if x < zone {
                return (x % bound) as usize;
            }
        }
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal, by Box-Muller (one value per two draws).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * libm::log(u)).sqrt() * libm::cos(std::f64::consts::TAU * v)
    }

    /// `count` distinct indices out of `0..n`, in increasing order.
    fn choose(&mut self, n: usize, count: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..count.min(n) {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        let mut chosen = all[..count.min(n)].to_vec();
        chosen.sort_unstable();
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::FeatureKind;

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let a = SyntheticBuilder::new().build_arff().unwrap();
        let b = SyntheticBuilder::new().build_arff().unwrap();
        assert_eq!(a.to_bytes().unwrap(), b.to_bytes().unwrap());
        let c = SyntheticBuilder::new().seed(1).build_arff().unwrap();
        assert_ne!(a.columns, c.columns);
        // And the bytes read back as the same table.
        let back = Arff::from_bytes(&a.to_bytes().unwrap()).unwrap();
        assert_eq!(back.columns, a.columns);
    }

    #[test]
    fn default_shape_categories_and_missing_values() {
        let dataset = SyntheticBuilder::new().build().unwrap();
        assert_eq!(dataset.n_rows(), 1000);
        let features = dataset.features();
        assert_eq!(features.len(), 41);
        assert_eq!(dataset.default_target(), Some("class"));
        let numeric = &features[..30];
        let nominal = &features[30..40];
        assert!(numeric.iter().all(|f| f.kind == FeatureKind::Numeric));
        assert_eq!(numeric[0].name, "num00");
        assert_eq!(nominal[9].name, "nom09");
        for feature in nominal {
            let values = feature.kind.categories().unwrap();
            assert!((2..=6).contains(&values.len()), "{}", feature.name);
            assert_eq!(values[0], "a");
        }
        let cells = 1000.0 * 40.0;
        let missing: usize = features[..40].iter().map(|f| f.missing).sum();
        let fraction = missing as f64 / cells;
        assert!((fraction - 0.05).abs() < 0.005, "{fraction}");
        let target = &features[40];
        assert_eq!(target.missing, 0);
        assert_eq!(target.kind.categories().unwrap(), ["c0", "c1", "c2"]);
        let classes = dataset.class_target("class").unwrap().classes;
        for class in 0..3 {
            let count = classes.iter().filter(|&&c| c == class).count();
            assert!(count > 150, "class {class}: {count} rows");
        }
    }

    #[test]
    fn settings_are_followed() {
        let dataset = SyntheticBuilder::new()
            .rows(57)
            .numeric(3)
            .nominal(0)
            .classes(5)
            .missing(0.0)
            .seed(9)
            .build()
            .unwrap();
        assert_eq!(dataset.n_rows(), 57);
        assert_eq!(dataset.features().len(), 4);
        assert!(dataset.features().iter().all(|f| f.missing == 0));
        let all = SyntheticBuilder::new()
            .rows(300)
            .numeric(0)
            .nominal(4)
            .missing(1.0)
            .build()
            .unwrap();
        let features = all.features();
        assert!(features[..4].iter().all(|f| f.missing == 300));
        assert_eq!(features[4].missing, 0);
    }

    /// Up to 60 levels: counts spread over 2 to 60, named `v000`, ...; the default table
    /// keeps the bytes it had before `max_levels` existed.
    #[test]
    fn nominal_features_take_up_to_max_levels_values() {
        let dataset = SyntheticBuilder::new()
            .rows(2000)
            .numeric(1)
            .nominal(40)
            .max_levels(60)
            .build()
            .unwrap();
        let counts: Vec<usize> = dataset.features()[1..41]
            .iter()
            .map(|f| f.kind.categories().unwrap().len())
            .collect();
        assert!(counts.iter().all(|c| (2..=60).contains(c)), "{counts:?}");
        assert!(counts.iter().any(|&c| c > 30), "{counts:?}");
        assert_eq!(dataset.features()[1].kind.categories().unwrap()[0], "v000");
        assert!(dataset.name().contains("_c40_l60_"), "{}", dataset.name());
        // The default table's bytes are those of `oml data generate` before max_levels
        // existed (f30e1ea): 237,434 bytes with this FNV-1a digest.
        let bytes = SyntheticBuilder::new()
            .build_arff()
            .unwrap()
            .to_bytes()
            .unwrap();
        let fnv = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        assert_eq!((bytes.len(), fnv), (237_434, 0x127d_79e6_4dbf_12c3));
        for bad in [0, 1, MAX_LEVELS + 1] {
            let err = SyntheticBuilder::new().max_levels(bad).build().unwrap_err();
            assert!(err.to_string().contains("max_levels"), "{err}");
        }
    }

    #[test]
    fn every_class_occurs_even_when_scores_disagree() {
        for seed in 0..20 {
            let dataset = SyntheticBuilder::new()
                .rows(8)
                .numeric(2)
                .nominal(1)
                .classes(8)
                .seed(seed)
                .build()
                .unwrap();
            let mut classes = dataset.class_target("class").unwrap().classes.to_vec();
            classes.sort_unstable();
            assert_eq!(classes, (0..8).collect::<Vec<_>>(), "seed {seed}");
        }
    }

    #[test]
    fn bad_settings_are_errors() {
        assert!(SyntheticBuilder::new().classes(1).build().is_err());
        assert!(SyntheticBuilder::new().rows(2).build().is_err());
        assert!(SyntheticBuilder::new().missing(1.5).build().is_err());
        assert!(SyntheticBuilder::new().missing(f64::NAN).build().is_err());
        let err = SyntheticBuilder::new()
            .numeric(0)
            .nominal(0)
            .build()
            .unwrap_err()
            .to_string();
        assert!(err.contains("feature"), "{err}");
    }
}
