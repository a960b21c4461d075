//! Fuzzes oml-data's ARFF reader on stable Rust, without cargo-fuzz or a nightly compiler.
//! The `fuzz_arff` binary only parses flags and loops; everything it does lives here, so the
//! tests below run the same check over the same kind of inputs.
//!
//! # Brief overview
//!
//! - [`check_arff`] runs the reader on arbitrary bytes. It must not panic, and what it accepts
//!   must survive [`ArffWriter`] and a second read unchanged.
//! - [`Mutator`] derives new inputs from a corpus: bit flips, byte inserts, deletes and
//!   replacements with bytes that matter to ARFF, chunk duplication, truncation, splicing, and
//!   copying or deleting whole lines.
//!   Its RNG is seeded, so a run repeats exactly.
//! - [`seeds`], [`fixtures_dir`] and [`BUILTIN_SEEDS`] give the starting corpus: every file
//!   under `fixtures/arff/` plus a few valid ARFF texts.
//!
//! ```
//! use oml_fuzz::{BUILTIN_SEEDS, Mutator, Outcome, check_arff};
//!
//! assert_eq!(check_arff(BUILTIN_SEEDS[0].as_bytes()), Outcome::Parsed);
//! let seeds = BUILTIN_SEEDS.iter().map(|s| s.as_bytes().to_vec()).collect();
//! let mut mutator = Mutator::new(seeds, 7);
//! for _ in 0..100 {
//!     check_arff(&mutator.next_input());
//! }
//! ```

#![deny(missing_docs)]

use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use oml_data::arff::{AttributeKind, Column};
use oml_data::{Arff, ArffWriter};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// What the reader made of an input that passed [`check_arff`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The reader accepted the input, and the result round-trips through the writer.
    Parsed,
    /// The reader returned an error.
    Rejected,
}

/// Runs the ARFF reader on `bytes`. When it accepts them, the result is written with
/// [`ArffWriter`] and read back, which must give an equal [`Arff`].
///
/// Panics when the reader or the writer panics or the round trip fails: a fuzzer's finding.
pub fn check_arff(bytes: &[u8]) -> Outcome {
    let Ok(arff) = Arff::from_bytes(bytes) else {
        return Outcome::Rejected;
    };
    let mut written = Vec::new();
    if let Err(e) = ArffWriter::new().write(&arff, &mut written) {
        panic!("the writer refuses what the reader returned: {e}\n{arff:?}");
    }
    // A date format need not determine the whole instant (`HH:mm` has no day, `yyyy` alone is
    // no date to chrono), yet a sparse row that leaves a date out sets it to the epoch. Such a
    // value is written as text that the format cannot turn back into it, so no ARFF text could
    // round-trip it: the invariant covers only files whose every date its format can represent.
    if !dates_representable(&arff) {
        return Outcome::Parsed;
    }
    let back = Arff::from_bytes(&written).unwrap_or_else(|e| {
        panic!(
            "the reader rejects what the writer wrote: {e}\nwritten:\n{}",
            String::from_utf8_lossy(&written)
        )
    });
    if back != arff {
        panic!(
            "reading back what the writer wrote changes {}\nwritten:\n{}",
            difference(&arff, &back),
            String::from_utf8_lossy(&written)
        );
    }
    Outcome::Parsed
}

/// Whether each date attribute's format prints every value of its column as text it parses
/// back to that value.
fn dates_representable(arff: &Arff) -> bool {
    arff.attributes
        .iter()
        .zip(&arff.columns)
        .all(|(attribute, column)| match (&attribute.kind, column) {
            (AttributeKind::Date(format), Column::Date(values)) => values
                .iter()
                .flatten()
                .all(|&millis| format.parse(&format.format(millis)) == Some(millis)),
            _ => true,
        })
}

/// Names the first part of `back` that differs from `arff`.
fn difference(arff: &Arff, back: &Arff) -> String {
    if arff.relation != back.relation {
        return format!("the relation {:?} to {:?}", arff.relation, back.relation);
    }
    if arff.description != back.description {
        return format!(
            "the description {:?} to {:?}",
            arff.description, back.description
        );
    }
    if arff.attributes != back.attributes {
        return format!(
            "the attributes {:?} to {:?}",
            arff.attributes, back.attributes
        );
    }
    for (j, (a, b)) in arff.columns.iter().zip(&back.columns).enumerate() {
        if a != b {
            return format!(
                "the column of attribute `{}` {a:?} to {b:?}",
                arff.attributes[j].name
            );
        }
    }
    "the number of columns".to_owned()
}

