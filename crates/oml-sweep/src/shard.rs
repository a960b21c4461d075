//! Shards of a job list, from a flag or an array-job engine.
//!
//! A [`Shard`] `I/N` (I from 0) takes the jobs at positions `p` with `p % N == I`: every shard
//! gets jobs from the whole list, the shards are disjoint and together hold every job. Since a
//! job's result depends on its key alone, a sweep gives the same runs however it is sharded.
//!
//! [`Shard::from_env`] reads the shard an array-job engine gives the process: Slurm job
//! arrays, Kubernetes Indexed Jobs and AWS Batch array jobs.

use std::fmt;
use std::str::FromStr;

use super::error::Error;

/// One shard of a job list: the jobs at positions `p` with `p % count == index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// The shard's index, from 0, below `count`.
    pub index: usize,
    /// The number of shards, at least 1.
    pub count: usize,
}

impl Shard {
    /// The whole list.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/N`: shard I of N, numbered from 0 (`0/4` to `3/4`).
    pub fn parse(text: &str) -> Result<Shard, Error> {
        let fail = |message: &str| Error::Shard {
            text: text.to_owned(),
            message: message.to_owned(),
        };
        let (index, count) = text
            .split_once('/')
            .ok_or_else(|| fail("write INDEX/COUNT, such as 0/4 (shards are numbered from 0)"))?;
        let number = |part: &str| {
            let part = part.trim();
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(fail(
                    "write INDEX/COUNT, such as 0/4 (shards are numbered from 0)",
                ));
            }
            part.parse::<usize>()
                .map_err(|_| fail("the number is too large"))
        };
        let (index, count) = (number(index)?, number(count)?);
        if count == 0 {
            return Err(fail("the count must be at least 1"));
        }
        if index >= count {
            return Err(fail(
                "the index must be below the count (shards are numbered from 0)",
            ));
        }
        Ok(Shard { index, count })
    }

    /// The shard an array-job engine gives this process, read through `env` (the process
    /// environment in the binary; a map in tests), with the engine and variable for messages
    /// (`Slurm array task 5 (SLURM_ARRAY_TASK_ID)`); `None` if no engine's variable is set.
    /// `count` is the number of shards given by a flag.
    ///
    /// - Slurm: `SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_COUNT` (required), normalised by
    ///   `SLURM_ARRAY_TASK_MIN` (by default 0) and `SLURM_ARRAY_TASK_STEP` (by default 1):
    ///   index `(ID - MIN) / STEP`. An array given as a list (`--array=1,4,9`) has no single
    ///   step; give `--shard` instead.
    /// - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX`; the count is `count` (the job's
    ///   `completions`), which Kubernetes does not pass.
    /// - AWS Batch: `AWS_BATCH_JOB_ARRAY_INDEX` with `AWS_BATCH_JOB_ARRAY_SIZE`, or `count`
    ///   where that is not set.
    ///
    /// Slurm is read before Kubernetes, Kubernetes before AWS Batch. A `count` that differs
    /// from the engine's own is an error. Empty variables count as unset.
    pub fn from_env(
        env: &dyn Fn(&str) -> Option<String>,
        count: Option<usize>,
    ) -> Result<Option<(Shard, String)>, Error> {
        let get = |name: &str| {
            env(name)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
        };
        let fail = |variable: &str, message: String| Error::Environment {
            variable: variable.to_owned(),
            message,
        };
        let number = |variable: &str, value: &str| {
            value
                .parse::<usize>()
                .map_err(|_| fail(variable, format!("`{value}` is not a whole number")))
        };
        let agree = |variable: &str, own: usize| match count {
            Some(given) if given != own => Err(fail(
                variable,
                format!("the engine gives {own} shards, but the shard count given is {given}"),
            )),
            _ => Ok(own),
        };
        let check = |variable: &str, index: usize, count: usize| {
            if count == 0 {
                return Err(fail(variable, "a shard count of 0".to_owned()));
            }
            if index >= count {
                return Err(fail(
                    variable,
                    format!("index {index} is not below the shard count {count}"),
                ));
            }
            Ok(Shard { index, count })
        };

        const ID: &str = "SLURM_ARRAY_TASK_ID";
        if let Some(id_text) = get(ID) {
            let id = number(ID, &id_text)?;
            const COUNT: &str = "SLURM_ARRAY_TASK_COUNT";
            let count_text =
                get(COUNT).ok_or_else(|| fail(COUNT, format!("not set, though {ID} is ({id})")))?;
            let total = agree(COUNT, number(COUNT, &count_text)?)?;
            let min = match get("SLURM_ARRAY_TASK_MIN") {
                Some(text) => number("SLURM_ARRAY_TASK_MIN", &text)?,
                None => 0,
            };
            let step = match get("SLURM_ARRAY_TASK_STEP") {
                Some(text) => number("SLURM_ARRAY_TASK_STEP", &text)?,
                None => 1,
            };
            if step == 0 {
                return Err(fail("SLURM_ARRAY_TASK_STEP", "a step of 0".to_owned()));
            }
            let offset = id.checked_sub(min).ok_or_else(|| {
                fail(
                    ID,
                    format!("task {id} is below SLURM_ARRAY_TASK_MIN ({min})"),
                )
            })?;
            if offset % step != 0 {
                return Err(fail(
                    ID,
                    format!(
                        "task {id} is not MIN + k * STEP (MIN {min}, STEP {step}): an array \
                         given as a list has no single step; give --shard instead"
                    ),
                ));
            }
            let shard = check(ID, offset / step, total).map_err(|_| {
                fail(
                    ID,
                    format!(
                        "task {id} is shard {} (MIN {min}, STEP {step}), not below \
                         SLURM_ARRAY_TASK_COUNT ({total}): an array given as a list has no \
                         single step; give --shard instead",
                        offset / step
                    ),
                )
            })?;
            return Ok(Some((shard, format!("Slurm array task {id} ({ID})"))));
        }

        const K8S: &str = "JOB_COMPLETION_INDEX";
        if let Some(text) = get(K8S) {
            let index = number(K8S, &text)?;
            let total = count.ok_or_else(|| {
                fail(
                    K8S,
                    "a Kubernetes Indexed Job does not pass its completion count: give \
                     --shard-count (the job's `completions`)"
                        .to_owned(),
                )
            })?;
            let shard = check(K8S, index, total)?;
            return Ok(Some((
                shard,
                format!("Kubernetes completion index {index} ({K8S})"),
            )));
        }

        const AWS: &str = "AWS_BATCH_JOB_ARRAY_INDEX";
        if let Some(text) = get(AWS) {
            let index = number(AWS, &text)?;
            const SIZE: &str = "AWS_BATCH_JOB_ARRAY_SIZE";
            let total = match get(SIZE) {
                Some(size) => agree(SIZE, number(SIZE, &size)?)?,
                None => count.ok_or_else(|| {
                    fail(
                        SIZE,
                        format!("not set, though {AWS} is: give --shard-count (the array size)"),
                    )
                })?,
            };
            let shard = check(AWS, index, total)?;
            return Ok(Some((
                shard,
                format!("AWS Batch array index {index} ({AWS})"),
            )));
        }
        Ok(None)
    }

    /// Whether the job at `position` (from 0) belongs to this shard.
    pub fn contains(&self, position: usize) -> bool {
        position % self.count == self.index
    }

    /// The shard this process runs, with where it came from: `flag` (`--shard I/N`) if given,
    /// else the array-job engine's variables read through `env` ([`Shard::from_env`], with
    /// `count` the shard count given where the engine does not say it), else every job. A
    /// count without an engine to say which shard this is, is an error.
    pub fn resolve(
        flag: Option<&str>,
        count: Option<usize>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(Shard, String), Error> {
        if let Some(text) = flag {
            return Ok((Shard::parse(text)?, "--shard".to_owned()));
        }
        match Shard::from_env(env, count)? {
            Some(found) => Ok(found),
            None if count.is_some() => Err(Error::Environment {
                variable: "SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX"
                    .to_owned(),
                message: "a shard count is given but none of these says which shard this is"
                    .to_owned(),
            }),
            None => Ok((Shard::ALL, "no array job".to_owned())),
        }
    }

    /// This shard's jobs, in order.
    pub fn select<'a, T>(&self, jobs: &'a [T]) -> Vec<&'a T> {
        jobs.iter().skip(self.index).step_by(self.count).collect()
    }
}

