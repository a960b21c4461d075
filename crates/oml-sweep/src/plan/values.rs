//! The values a sweep takes as text: seeds, durations, and places in the file.

use std::time::Duration;

use crate::error::Error;

/// Parses seeds as `oml sweep --seed` takes them: `7`, `1..5` (half-open: 1, 2, 3, 4) or
/// `1..=5`. An empty range is an error.
pub fn parse_seeds(text: &str) -> Result<Vec<u64>, Error> {
    seeds_of(text).map_err(|message| Error::Invalid {
        path: None,
        line: None,
        entry: "seeds".to_owned(),
        message,
    })
}

/// Parses a duration: whole seconds (`90`) or numbers with units `d`, `h`, `m`, `s`, largest
/// first, each at most once (`90s`, `10m`, `2h`, `1h30m`, `1d`). It must be positive.
pub fn parse_duration(text: &str) -> Result<Duration, Error> {
    duration_of(text).map_err(|message| Error::Invalid {
        path: None,
        line: None,
        entry: "time limit".to_owned(),
        message,
    })
}

/// The smallest memory limit a job takes. Under `RLIMIT_DATA` an `oml run` of iris with two
/// threads needs 8 MiB (below it the evaluator cannot start its threads, whose stacks count),
/// and more threads need more; a lower limit would fail every job before it starts.
pub const MIN_MEMORY_LIMIT: u64 = 64 << 20;

/// Parses a memory size as Slurm's `--mem` writes them, with a unit: `K`, `M`, `G` or `T`
/// (powers of 1024; a trailing `B` or `iB` is allowed), and a whole or decimal number: `512M`,
/// `2G`, `1.5G`. It must be at least [`MIN_MEMORY_LIMIT`].
pub fn parse_memory(text: &str) -> Result<u64, Error> {
    memory_of(text).map_err(|message| Error::Invalid {
        path: None,
        line: None,
        entry: "memory limit".to_owned(),
        message,
    })
}

pub(super) fn memory_of(text: &str) -> Result<u64, String> {
    let bad = || format!("`{text}` is not a memory size: write 512M, 2G or 1.5G");
    let trimmed = text.trim();
    let without_b = trimmed
        .strip_suffix("iB")
        .or_else(|| trimmed.strip_suffix('B'))
        .unwrap_or(trimmed);
    let unit_at = without_b
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(bad)?;
    let (number, unit) = without_b.split_at(unit_at);
    let shift = match unit.to_ascii_uppercase().as_str() {
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return Err(bad()),
    };
    let number: f64 = number.trim().parse().map_err(|_| bad())?;
    if !number.is_finite() || number <= 0.0 {
        return Err(bad());
    }
    let bytes = (number * (1u64 << shift) as f64).round();
    if bytes >= u64::MAX as f64 {
        return Err(bad());
    }
    let bytes = bytes as u64;
    if bytes < MIN_MEMORY_LIMIT {
        return Err(format!(
            "{text} is below the {} a job needs to start",
            format_memory(MIN_MEMORY_LIMIT)
        ));
    }
    Ok(bytes)
}

/// `64 MiB`, `2 GiB`, `1.5 GiB`: a memory size as people read it.
pub fn format_memory(bytes: u64) -> String {
    let units = [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)];
    for (name, shift) in units {
        if bytes >= 1 << shift {
            let value = bytes as f64 / (1u64 << shift) as f64;
            let text = format!("{value:.2}");
            let text = text.trim_end_matches('0').trim_end_matches('.');
            return format!("{text} {name}");
        }
    }
    format!("{bytes} B")
}

/// `90 s`, `10 min`, `2 h 5 min`: a duration as people read it.
pub fn format_duration(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds < 60.0 {
        return format!("{seconds} s");
    }
    let whole = duration.as_secs();
    let (hours, minutes, rest) = (whole / 3600, whole % 3600 / 60, whole % 60);
    let mut parts = Vec::new();
    if hours > 0 {
        parts.push(format!("{hours} h"));
    }
    if minutes > 0 {
        parts.push(format!("{minutes} min"));
    }
    if rest > 0 {
        parts.push(format!("{rest} s"));
    }
    parts.join(" ")
}

