//! What a search may try: each tuned parameter's domain, as `--tune NAME=SPACE` writes it,
//! and the candidates a grid or a seeded random search draws from it.

use std::str::FromStr;

use oml_flow::{Describe, Pipeline, set_parameters};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};

/// The values one parameter may take.
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    /// Whole numbers from `low` to `high`, both included: `int:LO:HI`.
    Int {
        /// The least value.
        low: i64,
        /// The greatest value.
        high: i64,
    },
    /// Numbers from `low` to `high`: `float:LO:HI`, or `float:LO:HI:log` for a log scale
    /// (both bounds positive).
    Float {
        /// The least value.
        low: f64,
        /// The greatest value.
        high: f64,
        /// Drawn uniformly in the logarithm.
        log: bool,
    },
    /// One of the values listed: `a,b,c` (`none` where the parameter takes it).
    Values(Vec<String>),
}

impl FromStr for Domain {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let bad = |why: &str| {
            Error::Config(format!(
                "search space `{text}`: {why}; expected int:LO:HI, float:LO:HI[:log] or a list \
                 a,b,c"
            ))
        };
        let parts: Vec<&str> = text.trim().split(':').map(str::trim).collect();
        match parts[..] {
            ["int", low, high] => {
                let number = |t: &str| {
                    t.parse::<i64>()
                        .map_err(|_| bad(&format!("`{t}` is not a whole number")))
                };
                let (low, high) = (number(low)?, number(high)?);
                if low > high {
                    return Err(bad("the low bound is above the high one"));
                }
                Ok(Domain::Int { low, high })
            }
            ["float", low, high] | ["float", low, high, "log"] => {
                let number = |t: &str| match t.parse::<f64>() {
                    Ok(v) if v.is_finite() => Ok(v),
                    _ => Err(bad(&format!("`{t}` is not a finite number"))),
                };
                let (low, high) = (number(low)?, number(high)?);
                let log = parts.len() == 4;
                if low > high {
                    return Err(bad("the low bound is above the high one"));
                }
                if log && low <= 0.0 {
                    return Err(bad("a log scale needs positive bounds"));
                }
                Ok(Domain::Float { low, high, log })
            }
            ["int" | "float", ..] => Err(bad("wrong number of `:` parts")),
            _ => {
                let values: Vec<String> = text.split(',').map(|v| v.trim().to_owned()).collect();
                if values.iter().any(String::is_empty) {
                    return Err(bad("an empty value in the list"));
                }
                Ok(Domain::Values(values))
            }
        }
    }
}

impl std::fmt::Display for Domain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Domain::Int { low, high } => write!(f, "int:{low}:{high}"),
            Domain::Float { low, high, log } => {
                write!(f, "float:{low}:{high}{}", if *log { ":log" } else { "" })
            }
            Domain::Values(values) => f.write_str(&values.join(",")),
        }
    }
}

impl Domain {
    /// The values a grid tries: every whole number of an int range, every listed value. A
    /// float range has no grid.
    fn grid_values(&self, name: &str) -> Result<Vec<String>> {
        match self {
            Domain::Int { low, high } => Ok((*low..=*high).map(|v| v.to_string()).collect()),
            Domain::Values(values) => Ok(values.clone()),
            Domain::Float { .. } => Err(Error::Config(format!(
                "a grid cannot enumerate the float range of `{name}`: give a list of values"
            ))),
        }
    }

    /// A value drawn uniformly (in the logarithm for a log scale).
    fn draw(&self, rng: &mut ChaCha8Rng) -> String {
        match self {
            Domain::Int { low, high } => rng.gen_range(*low..=*high).to_string(),
            Domain::Float {
                low,
                high,
                log: false,
            } => if low == high {
                *low
            } else {
                rng.gen_range(*low..*high)
            }
            .to_string(),
            Domain::Float {
                low,
                high,
                log: true,
            } => {
                let (a, b) = (libm::log(*low), libm::log(*high));
                if a == b {
                    *low
                } else {
                    libm::exp(rng.gen_range(a..b))
                }
                .to_string()
            }
            Domain::Values(values) => values[oml_math::index_in(rng, 0..values.len())].clone(),
        }
    }

    /// The values that show a flow refuses the domain: both bounds of a range, every listed
    /// value.
    fn extremes(&self) -> Vec<String> {
        match self {
            Domain::Int { low, high } => vec![low.to_string(), high.to_string()],
            Domain::Float { low, high, .. } => vec![low.to_string(), high.to_string()],
            Domain::Values(values) => values.clone(),
        }
    }
}

/// The tuned parameters, each with its domain, in the order given.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchSpace {
    dimensions: Vec<(String, Domain)>,
}

