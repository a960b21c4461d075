//! The commands: clap's types ([`args`]), the environment resolved once ([`env`]), and one
//! module per group of commands, each only turning arguments into library calls and printing.

pub mod args;
pub mod env;
pub mod fetch;
pub mod info;
pub mod run;
pub mod store;
pub mod sweep;
