//! `arff_parse`: how fast the ARFF reader turns bytes into columns, in MB/s.
//!
//! - `dense_numeric/100000x50`: about 50 MB, 100,000 rows of 50 numbers with 6 decimals and a
//!   nominal class (the shape of a typical OpenML numeric dataset).
//! - `nominal/100000x50`: 50 nominal columns of 3 to 40 values, some quoted with spaces.
//! - `sparse/2000x5000`: sparse rows with about 2% non-zero entries.
//! - `dataset/100000x50`: the dense file all the way to a `Dataset` (polars table).
//!
//! Every input is parsed on one thread (the reader's `threads(1)`); `dense_numeric_all_cores`
//! parses the dense file with the default, one block per core.
//!
//! Inputs are generated with fixed seeds outside the timed closures.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use oml_data::{ArffReaderBuilder, Dataset};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn dense_numeric(rows: usize, cols: usize) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(1);
    let mut out = String::from("@relation dense\n");
    for j in 0..cols {
        writeln!(out, "@attribute f{j} numeric").unwrap();
    }
    out.push_str("@attribute class {negative, positive}\n@data\n");
    for _ in 0..rows {
        for _ in 0..cols {
            let x: f64 = rng.gen_range(-100.0..100.0);
            write!(out, "{x:.6},").unwrap();
        }
        out.push_str(if rng.gen_bool(0.5) {
            "positive\n"
        } else {
            "negative\n"
        });
    }
    out.into_bytes()
}

fn nominal(rows: usize, cols: usize) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(2);
    let mut out = String::from("@relation nominal\n");
    let mut values = Vec::new();
    for j in 0..cols {
        let n = 3 + (j * 7) % 38;
        let names: Vec<String> = (0..n)
            .map(|v| {
                if v % 4 == 0 {
                    format!("'value {v} of {j}'")
                } else {
                    format!("v{v}")
                }
            })
            .collect();
        writeln!(out, "@attribute n{j} {{{}}}", names.join(",")).unwrap();
        values.push(names);
    }
    out.push_str("@data\n");
    for _ in 0..rows {
        for (j, names) in values.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(&names[rng.gen_range(0..names.len())]);
        }
        out.push('\n');
    }
    out.into_bytes()
}

fn sparse(rows: usize, cols: usize) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(3);
    let mut out = String::from("@relation sparse\n");
    for j in 0..cols {
        writeln!(out, "@attribute a{j} numeric").unwrap();
    }
    out.push_str("@data\n");
    for _ in 0..rows {
        out.push('{');
        let mut first = true;
        for j in 0..cols {
            if rng.gen_bool(0.02) {
                if !first {
                    out.push(',');
                }
                first = false;
                write!(out, "{j} {}", rng.gen_range(1..1000)).unwrap();
            }
        }
        out.push_str("}\n");
    }
    out.into_bytes()
}

/// A header of `attributes` numeric attributes and a class, then two rows: the header is
/// what costs (issue 15 item 8: the duplicate check was quadratic).
fn wide_header(attributes: usize) -> Vec<u8> {
    let mut out = String::from("@relation wide\n");
    for i in 0..attributes {
        out.push_str(&format!("@attribute a{i} numeric\n"));
    }
    out.push_str("@attribute class {x,y}\n@data\n");
    for label in ["x", "y"] {
        out.push_str(&"1,".repeat(attributes));
        out.push_str(label);
        out.push('\n');
    }
    out.into_bytes()
}

/// Reading the header of a file with a million attributes, and the dataset made of it.
fn wide(c: &mut Criterion) {
    let mut group = c.benchmark_group("arff_wide");
    group.sample_size(10);
    let bytes = wide_header(1_000_000);
    let reader = ArffReaderBuilder::new().build();
    group.bench_function("header_1000000_attributes", |b| {
        b.iter(|| reader.read(black_box(&bytes[..])).unwrap())
    });
    group.bench_function("dataset_1000000_attributes", |b| {
        b.iter(|| Dataset::from_arff(reader.read(black_box(&bytes[..])).unwrap()).unwrap())
    });
    group.finish();
}

fn arff_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("arff_parse");
    group.sample_size(10);
    let inputs = [
        ("dense_numeric", "100000x50", dense_numeric(100_000, 50)),
        ("nominal", "100000x50", nominal(100_000, 50)),
        ("sparse", "2000x5000", sparse(2_000, 5_000)),
    ];
    let one_thread = ArffReaderBuilder::new().threads(1).build();
    for (name, shape, bytes) in &inputs {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new(*name, shape), bytes, |b, bytes| {
            b.iter(|| one_thread.read(black_box(&bytes[..])).unwrap())
        });
    }
    let (_, shape, bytes) = &inputs[0];
    let all_cores = ArffReaderBuilder::new().build();
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("dense_numeric_all_cores", shape),
        bytes,
        |b, bytes| b.iter(|| all_cores.read(black_box(&bytes[..])).unwrap()),
    );
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_with_input(BenchmarkId::new("dataset", shape), bytes, |b, bytes| {
        b.iter(|| {
            let arff = one_thread.read(black_box(&bytes[..])).unwrap();
            Dataset::from_arff(arff).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, arff_parse, wide);
criterion_main!(benches);
