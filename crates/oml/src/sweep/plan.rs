//! The sweep file and its expansion into jobs.
