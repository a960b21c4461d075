//! Integration tests of oml-api against real HTTP servers on 127.0.0.1, started by the tests.
//!
//! - `server`: the test servers: a tiny_http one serving OpenML's responses (with injected
//!   status codes, slow answers and malformed documents) and a raw TCP one for faults below
//!   HTTP (dropped connections, truncated bodies).
//! - `evaluations`: OpenML's evaluation/list: parsing, filters, paging, no results, the cache
//!   read offline.
//! - `fetch`: fetching tasks and datasets into a cache, offline mode, retries and failures.
//! - `fetch_checks`: downloads checked before they are cached (HTML pages, bodies cut short),
//!   and fetching again to replace broken cache entries.
//! - `publish`: publishing a run directory: flow lookup and upload, the multipart run upload,
//!   `published.json`, refusals and server errors.
//! - `secrets`: the API key goes to the API's origin only and is redacted from every message.

mod evaluations;
mod fetch;
mod fetch_checks;
mod publish;
mod secrets;
mod server;