/// Valid ARFF texts that seed the corpus next to the files in `fixtures/arff/`: dense and
/// sparse rows, quoted nominal values, strings with escapes, dates and missing values.
pub const BUILTIN_SEEDS: &[&str] = &[
    "% A dense table\n% with a description\n@relation dense\n\n\
     @attribute x numeric\n@attribute 'y z' real\n@attribute n integer\n\
     @attribute class {no, yes}\n\n@data\n1.5,2e3,7,yes\n-0.25,.5,-3.9,no\n?,1e-300,?,?\n",
    "@RELATION sparse\n@ATTRIBUTE a NUMERIC\n@ATTRIBUTE b {x, y, z}\n@ATTRIBUTE c STRING\n\
     @ATTRIBUTE d INTEGER\n@DATA\n{0 1.5, 2 hello}\n{}\n{1 z, 3 4}\n{0 ?, 2 'a b'}\n",
    "@relation 'quoted nominals'\n@attribute c {' - 50000.', 'x,y', \"it's\", '50\\%', plain}\n\
     @attribute w numeric\n@data\n' - 50000.',1\n'x,y',2\n\"it's\",3\n'50\\%',?\nplain,4\n",
    "@relation strings\n@attribute id integer\n@attribute s string\n@data\n\
     1,'tab\\there'\n2,'\\u00e9t\\u00e9'\n3,\"say \\\"hi\\\"\"\n4,?\n5,''\n6,bare\n7,'\\101\\n'\n",
    "@relation dates\n@attribute t date\n@attribute d date 'yyyy-MM-dd'\n\
     @attribute m date \"dd/MM/yyyy HH:mm\"\n@data\n\
     '2001-02-03T04:05:06','2001-02-03','03/02/2001 04:05'\n?,'1970-01-01',?\n",
    "@relation missing\n@attribute a numeric\n@attribute b {u, v}\n@attribute c string\n\
     @data\n?,?,?\n,,\n1, u , 'x'\n",
    "% CRLF line ends\r\n@relation crlf\r\n@attribute a numeric\r\n@attribute b {p, q}\r\n\
     @data\r\n1,p\r\n2,q\r\n{0 3}\r\n",
    "@relation edges\n@attribute e {}\n@attribute q {'?', ''}\n@attribute s string\n\
     @attribute n numeric\n@data\n?,'?','',-0\n?,'',\"\",inf\n",
];

/// The directory whose files seed the corpus: the repository's `fixtures/arff/`.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/arff")
}

/// The contents of every file under `dir`, recursively, in path order.
pub fn seeds(dir: &Path) -> io::Result<Vec<Vec<u8>>> {
    let mut paths = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths.iter().map(std::fs::read).collect()
}

/// Bytes that mean something to ARFF, for inserts and replacements.
const INTERESTING: &[u8] = b",{}'\"\\%?\n\r@09-.e \t\xff\x80";

/// Fragments of ARFF, for inserts.
const WORDS: &[&[u8]] = &[
    b"@relation ",
    b"@attribute ",
    b"\n@data\n",
    b" numeric",
    b" integer",
    b" string",
    b" date",
    b" date 'HH:mm'",
    b" {a, b}",
    b"{}",
    b"{0 1}",
    b"\\u00e9",
    b"\\u12",
    b"\\777",
    b"1e308",
    b"-0",
    b"nan",
    b"inf",
    b"99999999999999999999999",
];

/// Inputs grow no larger than this.
const MAX_LEN: usize = 1 << 16;

/// Inputs kept next to the seeds: beyond this, a new one replaces a kept one.
const MAX_KEPT: usize = 4096;

/// Derives inputs from a corpus with seeded random mutations.
#[derive(Debug)]
pub struct Mutator {
    corpus: Vec<Vec<u8>>,
    n_seeds: usize,
    rng: StdRng,
}

