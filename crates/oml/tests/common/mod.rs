//! What the sweep tests share: the `oml` binary run in a scratch directory that holds its
//! own store and cache, with no array-job variables from the environment the tests run in.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// `oml ARGS` in `dir`, with the store and the cache in `dir` and `env` set on top.
pub fn command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_oml"));
    command
        .current_dir(dir)
        .env("OML_STORE", dir.join("store"))
        .env("OPENML_CACHE_DIR", dir.join("cache"))
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("SLURM_CPUS_PER_TASK")
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
        .args(args)
        .envs(env.iter().copied());
    command
}

/// [`command`] run to its end.
pub fn oml_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    command(dir, args, env)
        .output()
        .expect("the oml binary runs")
}

/// The standard output of a command that must have succeeded; its output in the message if not.
pub fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        text(&output.stdout),
        text(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("oml prints UTF-8")
}

/// Bytes a command printed, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
