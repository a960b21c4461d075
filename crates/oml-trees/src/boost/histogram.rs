//! A node's histogram: gradient and hessian sums and row counts per (feature, bin). A small
//! node's histogram marks the bins its rows fall in, so that clearing it, subtracting it and
//! scanning its features cost those few bins rather than every bin of every feature.

/// The sums of one histogram bin.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Bin {
    pub g: f64,
    pub h: f64,
    pub count: u32,
    /// Always 0: with no padding, zeroing many bins is one `memset`.
    _zero: u32,
}

impl Bin {
    /// A bin with these sums.
    #[inline]
    pub fn new(g: f64, h: f64, count: u32) -> Self {
        Bin {
            g,
            h,
            count,
            _zero: 0,
        }
    }

    /// Whether no row falls in the bin. A candidate split after an empty bin has the same rows
    /// on each side as the one before it (the same sums, up to a rounding residue a subtracted
    /// histogram can leave), so scans skip it.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// A marked histogram is cleared bin by bin when fewer than one bin in this many is marked;
/// otherwise at once.
const SPARSE_CLEAR: usize = 8;

/// Every bin of a tree's features. While `marked`, a bit per bin tells the bins that may be
/// non-zero, and every other bin is zero; otherwise any bin may be.
#[derive(Debug, Clone)]
pub(crate) struct Histogram {
    bins: Vec<Bin>,
    marks: Vec<u64>,
    marked: bool,
}

impl Histogram {
    /// A zero histogram of `len` bins (marked, with no bin marked).
    pub fn zeroed(len: usize) -> Self {
        Histogram {
            bins: vec![Bin::default(); len],
            marks: vec![0; len.div_ceil(64)],
            marked: true,
        }
    }

    /// The bins.
    #[inline]
    pub fn bins(&self) -> &[Bin] {
        &self.bins
    }

    /// The bins, to be written: each one written marked with [`mark`](Self::mark), unless
    /// the histogram is [`unmarked`](Self::unmark).
    #[inline]
    pub fn bins_mut(&mut self) -> &mut [Bin] {
        &mut self.bins
    }

    /// Whether the histogram marks its bins that may be non-zero.
    #[inline]
    pub fn is_marked(&self) -> bool {
        self.marked
    }

    /// Marks bin `i` as possibly non-zero.
    #[inline]
    pub fn mark(&mut self, i: usize) {
        self.marks[i >> 6] |= 1 << (i & 63);
    }

    /// Stops marking: any bin may now be non-zero.
    pub fn unmark(&mut self) {
        self.marked = false;
    }

    /// Zeroes the histogram: its marked bins one by one if they are few
    /// ([`SPARSE_CLEAR`]), or else every bin at once.
    pub fn clear(&mut self) {
        let few_marked = || {
            let marked_bins: u32 = self.marks.iter().map(|w| w.count_ones()).sum();
            (marked_bins as usize) * SPARSE_CLEAR < self.bins.len()
        };
        if self.marked && few_marked() {
            for (w, word) in self.marks.iter_mut().enumerate() {
                let mut bits = *word;
                while bits != 0 {
                    self.bins[w * 64 + bits.trailing_zeros() as usize] = Bin::default();
                    bits &= bits - 1;
                }
            }
        } else {
            self.bins.fill(Bin::default());
        }
        self.marks.fill(0);
        self.marked = true;
    }

    /// The marked bins in `start..stop`, in increasing order (a marked histogram's others
    /// there are zero).
    #[inline]
    pub fn marked_in(&self, start: usize, stop: usize) -> Marked<'_> {
        let word = start / 64;
        let bits = match self.marks.get(word) {
            Some(&w) if start < stop => w & (!0u64 << (start % 64)),
            _ => 0,
        };
        Marked {
            marks: &self.marks,
            word,
            bits,
            stop,
        }
    }

    /// The marked bins in `start..stop`, in decreasing order.
    #[inline]
    pub fn marked_in_rev(&self, start: usize, stop: usize) -> MarkedRev<'_> {
        let (word, bits) = if start < stop {
            let last = stop - 1;
            (
                last / 64,
                self.marks[last / 64] & (!0u64 >> (63 - last % 64)),
            )
        } else {
            (0, 0)
        };
        MarkedRev {
            marks: &self.marks,
            word,
            bits,
            start,
        }
    }

    /// Subtracts `other`, the histogram of some of this one's rows: only `other`'s marked
    /// bins if it is marked (its rows fall in no other bin).
    pub fn subtract(&mut self, other: &Histogram) {
        let sub = |a: &mut Bin, b: &Bin| {
            a.g -= b.g;
            a.h -= b.h;
            a.count -= b.count;
        };
        if other.marked {
            for i in other.marked_in(0, other.bins.len()) {
                sub(&mut self.bins[i], &other.bins[i]);
            }
        } else {
            for (a, b) in self.bins.iter_mut().zip(&other.bins) {
                sub(a, b);
            }
        }
    }
}

