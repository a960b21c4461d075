//! OpenML's six timing measures of a unit.

/// CPU and wall time of a unit's fit (training) and prediction (testing), in milliseconds.
///
/// CPU time is that of the thread that ran the unit (`CLOCK_THREAD_CPUTIME_ID`), so it stays
/// right when single-threaded models run in parallel units; openml-python measures the whole
/// process and cannot. A model that runs work on other threads is measured only on its own
/// thread: the `forest` flow fits its trees on the evaluator's rayon pool, so its trees run
/// on whichever worker is free, and its per-unit CPU times are approximate (the linfa
/// estimators and the other flows use one thread). `NaN` where the platform has no thread
/// clock.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Timings {
    /// CPU time of the fit.
    pub usercpu_time_millis_training: f64,
    /// CPU time of the prediction.
    pub usercpu_time_millis_testing: f64,
    /// Wall time of the fit.
    pub wall_clock_time_millis_training: f64,
    /// Wall time of the prediction.
    pub wall_clock_time_millis_testing: f64,
}

impl Timings {
    /// OpenML's names and values, in openml-python's order: training CPU, training wall,
    /// testing CPU, total CPU, testing wall, total wall.
    pub fn measures(&self) -> [(&'static str, f64); 6] {
        [
            (
                "usercpu_time_millis_training",
                self.usercpu_time_millis_training,
            ),
            (
                "wall_clock_time_millis_training",
                self.wall_clock_time_millis_training,
            ),
            (
                "usercpu_time_millis_testing",
                self.usercpu_time_millis_testing,
            ),
            (
                "usercpu_time_millis",
                self.usercpu_time_millis_training + self.usercpu_time_millis_testing,
            ),
            (
                "wall_clock_time_millis_testing",
                self.wall_clock_time_millis_testing,
            ),
            (
                "wall_clock_time_millis",
                self.wall_clock_time_millis_training + self.wall_clock_time_millis_testing,
            ),
        ]
    }

    pub(crate) fn add_training(&mut self, (cpu, wall): (f64, f64)) {
        self.usercpu_time_millis_training += cpu;
        self.wall_clock_time_millis_training += wall;
    }

    pub(crate) fn add_testing(&mut self, (cpu, wall): (f64, f64)) {
        self.usercpu_time_millis_testing += cpu;
        self.wall_clock_time_millis_testing += wall;
    }
}