impl Mutator {
    /// A mutator of `seeds`, its RNG seeded with `seed`. An empty `seeds` starts from one
    /// empty input.
    pub fn new(mut seeds: Vec<Vec<u8>>, seed: u64) -> Self {
        if seeds.is_empty() {
            seeds.push(Vec::new());
        }
        Mutator {
            n_seeds: seeds.len(),
            corpus: seeds,
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// The number of inputs mutations start from: the seeds and the inputs kept.
    pub fn corpus_len(&self) -> usize {
        self.corpus.len()
    }

    /// Adds `input` to the corpus, so later inputs may derive from it. Past a few thousand
    /// kept inputs it replaces a random earlier one; the seeds always stay.
    pub fn keep(&mut self, input: Vec<u8>) {
        if self.corpus.len() < self.n_seeds + MAX_KEPT {
            self.corpus.push(input);
        } else {
            let i = self.rng.gen_range(self.n_seeds..self.corpus.len());
            self.corpus[i] = input;
        }
    }

    /// A new input: a random corpus entry with one to four mutations.
    pub fn next_input(&mut self) -> Vec<u8> {
        let mut input = self.corpus[pick(&mut self.rng, self.corpus.len(), self.n_seeds)].clone();
        for _ in 0..self.rng.gen_range(1..=4) {
            self.mutate(&mut input);
        }
        input.truncate(MAX_LEN);
        input
    }

    /// Applies one random mutation to `input`.
    fn mutate(&mut self, input: &mut Vec<u8>) {
        let rng = &mut self.rng;
        let len = input.len();
        match rng.gen_range(0..19) {
            // Flip one bit.
            0 | 1 if len > 0 => {
                let i = rng.gen_range(0..len);
                input[i] ^= 1 << rng.gen_range(0..8);
            }
            // Insert an interesting byte.
            2..=4 => {
                let b = INTERESTING[rng.gen_range(0..INTERESTING.len())];
                input.insert(rng.gen_range(0..=len), b);
            }
            // Replace a byte with an interesting one.
            5..=7 if len > 0 => {
                input[rng.gen_range(0..len)] = INTERESTING[rng.gen_range(0..INTERESTING.len())];
            }
            // Delete a few bytes.
            8 | 9 if len > 0 => {
                let start = rng.gen_range(0..len);
                let end = start + rng.gen_range(1..=(len - start).min(8));
                input.drain(start..end);
            }
            // Duplicate a chunk somewhere else.
            10 | 11 if len > 0 => {
                let start = rng.gen_range(0..len);
                let end = start + rng.gen_range(1..=(len - start).min(64));
                let chunk = input[start..end].to_vec();
                let at = rng.gen_range(0..=len);
                input.splice(at..at, chunk);
            }
            // Insert an ARFF fragment.
            12 => {
                let word = WORDS[rng.gen_range(0..WORDS.len())];
                let at = rng.gen_range(0..=len);
                input.splice(at..at, word.iter().copied());
            }
            // Truncate.
            13 => input.truncate(rng.gen_range(0..=len)),
            // Splice: this input's start, another's end.
            14 | 15 => {
                let other = &self.corpus[pick(rng, self.corpus.len(), self.n_seeds)];
                let at = rng.gen_range(0..=len);
                let from = rng.gen_range(0..=other.len());
                input.truncate(at);
                input.extend_from_slice(&other[from..]);
            }
            // Copy a line of another input to the start of a line of this one, say an
            // `@attribute` declaration into a header.
            16 | 17 => {
                let other = &self.corpus[pick(rng, self.corpus.len(), self.n_seeds)];
                let line = random_line(rng, other);
                let at = random_line(rng, input).start;
                input.splice(at..at, other[line].iter().copied());
            }
            // Delete a line.
            _ => {
                let line = random_line(rng, input);
                input.drain(line);
            }
        }
    }
}

/// A random index into a corpus of `len` inputs whose first `n_seeds` are the seeds: a seed
/// half of the time, so the seeds stay as likely as the many inputs kept from their mutations.
fn pick(rng: &mut StdRng, len: usize, n_seeds: usize) -> usize {
    if rng.gen_bool(0.5) {
        rng.gen_range(0..n_seeds)
    } else {
        rng.gen_range(0..len)
    }
}

/// A random line of `bytes` with its line end; empty when it is the empty last line.
fn random_line(rng: &mut StdRng, bytes: &[u8]) -> Range<usize> {
    let n_lines = 1 + bytes.iter().filter(|&&b| b == b'\n').count();
    let k = rng.gen_range(0..n_lines);
    let start = if k == 0 {
        0
    } else {
        let (i, _) = bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(k - 1)
            .expect("k lines");
        i + 1
    };
    let end = bytes[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| start + i + 1);
    start..end
}

#[cfg(test)]
mod tests {
    use std::panic::{self, AssertUnwindSafe};

    use super::*;

    /// The built-in seeds and the files under `fixtures/arff/`.
    fn all_seeds() -> Vec<Vec<u8>> {
        let mut inputs: Vec<Vec<u8>> = BUILTIN_SEEDS.iter().map(|s| s.as_bytes().into()).collect();
        inputs.extend(seeds(&fixtures_dir()).expect("fixtures/arff/ is readable"));
        inputs
    }

    /// Runs [`check_arff`], naming the input when it panics.
    fn check(input: &[u8]) -> Outcome {
        panic::catch_unwind(AssertUnwindSafe(|| check_arff(input)))
            .unwrap_or_else(|_| panic!("check_arff panics on b\"{}\"", input.escape_ascii()))
    }

    #[test]
    fn builtin_seeds_parse() {
        for seed in BUILTIN_SEEDS {
            assert_eq!(check(seed.as_bytes()), Outcome::Parsed, "{seed}");
        }
    }

    #[test]
    fn seeds_and_2000_mutations_pass_the_check() {
        let seeds = all_seeds();
        for seed in &seeds {
            check(seed);
        }
        let mut mutator = Mutator::new(seeds, 0);
        for _ in 0..2000 {
            let input = mutator.next_input();
            if check(&input) == Outcome::Parsed {
                mutator.keep(input);
            }
        }
    }

    #[test]
    fn mutations_repeat_for_a_seed() {
        let run = |seed| {
            let mut mutator = Mutator::new(all_seeds(), seed);
            (0..50).map(|_| mutator.next_input()).collect::<Vec<_>>()
        };
        assert_eq!(run(3), run(3));
        assert_ne!(run(3), run(4));
    }
}