impl SearchSpace {
    /// The space of `NAME=SPACE` texts; a name given twice, or none, is an error.
    pub fn parse<S: AsRef<str>>(assignments: &[S]) -> Result<Self> {
        let mut dimensions: Vec<(String, Domain)> = Vec::new();
        for text in assignments {
            let text = text.as_ref();
            let (name, domain) = text
                .split_once('=')
                .ok_or_else(|| Error::Config(format!("tune `{text}`: expected NAME=SPACE")))?;
            let name = name.trim();
            if dimensions.iter().any(|(n, _)| n == name) {
                return Err(Error::Config(format!("tune: `{name}` is given twice")));
            }
            dimensions.push((name.to_owned(), domain.parse()?));
        }
        if dimensions.is_empty() {
            return Err(Error::Config("tune: no parameters to tune".into()));
        }
        Ok(SearchSpace { dimensions })
    }

    /// The dimensions, in order.
    pub fn dimensions(&self) -> &[(String, Domain)] {
        &self.dimensions
    }

    /// Checks the space against the flow `make` builds before anything is fitted: every name
    /// is one of its parameters and every bound or listed value is one it takes. The error
    /// names the text and carries the flow's own statement of what is allowed.
    pub fn check(&self, make: &dyn Fn() -> Pipeline) -> Result<()> {
        for (name, domain) in &self.dimensions {
            for value in domain.extremes() {
                let mut flow = make();
                set_parameters(&mut flow as &mut dyn Describe, &[format!("{name}={value}")])
                    .map_err(|e| Error::Config(format!("tune `{name}`: value `{value}`: {e}")))?;
            }
        }
        Ok(())
    }
}

/// `NAME=DOMAIN; NAME=DOMAIN`: the space as a parameter value.
impl std::fmt::Display for SearchSpace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .dimensions
            .iter()
            .map(|(name, domain)| format!("{name}={domain}"))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

/// How candidates are chosen from a [`SearchSpace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    /// Every combination of every dimension's values (`grid`), in order, the last dimension
    /// varying fastest.
    Grid,
    /// `n` candidates drawn independently from the unit's seed (`random:N`).
    Random(usize),
    /// Successive halving (`halving:N`): `n` random candidates scored on a third of the
    /// inner training rows per round fewer rounds from the last, the best third kept each
    /// round, the survivors of the last round on all of them.
    Halving(usize),
}

impl FromStr for Search {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        match text.trim().split_once(':') {
            None if text.trim() == "grid" => Ok(Search::Grid),
            Some(("random", n)) => match n.trim().parse::<usize>() {
                Ok(n) if n >= 1 => Ok(Search::Random(n)),
                _ => Err(Error::Config(format!(
                    "search `{text}`: random:N needs N of at least 1"
                ))),
            },
            Some(("halving", n)) => match n.trim().parse::<usize>() {
                Ok(n) if n >= 2 => Ok(Search::Halving(n)),
                _ => Err(Error::Config(format!(
                    "search `{text}`: halving:N needs N of at least 2"
                ))),
            },
            _ => Err(Error::Config(format!(
                "search `{text}`: expected grid, random:N or halving:N"
            ))),
        }
    }
}

impl std::fmt::Display for Search {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Search::Grid => f.write_str("grid"),
            Search::Random(n) => write!(f, "random:{n}"),
            Search::Halving(n) => write!(f, "halving:{n}"),
        }
    }
}

/// The most candidates one search may try.
pub const MAX_CANDIDATES: usize = 100_000;

impl Search {
    /// The candidates of `space`, each a list of `NAME=VALUE` in the space's order; a random
    /// search draws from `seed` alone.
    pub fn candidates(&self, space: &SearchSpace, seed: u64) -> Result<Vec<Vec<(String, String)>>> {
        match *self {
            Search::Random(n) | Search::Halving(n) => {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                Ok((0..n.min(MAX_CANDIDATES))
                    .map(|_| {
                        space
                            .dimensions
                            .iter()
                            .map(|(name, domain)| (name.clone(), domain.draw(&mut rng)))
                            .collect()
                    })
                    .collect())
            }
            Search::Grid => {
                let axes = space
                    .dimensions
                    .iter()
                    .map(|(name, domain)| Ok((name.clone(), domain.grid_values(name)?)))
                    .collect::<Result<Vec<_>>>()?;
                let count = axes
                    .iter()
                    .try_fold(1usize, |n, (_, values)| n.checked_mul(values.len()))
                    .filter(|&n| n <= MAX_CANDIDATES)
                    .ok_or_else(|| {
                        Error::Config(format!("a grid of more than {MAX_CANDIDATES} candidates"))
                    })?;
                Ok((0..count)
                    .map(|mut position| {
                        let mut point = vec![(String::new(), String::new()); axes.len()];
                        for (slot, (name, values)) in point.iter_mut().zip(&axes).rev() {
                            *slot = (name.clone(), values[position % values.len()].clone());
                            position /= values.len();
                        }
                        point
                    })
                    .collect())
            }
        }
    }
}