/// The line and the column (in characters), both from 1, of byte `offset` of `text`.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = text
        .get(start..offset)
        .map_or(offset - start, |s| s.chars().count());
    (line, column + 1)
}

/// The most seeds one range may give.
pub(super) const MAX_RANGE: u128 = 1_000_000;

/// The seeds of `7`, `1..5` or `1..=5`, or a message naming the text.
pub(super) fn seeds_of(text: &str) -> Result<Vec<u64>, String> {
    let trimmed = text.trim();
    let bad =
        || format!("`{text}` is not a seed or a range of seeds: write 7, 1..5 (1 to 4) or 1..=5");
    let number = |part: &str| {
        let part = part.trim();
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse::<u64>().map_err(|_| bad())
    };
    let Some((start, end)) = trimmed.split_once("..") else {
        return Ok(vec![number(trimmed)?]);
    };
    let (end, inclusive) = match end.strip_prefix('=') {
        Some(end) => (end, true),
        None => (end, false),
    };
    let (start, end) = (number(start)?, number(end)?);
    let count = (u128::from(end) + u128::from(inclusive)).saturating_sub(u128::from(start));
    if count == 0 {
        return Err(format!(
            "`{text}` is an empty range (1..5 is 1 to 4, 1..=5 is 1 to 5)"
        ));
    }
    if count > MAX_RANGE {
        return Err(format!("`{text}` has more than {MAX_RANGE} seeds"));
    }
    Ok(if inclusive {
        (start..=end).collect()
    } else {
        (start..end).collect()
    })
}

/// The duration of `90`, `90s`, `10m`, `2h`, `1h30m`, `1d`, or a message naming the text.
pub(super) fn duration_of(text: &str) -> Result<Duration, String> {
    let bad =
        || format!("`{text}` is not a duration: write 90 (seconds), 90s, 10m, 2h, 1h30m or 1d");
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    if rest.bytes().all(|b| b.is_ascii_digit()) {
        total = rest.parse().map_err(|_| bad())?;
    } else {
        // Units largest first, each once: the rank must fall.
        let mut last_rank = usize::MAX;
        while !rest.is_empty() {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            let number: u64 = rest[..digits].parse().map_err(|_| bad())?;
            let (rank, unit) = match rest[digits..].chars().next() {
                Some('d') => (3, 86_400),
                Some('h') => (2, 3_600),
                Some('m') => (1, 60),
                Some('s') => (0, 1),
                _ => return Err(bad()),
            };
            if rank >= last_rank {
                return Err(bad());
            }
            last_rank = rank;
            total = number
                .checked_mul(unit)
                .and_then(|seconds| total.checked_add(seconds))
                .ok_or_else(|| format!("`{text}` is too long"))?;
            rest = &rest[digits + 1..];
        }
    }
    if total == 0 {
        return Err(format!(
            "`{text}` is no time: a time limit must be positive"
        ));
    }
    Ok(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_sizes_read_as_slurm_writes_them() {
        assert_eq!(memory_of("2G"), Ok(2 << 30));
        assert_eq!(memory_of("512M"), Ok(512 << 20));
        assert_eq!(memory_of("1.5GiB"), Ok(3 << 29));
        assert_eq!(memory_of("65536k"), Ok(64 << 20));
        assert_eq!(memory_of("1T"), Ok(1 << 40));
        for bad in ["2000", "2X", "G", "-1G", "nanG", ""] {
            assert!(
                memory_of(bad).unwrap_err().contains("is not a memory size"),
                "{bad}"
            );
        }
        assert_eq!(
            memory_of("1M").unwrap_err(),
            "1M is below the 64 MiB a job needs to start"
        );
        assert_eq!(format_memory(3 << 29), "1.5 GiB");
        assert_eq!(format_memory(64 << 20), "64 MiB");
    }
}
