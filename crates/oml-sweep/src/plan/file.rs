//! The sweep file as TOML gives it, before it is checked: serde's view of tasks, flows,
//! grids, seeds and time limits, each keeping the span that errors name the line of.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use toml::Spanned;

use super::values::{duration_of, memory_of, seeds_of};

/// The sweep file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSweep {
    #[serde(default)]
    pub(super) seeds: Option<SeedList>,
    #[serde(default)]
    pub(super) measures: Vec<String>,
    #[serde(default)]
    pub(super) time_limit: Option<TimeLimit>,
    #[serde(default)]
    pub(super) memory_limit: Option<MemoryLimit>,
    #[serde(default)]
    pub(super) server: Option<String>,
    #[serde(default)]
    pub(super) tasks: Vec<Spanned<RawTask>>,
    #[serde(default)]
    pub(super) flows: Vec<Spanned<RawFlow>>,
}

/// A task: text (an id, `builtin:NAME`, `suite:ID`, a path), an integer id, or a table.
pub(super) enum RawTask {
    Text(String),
    Table(TaskTable),
}

/// A task with its options, or a suite.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TaskTable {
    pub(super) task: Option<IdOrText>,
    pub(super) suite: Option<IdOrText>,
    pub(super) target: Option<String>,
    pub(super) task_type: Option<String>,
    pub(super) resampling: Option<String>,
    pub(super) split_seed: Option<u64>,
    #[serde(default)]
    pub(super) no_stratify: bool,
}

/// A flow: its name, or a table with a name and a grid.
pub(super) enum RawFlow {
    Name(String),
    Table(FlowTable),
}

/// A flow with its grid.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FlowTable {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) grid: BTreeMap<String, Spanned<GridValues>>,
    pub(super) tune: Option<Spanned<TuneTable>>,
}

/// A flow's nested search: `space` (parameter name to `int:LO:HI`, `float:LO:HI[:log]` or
/// `a,b,c`), `search` and `inner` as `oml run` takes them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TuneTable {
    pub(super) space: BTreeMap<String, String>,
    pub(super) search: Option<String>,
    pub(super) inner: Option<String>,
    pub(super) measure: Option<String>,
}

/// An OpenML id given as an integer or as text, kept as text.
pub(super) struct IdOrText(pub(super) String);

/// A grid's values as text: one scalar or a non-empty list of scalars; a float as Rust's
/// `{:?}` prints it, which keeps the decimal point (`1.0`) and round-trips.
pub(super) struct GridValues {
    pub(super) values: Vec<String>,
    /// A float that is NaN or infinite, refused with the entry's name.
    pub(super) non_finite: Option<String>,
}

/// Seeds: an integer, a range text, or a non-empty list of these.
pub(super) struct SeedList(pub(super) Vec<u64>);

/// A duration: whole seconds or a text such as `10m`.
pub(super) struct TimeLimit(pub(super) Duration);

/// A memory size in bytes, from a text such as `2G`.
pub(super) struct MemoryLimit(pub(super) u64);

