//! What a search may try: each tuned parameter's domain, as `--tune NAME=SPACE` writes it,
//! and the candidates a grid or a seeded random search draws from it.

use std::str::FromStr;

use oml_flow::{Describe, Pipeline, qualified_name, qualified_parameters, set_parameters};
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
                let domain = Domain::Int {
                    low: number(low)?,
                    high: number(high)?,
                };
                domain.validate().map_err(|why| bad(&why))?;
                Ok(domain)
            }
            ["float", low, high] | ["float", low, high, "log"] => {
                let number = |t: &str| match t.parse::<f64>() {
                    Ok(v) if v.is_finite() => Ok(v),
                    _ => Err(bad(&format!("`{t}` is not a finite number"))),
                };
                let domain = Domain::Float {
                    low: number(low)?,
                    high: number(high)?,
                    log: parts.len() == 4,
                };
                domain.validate().map_err(|why| bad(&why))?;
                Ok(domain)
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

/// Where a float range is tried inside its bounds before any fit ([`Domain::probes`]): the
/// golden-section points and the middle, which a range between whole numbers does not make
/// whole (but the middle of an even width).
const INSIDE: [f64; 3] = [0.381_966_011_250_105_1, 0.5, 0.618_033_988_749_894_9];

impl Domain {
    /// Why a search cannot draw from this domain, if it cannot: bounds in the wrong order or
    /// not finite, a log scale without positive bounds, a float range wider than the largest
    /// number (a draw from it would overflow), an empty value in a list.
    fn validate(&self) -> std::result::Result<(), String> {
        match *self {
            Domain::Int { low, high } if low > high => {
                Err("the low bound is above the high one".to_owned())
            }
            Domain::Float { low, high, .. } if !(low.is_finite() && high.is_finite()) => {
                Err("the bounds must be finite numbers".to_owned())
            }
            Domain::Float { low, high, .. } if low > high => {
                Err("the low bound is above the high one".to_owned())
            }
            Domain::Float { log: true, low, .. } if low <= 0.0 => {
                Err("a log scale needs positive bounds".to_owned())
            }
            Domain::Float { low, high, .. } if !(high - low).is_finite() => Err(format!(
                "the bounds are further apart than the largest number, {:e}, so a draw \
                 between them would overflow",
                f64::MAX
            )),
            Domain::Values(ref values) if values.iter().any(|v| v.trim().is_empty()) => {
                Err("an empty value in the list".to_owned())
            }
            _ => Ok(()),
        }
    }

    /// How many values a grid tries: the whole numbers of an int range, the listed values;
    /// `None` for a float range, which has no grid. Counted, never listed.
    fn grid_len(&self) -> Option<u128> {
        match *self {
            Domain::Int { low, high } => Some((i128::from(high) - i128::from(low) + 1) as u128),
            Domain::Values(ref values) => Some(values.len() as u128),
            Domain::Float { .. } => None,
        }
    }

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

    /// The values that show a flow refuses the domain, as a draw would write them: both
    /// bounds of a range, every listed value. A float range adds values inside ([`INSIDE`],
    /// in the logarithm for a log scale), for parameters that take fractions and counts.
    fn probes(&self) -> Vec<String> {
        match *self {
            Domain::Int { low, high } => vec![low.to_string(), high.to_string()],
            Domain::Float { low, high, log } => {
                let inside = INSIDE.iter().map(|&t| {
                    if log {
                        let (a, b) = (libm::log(low), libm::log(high));
                        libm::exp(a + (b - a) * t)
                    } else {
                        low + (high - low) * t
                    }
                });
                [low, high]
                    .into_iter()
                    .chain(inside.filter(|v| low < *v && *v < high))
                    .map(|v| v.to_string())
                    .collect()
            }
            Domain::Values(ref values) => values.clone(),
        }
    }
}

/// The tuned parameters, each with its domain, in the order given.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchSpace {
    dimensions: Vec<(String, Domain)>,
    /// Each dimension's `NAME=SPACE` text as given (trimmed), for errors.
    texts: Vec<String>,
}

impl SearchSpace {
    /// The space of `NAME=SPACE` texts; a name given twice, or none, is an error.
    pub fn parse<S: AsRef<str>>(assignments: &[S]) -> Result<Self> {
        let mut dimensions: Vec<(String, Domain)> = Vec::new();
        let mut texts = Vec::new();
        for text in assignments {
            let text = text.as_ref().trim();
            let (name, domain) = text
                .split_once('=')
                .ok_or_else(|| Error::Config(format!("tune `{text}`: expected NAME=SPACE")))?;
            let name = name.trim();
            if dimensions.iter().any(|(n, _)| n == name) {
                return Err(Error::Config(format!("tune: `{name}` is given twice")));
            }
            dimensions.push((name.to_owned(), domain.parse()?));
            texts.push(text.to_owned());
        }
        if dimensions.is_empty() {
            return Err(Error::Config("tune: no parameters to tune".into()));
        }
        Ok(SearchSpace { dimensions, texts })
    }

    /// The dimensions, in order.
    pub fn dimensions(&self) -> &[(String, Domain)] {
        &self.dimensions
    }

