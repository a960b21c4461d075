//! Integration tests of oml-api against real HTTP servers on 127.0.0.1, started by the tests.
//!
//! - `server`: the test servers: a tiny_http one serving OpenML's responses (with injected
//!   status codes, slow answers and malformed documents) and a raw TCP one for faults below
//!   HTTP (dropped connections, truncated bodies).
//! - `fetch`: fetching tasks and datasets into a cache, offline mode, retries and failures.

mod fetch;
mod server;
