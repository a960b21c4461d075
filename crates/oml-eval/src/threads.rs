//! The evaluator's threads where a cluster sets them.

/// The threads Slurm gives each task: `SLURM_CPUS_PER_TASK` when set to a positive integer,
/// read through `env`. `oml run` and every sweep job default to it.
pub fn threads_from_env(env: &dyn Fn(&str) -> Option<String>) -> Option<usize> {
    env("SLURM_CPUS_PER_TASK")
        .and_then(|text| text.trim().parse::<usize>().ok())
        .filter(|&threads| threads > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads() {
        let env = |value: &'static str| {
            move |name: &str| (name == "SLURM_CPUS_PER_TASK").then(|| value.to_owned())
        };
        assert_eq!(threads_from_env(&env("8")), Some(8));
        assert_eq!(threads_from_env(&env("0")), None);
        assert_eq!(threads_from_env(&env("many")), None);
        assert_eq!(threads_from_env(&|_| None), None);
    }
}