    /// Checks the space against the flow `make` builds before anything is fitted: every name
    /// is one of its parameters, every bound or listed value is one it takes, a float range
    /// is not given to an integer parameter, and the values inside a float range that it
    /// tries (the golden-section points and the middle) are taken too, for parameters that
    /// take fractions and counts. The error names the `NAME=SPACE` text and carries the
    /// flow's own statement of what is allowed.
    pub fn check(&self, make: &dyn Fn() -> Pipeline) -> Result<()> {
        let flow = make();
        let parameters = qualified_parameters(&flow);
        for ((name, domain), text) in self.dimensions.iter().zip(&self.texts) {
            let refused = |problem: String| Error::Space {
                texts: vec![text.clone()],
                problem,
            };
            let probes = domain.probes();
            // The bounds (or the listed values) first: an unknown name fails there.
            let (bounds, inside) = match domain {
                Domain::Float { .. } => probes.split_at(2),
                _ => (&probes[..], &[][..]),
            };
            let try_value = |value: &str| {
                let mut flow = make();
                set_parameters(&mut flow as &mut dyn Describe, &[format!("{name}={value}")])
            };
            for value in bounds {
                try_value(value).map_err(|e| refused(format!("value `{value}`: {e}")))?;
            }
            if !matches!(domain, Domain::Float { .. }) {
                continue;
            }
            let parameter = qualified_name(&flow, name)
                .and_then(|q| parameters.iter().find(|(n, _)| *n == q).map(|(_, p)| p));
            if let Some(parameter) = parameter.filter(|p| p.data_type == "integer") {
                return Err(refused(format!(
                    "parameter `{name}` takes integers ({}), not a float range: use \
                     int:LO:HI or a list of values",
                    parameter.allowed
                )));
            }
            for value in inside {
                try_value(value)
                    .map_err(|e| refused(format!("value `{value}`, inside the range: {e}")))?;
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
    /// Checks that this search can take `space`, before any fit: every domain is one a search
    /// draws from, and a grid has no float range and at most [`MAX_CANDIDATES`] candidates,
    /// counted without listing them. The error names the `NAME=SPACE` texts.
    pub fn check(&self, space: &SearchSpace) -> Result<()> {
        let texts = space.dimensions.iter().zip(&space.texts);
        for ((_, domain), text) in texts.clone() {
            domain.validate().map_err(|problem| Error::Space {
                texts: vec![text.clone()],
                problem,
            })?;
        }
        if *self != Search::Grid {
            return Ok(());
        }
        let mut count = Some(1u128);
        for ((_, domain), text) in texts {
            let Some(values) = domain.grid_len() else {
                return Err(Error::Space {
                    texts: vec![text.clone()],
                    problem: "a grid cannot enumerate a float range: give a list of values \
                              (a,b,c) or an int:LO:HI range, or search it with random:N or \
                              halving:N"
                        .to_owned(),
                });
            };
            count = count.and_then(|count| count.checked_mul(values));
        }
        match count {
            Some(count) if count <= MAX_CANDIDATES as u128 => Ok(()),
            count => Err(Error::Space {
                texts: space.texts.clone(),
                problem: format!(
                    "a grid of {} candidates; a search tries at most {MAX_CANDIDATES}: narrow \
                     the ranges, or search them with random:N or halving:N",
                    count.map_or_else(|| "more than 2^128".to_owned(), |c| c.to_string())
                ),
            }),
        }
    }

    /// The candidates of `space`, each a list of `NAME=VALUE` in the space's order; a random
    /// search draws from `seed` alone. The search is checked first ([`Search::check`]).
    pub fn candidates(&self, space: &SearchSpace, seed: u64) -> Result<Vec<Vec<(String, String)>>> {
        self.check(space)?;
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
                // At most MAX_CANDIDATES, by the check.
                let count = axes.iter().map(|(_, values)| values.len()).product();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A domain built by hand, not parsed, is checked before a search draws from it: rand's
    /// samplers panic on a range whose width overflows or whose bounds are reversed.
    #[test]
    fn domains_built_by_hand_are_checked_before_any_draw() {
        let float = |low, high, log| Domain::Float { low, high, log };
        for (domain, why) in [
            (
                float(-1e308, 1e308, false),
                "further apart than the largest number",
            ),
            (
                float(2.0, 1.0, false),
                "the low bound is above the high one",
            ),
            (float(0.0, 1.0, true), "a log scale needs positive bounds"),
            (
                Domain::Int { low: 3, high: 1 },
                "the low bound is above the high one",
            ),
        ] {
            let space = SearchSpace {
                dimensions: vec![("c".to_owned(), domain.clone())],
                texts: vec![format!("c={domain}")],
            };
            for search in [Search::Random(2), Search::Halving(2), Search::Grid] {
                let error = search.candidates(&space, 0).unwrap_err().to_string();
                assert!(
                    error.starts_with("tune `c=") && error.contains(why),
                    "{domain:?} {search}: {error}"
                );
            }
        }
    }

    /// A float range is tried at its bounds and at three points inside, as draws print them.
    #[test]
    fn float_ranges_are_probed_inside() {
        let probes = "float:1:2".parse::<Domain>().unwrap().probes();
        assert_eq!(probes.len(), 5);
        assert_eq!(probes[..3], ["1", "2", "1.381966011250105"]);
        assert_eq!("float:3:3".parse::<Domain>().unwrap().probes(), ["3", "3"]);
        let log = "float:0.01:100:log".parse::<Domain>().unwrap().probes();
        assert!(
            (log[3].parse::<f64>().unwrap() - 1.0).abs() < 1e-12,
            "{log:?}"
        );
    }
}