impl Default for Shard {
    /// [`Shard::ALL`].
    fn default() -> Self {
        Shard::ALL
    }
}

impl fmt::Display for Shard {
    /// `I/N`, as [`Shard::parse`] reads it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = Error;

    fn from_str(text: &str) -> Result<Shard, Error> {
        Shard::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// `from_env` over the variables `vars` and the flag's `count`.
    fn from(vars: &[(&str, &str)], count: Option<usize>) -> Result<Option<(Shard, String)>, Error> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Shard::from_env(&|name| map.get(name).cloned(), count)
    }

    fn shard(vars: &[(&str, &str)], count: Option<usize>) -> Shard {
        from(vars, count).unwrap().unwrap().0
    }

    #[test]
    fn parse() {
        assert_eq!(Shard::parse("0/1").unwrap(), Shard::ALL);
        assert_eq!(Shard::parse("2/3").unwrap(), Shard { index: 2, count: 3 });
        assert_eq!(
            " 1 / 4 ".parse::<Shard>().unwrap(),
            Shard { index: 1, count: 4 }
        );
        assert_eq!(Shard { index: 2, count: 3 }.to_string(), "2/3");
        for bad in ["3/3", "1/0", "0/0", "1", "a/3", "-1/3", "1/3/4", "/3", ""] {
            let error = Shard::parse(bad).unwrap_err().to_string();
            assert!(error.starts_with(&format!("shard `{bad}`: ")), "{error}");
        }
        assert!(
            Shard::parse("3/3")
                .unwrap_err()
                .to_string()
                .contains("from 0")
        );
    }