/// The marked bins of a range of a [`Histogram`], in increasing order.
pub(crate) struct Marked<'a> {
    marks: &'a [u64],
    word: usize,
    bits: u64,
    stop: usize,
}

impl Iterator for Marked<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        loop {
            if self.bits != 0 {
                let i = self.word * 64 + self.bits.trailing_zeros() as usize;
                if i >= self.stop {
                    return None;
                }
                self.bits &= self.bits - 1;
                return Some(i);
            }
            self.word += 1;
            if self.word * 64 >= self.stop {
                return None;
            }
            self.bits = self.marks[self.word];
        }
    }
}

/// The marked bins of a range of a [`Histogram`], in decreasing order.
pub(crate) struct MarkedRev<'a> {
    marks: &'a [u64],
    word: usize,
    bits: u64,
    start: usize,
}

impl Iterator for MarkedRev<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        loop {
            if self.bits != 0 {
                let i = self.word * 64 + 63 - self.bits.leading_zeros() as usize;
                if i < self.start {
                    return None;
                }
                self.bits &= !(1 << (i & 63));
                return Some(i);
            }
            if self.word * 64 <= self.start {
                return None;
            }
            self.word -= 1;
            self.bits = self.marks[self.word];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(h: &Histogram, start: usize, stop: usize) -> Vec<usize> {
        h.marked_in(start, stop).collect()
    }

    fn bin(g: f64, h: f64, count: u32) -> Bin {
        Bin::new(g, h, count)
    }

    #[test]
    fn marked_bins_are_listed_within_the_range_in_order() {
        let mut h = Histogram::zeroed(200);
        for i in [0, 5, 63, 64, 65, 127, 128, 199] {
            h.mark(i);
        }
        assert_eq!(marked(&h, 0, 200), [0, 5, 63, 64, 65, 127, 128, 199]);
        assert_eq!(marked(&h, 5, 128), [5, 63, 64, 65, 127]);
        assert_eq!(marked(&h, 6, 63), Vec::<usize>::new());
        assert_eq!(marked(&h, 64, 64), Vec::<usize>::new());
        assert_eq!(marked(&h, 199, 200), [199]);
        let rev = |start, stop| h.marked_in_rev(start, stop).collect::<Vec<_>>();
        assert_eq!(rev(0, 200), [199, 128, 127, 65, 64, 63, 5, 0]);
        assert_eq!(rev(5, 128), [127, 65, 64, 63, 5]);
        assert_eq!(rev(1, 64), [63, 5]);
        assert_eq!(rev(6, 63), Vec::<usize>::new());
        assert_eq!(rev(64, 64), Vec::<usize>::new());
        assert_eq!(rev(129, 200), [199]);
    }

    #[test]
    fn clearing_zeroes_and_subtraction_reads_only_marked_bins() {
        let mut h = Histogram::zeroed(130);
        for i in [3, 64, 129] {
            h.bins_mut()[i] = bin(1.5, 2.0, 4);
            h.mark(i);
        }
        let mut small = Histogram::zeroed(130);
        small.bins_mut()[64] = bin(0.5, 1.0, 1);
        small.mark(64);
        // Not marked, so taken to be zero.
        small.bins_mut()[3].count = 2;
        h.subtract(&small);
        let b = h.bins()[64];
        assert_eq!((b.g, b.h, b.count), (1.0, 1.0, 3));
        assert_eq!(h.bins()[3].count, 4);
        // An unmarked histogram subtracts every bin.
        small.unmark();
        h.subtract(&small);
        assert_eq!((h.bins()[3].count, h.bins()[64].count), (2, 2));
        h.clear();
        assert!(
            h.bins()
                .iter()
                .all(|b| b.count == 0 && b.g == 0.0 && b.h == 0.0)
        );
        assert!(h.is_marked() && marked(&h, 0, 130).is_empty());
        // Many marked bins are cleared at once.
        let mut half = Histogram::zeroed(130);
        for i in (0..130).step_by(2) {
            half.bins_mut()[i] = bin(1.0, 1.0, 1);
            half.mark(i);
        }
        half.clear();
        assert!(half.bins().iter().all(|b| b.count == 0 && b.g == 0.0));
        assert!(half.is_marked() && marked(&half, 0, 130).is_empty());
        let mut full = Histogram::zeroed(130);
        full.bins_mut().fill(bin(1.0, 1.0, 1));
        full.unmark();
        full.clear();
        assert!(full.bins().iter().all(|b| b.count == 0 && b.h == 0.0));
        assert!(full.is_marked());
    }
}
