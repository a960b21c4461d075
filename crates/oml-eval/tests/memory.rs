//! Issue 18: with the counting allocator installed, each unit reports the heap bytes it held,
//! and a unit on 10 times the rows reports clearly more.

use oml_eval::{CountingAllocator, EvaluatorBuilder, PEAK_HEAP_MEASURE};
use oml_flow::builtin_flow;
use oml_task::{LocalTaskBuilder, Resampling};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// The largest unit's peak heap bytes of `flow` on a generated table of `rows` rows, holdout.
fn peak_bytes(flow: &str, rows: usize) -> (u64, f64) {
    let dataset = oml_data::SyntheticBuilder::new()
        .rows(rows)
        .numeric(10)
        .nominal(2)
        .seed(3)
        .build()
        .unwrap();
    let task = LocalTaskBuilder::new()
        .target(oml_data::SYNTHETIC_TARGET)
        .resampling("holdout:33".parse::<Resampling>().unwrap())
        .build(dataset)
        .unwrap();
    let evaluation = EvaluatorBuilder::new()
        .threads(1)
        .build()
        .unwrap()
        .evaluate(&builtin_flow(flow).unwrap(), &task)
        .unwrap();
    let unit = evaluation.units[0]
        .peak_heap_bytes
        .expect("the allocator counts");
    let summary = evaluation.summary();
    (unit, summary.measures[PEAK_HEAP_MEASURE].value)
}

#[test]
fn a_unit_on_ten_times_the_rows_holds_clearly_more_heap() {
    for flow in ["decision-tree", "gaussian-nb"] {
        let (small, small_value) = peak_bytes(flow, 2_000);
        let (large, large_value) = peak_bytes(flow, 20_000);
        eprintln!("{flow}: {small} bytes on 2,000 rows, {large} on 20,000");
        assert!(small > 10_000, "{flow}: {small} bytes");
        assert!(large > 5 * small, "{flow}: {large} bytes vs {small}");
        assert_eq!(small_value, small as f64, "one unit: the value is its peak");
        assert_eq!(large_value, large as f64);
    }
}

#[test]
fn without_work_a_measurement_is_zero_and_nesting_keeps_the_outer_peak() {
    let ((), outer) = oml_eval::peak_heap_bytes(|| {
        let held = vec![0u8; 1 << 20];
        let ((), inner) = oml_eval::peak_heap_bytes(|| {
            let more = vec![1u8; 1 << 16];
            std::hint::black_box(&more);
        });
        assert!(inner.unwrap() >= 1 << 16);
        std::hint::black_box(&held);
    });
    assert!(outer.unwrap() >= (1 << 20) + (1 << 16), "{outer:?}");
    let ((), nothing) = oml_eval::peak_heap_bytes(|| ());
    assert_eq!(nothing, Some(0));
}
