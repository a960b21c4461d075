//! `fuzz_arff`: mutation-fuzzes oml-data's ARFF reader on stable Rust.
//!
//! Seeds are every file under `fixtures/arff/` plus built-in valid ARFF texts. Each input runs
//! through [`oml_fuzz::check_arff`] under `catch_unwind`; the first one that panics is written
//! to `fuzz/artifacts/crash-<hash>.arff` and the run fails. `--replay FILE` checks one file.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use oml_fuzz::{BUILTIN_SEEDS, Mutator, Outcome, check_arff, fixtures_dir, seeds};

const USAGE: &str = "usage: fuzz_arff [--seed N] [--seconds S | --iterations N] [--replay FILE]";

/// The command line as written.
struct Args {
    seed: u64,
    seconds: u64,
    iterations: Option<u64>,
    replay: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("fuzz_arff: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match &args.replay {
        Some(path) => replay(path),
        None => fuzz(&args),
    }
}

fn parse_args(mut words: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args {
        seed: 0,
        seconds: 30,
        iterations: None,
        replay: None,
    };
    while let Some(flag) = words.next() {
        let mut value = || words.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |text: String| {
            text.parse::<u64>()
                .map_err(|_| format!("{flag} takes a whole number, not `{text}`"))
        };
        match flag.as_str() {
            "--seed" => args.seed = number(value()?)?,
            "--seconds" => args.seconds = number(value()?)?,
            "--iterations" => args.iterations = Some(number(value()?)?),
            "--replay" => args.replay = Some(value()?.into()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(args)
}

fn fuzz(args: &Args) -> ExitCode {
    let mut corpus: Vec<Vec<u8>> = BUILTIN_SEEDS.iter().map(|s| s.as_bytes().into()).collect();
    let dir = fixtures_dir();
    match seeds(&dir) {
        Ok(files) => corpus.extend(files),
        Err(e) => eprintln!("fuzz_arff: no seeds from {}: {e}", dir.display()),
    }
    println!(
        "fuzz_arff: {} seeds, seed {}, {}",
        corpus.len(),
        args.seed,
        match args.iterations {
            Some(n) => format!("{n} iterations"),
            None => format!("{} seconds", args.seconds),
        }
    );
    let mut mutator = Mutator::new(corpus, args.seed);
    let deadline = Duration::from_secs(args.seconds);
    let start = Instant::now();
    let (mut iterations, mut parsed, mut rejected) = (0u64, 0u64, 0u64);
    loop {
        let done = match args.iterations {
            Some(n) => iterations >= n,
            None => start.elapsed() >= deadline,
        };
        if done {
            break;
        }
        let input = mutator.next_input();
        iterations += 1;
        match panic::catch_unwind(AssertUnwindSafe(|| check_arff(&input))) {
            Ok(Outcome::Parsed) => {
                parsed += 1;
                mutator.keep(input);
            }
            Ok(Outcome::Rejected) => rejected += 1,
            Err(_) => return crashed(&input, iterations),
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "fuzz_arff: {iterations} iterations in {seconds:.1} s ({:.0}/s): {parsed} parsed, \
         {rejected} rejected, corpus of {}",
        iterations as f64 / seconds.max(1e-9),
        mutator.corpus_len()
    );
    ExitCode::SUCCESS
}

/// Saves an input that made the check panic (the panic hook has printed why).
fn crashed(input: &[u8], iteration: u64) -> ExitCode {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts");
    let path = dir.join(format!("crash-{:016x}.arff", fnv1a(input)));
    let saved = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, input));
    match saved {
        Ok(()) => eprintln!(
            "fuzz_arff: iteration {iteration} panicked; input saved to {}",
            path.display()
        ),
        Err(e) => eprintln!(
            "fuzz_arff: iteration {iteration} panicked; cannot save the input to {}: {e}\n\
             input: b\"{}\"",
            path.display(),
            input.escape_ascii()
        ),
    }
    ExitCode::FAILURE
}

/// Checks one saved input.
fn replay(path: &Path) -> ExitCode {
    let input = match std::fs::read(path) {
        Ok(input) => input,
        Err(e) => {
            eprintln!("fuzz_arff: cannot read {}: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    match panic::catch_unwind(|| check_arff(&input)) {
        Ok(outcome) => {
            println!("fuzz_arff: {}: {outcome:?}", path.display());
            ExitCode::SUCCESS
        }
        Err(_) => ExitCode::FAILURE,
    }
}

/// FNV-1a, a hash that is the same on every platform and Rust version, to name artifacts.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