impl<'de> Deserialize<'de> for MemoryLimit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        memory_of(&text).map(MemoryLimit).map_err(de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for RawTask {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TaskVisitor;
        impl<'de> Visitor<'de> for TaskVisitor {
            type Value = RawTask;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a task: an OpenML task id, a text (builtin:NAME, suite:ID, a path) or a \
                     table such as { task = \"builtin:iris\", resampling = \"cv:5\" }",
                )
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawTask, E> {
                Ok(RawTask::Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawTask, E> {
                if v < 0 {
                    return Err(E::invalid_value(Unexpected::Signed(v), &self));
                }
                Ok(RawTask::Text(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawTask, E> {
                Ok(RawTask::Text(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawTask, A::Error> {
                TaskTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawTask::Table)
            }
        }
        deserializer.deserialize_any(TaskVisitor)
    }
}

impl<'de> Deserialize<'de> for RawFlow {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlowVisitor;
        impl<'de> Visitor<'de> for FlowVisitor {
            type Value = RawFlow;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a flow: its name, or a table { name = \"decision-tree\", grid = { ... } }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawFlow, E> {
                Ok(RawFlow::Name(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawFlow, A::Error> {
                FlowTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawFlow::Table)
            }
        }
        deserializer.deserialize_any(FlowVisitor)
    }
}

impl<'de> Deserialize<'de> for IdOrText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = IdOrText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an OpenML id or a text")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IdOrText, E> {
                Ok(IdOrText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IdOrText, E> {
                if v < 0 {
                    return Err(E::invalid_value(Unexpected::Signed(v), &self));
                }
                Ok(IdOrText(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IdOrText, E> {
                Ok(IdOrText(v.to_owned()))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

/// Reads grid values; `list` whether a list is allowed (not inside a list).
pub(super) struct GridVisitor {
    pub(super) list: bool,
}

impl GridValues {
    fn one(value: String) -> Self {
        GridValues {
            values: vec![value],
            non_finite: None,
        }
    }
}

/// A finite float as grid text: Rust's shortest round-trip form with its decimal point or
/// exponent (`1.0`, `0.1`, `1e300`), so that it stays a float (`max_features = 1.0` is a
/// fraction, `1` a count); `-0.0` is `0.0`.
pub(super) fn float_text(value: f64) -> String {
    if value == 0.0 {
        "0.0".to_owned()
    } else {
        format!("{value:?}")
    }
}

impl<'de> Visitor<'de> for GridVisitor {
    type Value = GridValues;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.list {
            f.write_str("a parameter value (integer, float, string, boolean) or a list of them")
        } else {
            f.write_str("a parameter value (integer, float, string, boolean)")
        }
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<GridValues, E> {
        Ok(GridValues::one(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<GridValues, E> {
        Ok(GridValues::one(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<GridValues, E> {
        Ok(GridValues::one(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<GridValues, E> {
        if v.is_finite() {
            return Ok(GridValues::one(float_text(v)));
        }
        // As TOML writes it.
        let text = if v.is_nan() {
            "nan"
        } else if v > 0.0 {
            "inf"
        } else {
            "-inf"
        };
        Ok(GridValues {
            values: vec![text.to_owned()],
            non_finite: Some(text.to_owned()),
        })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<GridValues, E> {
        Ok(GridValues::one(v.to_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<GridValues, A::Error> {
        if !self.list {
            return Err(de::Error::invalid_type(Unexpected::Seq, &self));
        }
        let mut all = GridValues {
            values: Vec::new(),
            non_finite: None,
        };
        while let Some(GridValue(one)) = seq.next_element()? {
            all.values.extend(one.values);
            all.non_finite = all.non_finite.or(one.non_finite);
        }
        if all.values.is_empty() {
            return Err(de::Error::custom("an empty list of values"));
        }
        Ok(all)
    }
}

/// One grid value inside a list.
pub(super) struct GridValue(pub(super) GridValues);

impl<'de> Deserialize<'de> for GridValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(GridVisitor { list: false })
            .map(GridValue)
    }
}

impl<'de> Deserialize<'de> for GridValues {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(GridVisitor { list: true })
    }
}

/// Reads seeds; `list` whether a list is allowed (not inside a list).
pub(super) struct SeedVisitor {
    pub(super) list: bool,
}

impl<'de> Visitor<'de> for SeedVisitor {
    type Value = Vec<u64>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a seed (7), a range (\"0..3\", \"1..=5\")")?;
        if self.list {
            f.write_str(" or a list of these")?;
        }
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<u64>, E> {
        Ok(vec![v])
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<u64>, E> {
        u64::try_from(v)
            .map(|v| vec![v])
            .map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u64>, E> {
        seeds_of(v).map_err(E::custom)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u64>, A::Error> {
        if !self.list {
            return Err(de::Error::invalid_type(Unexpected::Seq, &self));
        }
        let mut seeds = Vec::new();
        while let Some(SeedItem(item)) = seq.next_element()? {
            seeds.extend(item);
        }
        if seeds.is_empty() {
            return Err(de::Error::custom("no seeds: nothing to run"));
        }
        Ok(seeds)
    }
}

/// One seed or range inside a list.
pub(super) struct SeedItem(pub(super) Vec<u64>);

impl<'de> Deserialize<'de> for SeedItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(SeedVisitor { list: false })
            .map(SeedItem)
    }
}

impl<'de> Deserialize<'de> for SeedList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(SeedVisitor { list: true })
            .map(SeedList)
    }
}

impl<'de> Deserialize<'de> for TimeLimit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LimitVisitor;
        impl Visitor<'_> for LimitVisitor {
            type Value = TimeLimit;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a duration: seconds (90) or a text such as \"90s\", \"10m\", \"1h30m\"",
                )
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TimeLimit, E> {
                duration_of(&v.to_string())
                    .map(TimeLimit)
                    .map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TimeLimit, E> {
                if v < 0 {
                    return Err(E::invalid_value(Unexpected::Signed(v), &self));
                }
                duration_of(&v.to_string())
                    .map(TimeLimit)
                    .map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TimeLimit, E> {
                duration_of(v).map(TimeLimit).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(LimitVisitor)
    }
}