    #[test]
    fn shards_are_disjoint_and_cover_the_list_in_order() {
        let jobs: Vec<usize> = (0..10).collect();
        let mut all: Vec<usize> = Vec::new();
        for index in 0..3 {
            let shard = Shard { index, count: 3 };
            let mine: Vec<usize> = shard.select(&jobs).into_iter().copied().collect();
            assert!(mine.windows(2).all(|w| w[0] < w[1]), "in order: {mine:?}");
            assert!(mine.iter().all(|&p| shard.contains(p)));
            assert!(mine.iter().all(|p| !all.contains(p)), "disjoint");
            all.extend(mine);
        }
        all.sort_unstable();
        assert_eq!(all, jobs);
        assert_eq!(Shard { index: 1, count: 3 }.select(&jobs), [&1, &4, &7]);
        assert_eq!(Shard::ALL.select(&jobs).len(), 10);
        assert!(
            Shard {
                index: 5,
                count: 12
            }
            .select(&jobs)
            .len()
                == 1
        );
        assert!(
            Shard {
                index: 11,
                count: 12
            }
            .select(&jobs)
            .is_empty()
        );
    }

    #[test]
    fn slurm_normalises_min_and_step() {
        let mut indices = Vec::new();
        for id in ["1", "3", "5", "7"] {
            let vars = [
                ("SLURM_ARRAY_TASK_ID", id),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_STEP", "2"),
                ("SLURM_ARRAY_TASK_MAX", "7"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
            ];
            let (shard, name) = from(&vars, None).unwrap().unwrap();
            assert_eq!(shard.count, 4);
            assert_eq!(name, format!("Slurm array task {id} (SLURM_ARRAY_TASK_ID)"));
            indices.push(shard.index);
        }
        assert_eq!(indices, [0, 1, 2, 3]);
        let plain = [
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "5"),
        ];
        assert_eq!(shard(&plain, None), Shard { index: 2, count: 5 });
        assert_eq!(shard(&plain, Some(5)), Shard { index: 2, count: 5 });
    }

    #[test]
    fn slurm_errors() {
        let error = from(&[("SLURM_ARRAY_TASK_ID", "2")], None)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("SLURM_ARRAY_TASK_COUNT: not set"),
            "{error}"
        );
        let grid = |id| {
            from(
                &[
                    ("SLURM_ARRAY_TASK_ID", id),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                    ("SLURM_ARRAY_TASK_STEP", "2"),
                    ("SLURM_ARRAY_TASK_COUNT", "4"),
                ],
                None,
            )
        };
        assert!(grid("4").is_err(), "off the step");
        assert!(grid("0").is_err(), "below MIN");
        assert!(grid("9").is_err(), "beyond COUNT");
        assert!(grid("x").is_err());
        let plain = [
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "5"),
        ];
        let error = from(&plain, Some(4)).unwrap_err().to_string();
        assert!(error.contains("5 shards") && error.contains("4"), "{error}");
    }

    #[test]
    fn kubernetes_needs_the_count() {
        let vars = [("JOB_COMPLETION_INDEX", "3")];
        let error = from(&vars, None).unwrap_err().to_string();
        assert!(error.contains("give --shard-count"), "{error}");
        let (shard, name) = from(&vars, Some(8)).unwrap().unwrap();
        assert_eq!(shard, Shard { index: 3, count: 8 });
        assert_eq!(name, "Kubernetes completion index 3 (JOB_COMPLETION_INDEX)");
        assert!(from(&vars, Some(3)).is_err(), "index beyond the count");
    }

    #[test]
    fn aws_batch() {
        let vars = [
            ("AWS_BATCH_JOB_ARRAY_INDEX", "4"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "10"),
        ];
        assert_eq!(
            shard(&vars, None),
            Shard {
                index: 4,
                count: 10
            }
        );
        let alone = [("AWS_BATCH_JOB_ARRAY_INDEX", "4")];
        assert_eq!(shard(&alone, Some(6)), Shard { index: 4, count: 6 });
        assert!(from(&alone, None).is_err());
        assert!(from(&vars, Some(6)).is_err());
        assert!(
            from(
                &[
                    ("AWS_BATCH_JOB_ARRAY_INDEX", "10"),
                    ("AWS_BATCH_JOB_ARRAY_SIZE", "10")
                ],
                None
            )
            .is_err()
        );
    }

    #[test]
    fn precedence_and_absence() {
        let slurm = [
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ];
        let k8s = ("JOB_COMPLETION_INDEX", "5");
        let aws = [
            ("AWS_BATCH_JOB_ARRAY_INDEX", "7"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "9"),
        ];
        let all = [slurm[0], slurm[1], k8s, aws[0], aws[1]];
        assert_eq!(shard(&all, None), Shard { index: 1, count: 2 });
        let no_slurm = [k8s, aws[0], aws[1]];
        assert_eq!(shard(&no_slurm, Some(6)), Shard { index: 5, count: 6 });
        assert_eq!(shard(&aws, None), Shard { index: 7, count: 9 });
        assert!(from(&[], None).unwrap().is_none());
        assert!(
            from(&[("SLURM_ARRAY_TASK_ID", ""), ("SLURM_JOB_ID", "12")], None)
                .unwrap()
                .is_none()
        );
    }
}
