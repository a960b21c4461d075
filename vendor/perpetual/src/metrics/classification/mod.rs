pub mod metrics;
pub use metrics::*;
