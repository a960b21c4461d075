//! Heap memory per unit: [`CountingAllocator`], a global allocator that counts the bytes each
//! thread holds, and [`peak_heap_bytes`], the most a closure's thread held above what it held
//! before. A program installs the allocator (`#[global_allocator]`, as the `oml` binary does);
//! without it there is nothing to count and units report no memory.
//!
//! What is counted: the allocations made on the unit's own thread while it fits and predicts
//! (its copies of the training and test rows included). A model that fits in parallel on rayon
//! (a forest's trees) allocates on other threads too, and those bytes count towards whatever
//! those threads run; while the unit's thread waits for such work it may run another unit's,
//! whose bytes then count towards this one. On one thread (`--threads 1`) the count is exact.
//!
//! This module holds the project's only `unsafe` code: the four `GlobalAlloc` methods, which
//! pass every call to [`System`] unchanged and only add to a thread-local count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

/// The system allocator, counting the bytes each thread holds (see the module's text).
#[derive(Debug, Default, Clone, Copy)]
pub struct CountingAllocator;

/// Set at the first allocation through [`CountingAllocator`]: it is installed.
static INSTALLED: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Bytes allocated minus bytes freed on this thread (negative when it frees what another
    /// thread allocated).
    static HELD: Cell<i64> = const { Cell::new(0) };
    /// The most [`HELD`] has been since [`peak_heap_bytes`] last reset it.
    static PEAK: Cell<i64> = const { Cell::new(0) };
}

/// Adds `delta` bytes to this thread's count. `try_with`: a thread's locals may be gone while
/// it exits, and its last frees are then not counted.
fn count(delta: i64) {
    let _ = HELD.try_with(|held| {
        let now = held.get() + delta;
        held.set(now);
        let _ = PEAK.try_with(|peak| {
            if now > peak.get() {
                peak.set(now);
            }
        });
    });
}

fn note_installed() {
    if !INSTALLED.load(Ordering::Relaxed) {
        INSTALLED.store(true, Ordering::Relaxed);
    }
}

/// Counts a new allocation of `layout` at `pointer` (none when it failed) and returns it.
fn counted_allocation(pointer: *mut u8, layout: Layout) -> *mut u8 {
    if !pointer.is_null() {
        note_installed();
        count(layout.size() as i64);
    }
    pointer
}

// SAFETY: every method passes its arguments to `System` unchanged and returns its result; the
// counting touches only thread-local `Cell`s with constant initialisers, which neither
// allocate nor unwind.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is `System.alloc`'s.
        counted_allocation(unsafe { System.alloc(layout) }, layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        counted_allocation(unsafe { System.alloc_zeroed(layout) }, layout)
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: `pointer` came from this allocator, that is from `System`, with `layout`.
        unsafe { System.dealloc(pointer, layout) };
        count(-(layout.size() as i64));
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as `dealloc`, and `new_size` is the caller's, checked by its contract.
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            count(new_size as i64 - layout.size() as i64);
        }
        moved
    }
}

/// Runs `f` and returns its value with the most heap bytes this thread held while it ran,
/// above what it held when `f` started: `None` when [`CountingAllocator`] is not the global
/// allocator. Calls nest: an outer measurement sees the inner one's peak.
pub fn peak_heap_bytes<T>(f: impl FnOnce() -> T) -> (T, Option<u64>) {
    let start = HELD.with(Cell::get);
    let outer_peak = PEAK.with(|peak| peak.replace(start));
    let value = f();
    let peak = PEAK.with(|p| {
        let peak = p.get();
        p.set(outer_peak.max(peak));
        peak
    });
    let bytes = INSTALLED
        .load(Ordering::Relaxed)
        .then(|| u64::try_from(peak - start).unwrap_or(0));
    (value, bytes)
}

/// The process's peak resident set size in bytes (`VmHWM` of `/proc/self/status`), where the
/// system reports it.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}
