use crate::Float;
use linfa::traits::Transformer;
use linfa_kernel::{Kernel, KernelInner, KernelMethod, KernelParams, KernelType};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use std::borrow::Cow;
use std::sync::Mutex;

/// oml patch: the size above which a dense kernel matrix is not built, 1 GiB (11,585 rows of
/// f64): its rows are computed as the solver asks for them, as libsvm computes its kernel.
pub const DENSE_KERNEL_BYTES: usize = 1 << 30;

/// oml patch: the size of the cache of computed kernel rows, 512 MiB (scikit-learn's `SVC`
/// caches 200 MB).
pub const KERNEL_CACHE_BYTES: usize = 1 << 29;

/// oml patch: each target as a sign of one, `y` in `Q_ij = y_i y_j K_ij`.
fn signs_of<F: Float>(targets: &[bool]) -> Vec<F> {
    targets
        .iter()
        .map(|&target| if target { F::one() } else { -F::one() })
        .collect()
}

/// oml patch: where a classifier's solver reads kernel entries from.
pub enum KernelSource<F: Float> {
    /// The whole kernel matrix, built before solving.
    Matrix(Kernel<F>),
    /// The training rows and the kernel method: rows of the kernel are computed when the
    /// solver asks for them, and the last ones kept in a cache of `cache_bytes`.
    Rows {
        records: Array2<F>,
        method: KernelMethod<F>,
        cache_bytes: usize,
    },
}

impl<F: Float> KernelSource<F> {
    /// A dense kernel matrix where it takes at most `dense_bytes`, rows computed on demand
    /// above that; a sparse kernel as the parameters ask.
    pub fn of(
        params: &KernelParams<F>,
        records: ArrayView2<'_, F>,
        dense_bytes: usize,
        cache_bytes: usize,
    ) -> KernelSource<F> {
        let rows = records.nrows();
        let matrix_bytes = rows
            .saturating_mul(rows)
            .saturating_mul(std::mem::size_of::<F>());
        if *params.kernel_type() == KernelType::Dense && matrix_bytes > dense_bytes {
            KernelSource::Rows {
                records: records.to_owned(),
                method: params.kernel_method().clone(),
                cache_bytes,
            }
        } else {
            KernelSource::Matrix(params.transform(records))
        }
    }
}

/// oml patch: column `i` of the kernel matrix, for reading its entries by row index.
///
/// linfa-kernel builds kernel matrices symmetric bit for bit, so a dense matrix's row `i`
/// holds column `i`'s entries, contiguously: it is borrowed. 0.8.1 copied the strided column
/// into a fresh `Vec` at every call (half of an SVM fit's time on 4,000 rows). A sparse
/// matrix's column is still copied.
fn kernel_column<F: Float>(kernel: &Kernel<F>, i: usize) -> Cow<'_, [F]> {
    match &kernel.inner {
        KernelInner::Dense(matrix) => match matrix.row(i).to_slice() {
            Some(row) => Cow::Borrowed(row),
            None => Cow::Owned(kernel.column(i)),
        },
        KernelInner::Sparse(_) => Cow::Owned(kernel.column(i)),
    }
}

pub trait Permutable<F: Float> {
    fn swap_indices(&mut self, i: usize, j: usize);
    /// oml patch: borrowed where the entries are stored in the solver's order (0.8.1 returned
    /// a fresh `Vec` at every call).
    fn distances(&self, idx: usize, length: usize) -> Cow<'_, [F]>;
    fn self_distance(&self, idx: usize) -> F;
    /// oml patch: the kernel method, which is all the solver reads of the kernel once the
    /// matrix is solved (0.8.1 handed out the whole kernel through `inner` and `into_inner`).
    fn method(&self) -> &KernelMethod<F>;
}

/// KernelView matrix with permutable columns
///
/// This struct wraps a kernel matrix with access indices. The working set can shrink during the
/// optimization and it is therefore necessary to reorder entries.
#[derive(Debug)]
pub struct PermutableKernel<F: Float> {
    entries: Entries<F>,
    method: KernelMethod<F>,
    kernel_diag: Array1<F>,
    kernel_indices: Vec<usize>,
    targets: Vec<bool>,
}

/// oml patch: how the solver's matrix `Q_ij = y_i y_j K_ij` is read.
#[derive(Debug)]
enum Entries<F: Float> {
    /// A dense kernel's matrix turned into `Q` in place (a sign flip, exact), its rows and
    /// columns swapped with the solver's indices: row `i` is `distances(i, ..)` as it stands,
    /// borrowed. 0.8.1 gathered it through `kernel_indices` and the targets into a fresh `Vec`
    /// at every call, three times per solver step.
    Signed(Array2<F>),
    /// A sparse kernel, read through `kernel_indices` and signed at each read, as 0.8.1 reads.
    Gathered(Kernel<F>),
    /// Rows of `Q` computed from the training rows when asked for (a kernel too large to
    /// build whole).
    Computed(ComputedRows<F>),
}

/// oml patch: rows of `Q` computed from the training rows, in the solver's order, the most
/// recently used kept in a cache (libsvm's kernel cache, which swaps the entries of its cached
/// rows as the solver swaps its indices).
#[derive(Debug)]
struct ComputedRows<F: Float> {
    /// The training rows, in their original order.
    records: Array2<F>,
    /// The training rows as columns (`records` transposed, laid out once), the right-hand side
    /// of a row's inner products.
    columns: Array2<F>,
    /// `<x, x>` of each training row, in the original order.
    squares: Array1<F>,
    /// `y` of each training row as a sign of one, in the original order.
    signs: Vec<F>,
    /// Cached rows by solver index, in the solver's order.
    cache: Mutex<RowCache<F>>,
}

#[derive(Debug, Clone, PartialEq)]
struct RowCache<F> {
    rows: Vec<Option<Vec<F>>>,
    /// When each cached row was last read (a count of reads).
    last_read: Vec<u64>,
    reads: u64,
    cached: usize,
    capacity: usize,
}

impl<F: Float> ComputedRows<F> {
    fn new(records: Array2<F>, targets: &[bool], cache_bytes: usize) -> Self {
        let rows = records.nrows();
        // Summed in feature order, as linfa-kernel's dense matrix sums its diagonal
        // (`product_in_order`, whose skipped zero terms leave such a sum's bits as they are).
        let squares = records
            .outer_iter()
            .map(|row| row.iter().fold(F::zero(), |sum, &v| sum + v * v))
            .collect();
        let columns = records.t().as_standard_layout().into_owned();
        let signs = signs_of(targets);
        let row_bytes = rows.max(1) * std::mem::size_of::<F>();
        let cache = RowCache {
            rows: vec![None; rows],
            last_read: vec![0; rows],
            reads: 0,
            cached: 0,
            capacity: (cache_bytes / row_bytes).max(2),
        };
        ComputedRows {
            records,
            columns,
            squares,
            signs,
            cache: Mutex::new(cache),
        }
    }

    /// The kernel's diagonal, in the original order.
    fn diagonal(&self, method: &KernelMethod<F>) -> Array1<F> {
        self.squares
            .iter()
            .map(|&square| method.from_inner_products(square, square, square))
            .collect()
    }

    /// Row `idx` of `Q` in the solver's order, its first `length` entries.
    fn row(
        &self,
        method: &KernelMethod<F>,
        kernel_indices: &[usize],
        idx: usize,
        length: usize,
    ) -> Vec<F> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.reads += 1;
        let reads = cache.reads;
        cache.last_read[idx] = reads;
        if let Some(row) = &cache.rows[idx] {
            return row[..length].to_vec();
        }
        let original = kernel_indices[idx];
        // The inner products as the dense matrix takes them (`product_in_order`): the same
        // kernel entries whichever way the kernel is held.
        let x_i = self.records.row(original).insert_axis(Axis(0));
        let inner = linfa_kernel::product_in_order(x_i, self.columns.view(), false);
        let (square_i, sign_i) = (self.squares[original], self.signs[original]);
        let mut row: Vec<F> = kernel_indices.iter().map(|&j| inner[(0, j)]).collect();
        let squares: Vec<F> = kernel_indices.iter().map(|&j| self.squares[j]).collect();
        method.from_inner_products_row(&mut row, square_i, &squares);
        for (value, &j) in row.iter_mut().zip(kernel_indices) {
            *value = *value * sign_i * self.signs[j];
        }
        let read = row[..length].to_vec();
        if cache.cached == cache.capacity {
            let oldest = (0..cache.rows.len())
                .filter(|&i| cache.rows[i].is_some())
                .min_by_key(|&i| cache.last_read[i])
                .expect("a full cache holds rows");
            cache.rows[oldest] = None;
            cache.cached -= 1;
        }
        cache.rows[idx] = Some(row);
        cache.cached += 1;
        read
    }

    /// Swaps solver indices `i` and `j` in the cache: the cached rows' entries and the rows.
    fn swap(&mut self, i: usize, j: usize) {
        let cache = self.cache.get_mut().unwrap_or_else(|e| e.into_inner());
        for row in cache.rows.iter_mut().flatten() {
            row.swap(i, j);
        }
        cache.rows.swap(i, j);
        cache.last_read.swap(i, j);
    }
}

impl<F: Float> PermutableKernel<F> {
    /// oml patch: the solver's kernel from a [`KernelSource`].
    pub fn from_source(source: KernelSource<F>, targets: Vec<bool>) -> PermutableKernel<F> {
        match source {
            KernelSource::Matrix(kernel) => PermutableKernel::new(kernel, targets),
            KernelSource::Rows {
                records,
                method,
                cache_bytes,
            } => {
                let rows = ComputedRows::new(records, &targets, cache_bytes);
                PermutableKernel {
                    kernel_diag: rows.diagonal(&method),
                    kernel_indices: (0..targets.len()).collect(),
                    entries: Entries::Computed(rows),
                    method,
                    targets,
                }
            }
        }
    }

    pub fn new(kernel: Kernel<F>, targets: Vec<bool>) -> PermutableKernel<F> {
        let kernel_diag = kernel.diagonal();
        let kernel_indices = (0..kernel.size()).collect::<Vec<_>>();
        let method = kernel.method.clone();
        let entries = match kernel.inner {
            KernelInner::Dense(matrix) => {
                let mut matrix = if matrix.is_standard_layout() {
                    matrix
                } else {
                    matrix.as_standard_layout().into_owned()
                };
                // `y_i y_j K_ij` as products with signs of one, which are exact and do not
                // branch on the targets.
                let signs = signs_of(&targets);
                for (mut row, &sign_i) in matrix.outer_iter_mut().zip(&signs) {
                    for (value, &sign_j) in row.iter_mut().zip(&signs) {
                        *value = *value * sign_i * sign_j;
                    }
                }
                Entries::Signed(matrix)
            }
            inner => Entries::Gathered(Kernel {
                inner,
                method: method.clone(),
            }),
        };

        PermutableKernel {
            entries,
            method,
            kernel_diag,
            kernel_indices,
            targets,
        }
    }
}

impl<F: Float> Permutable<F> for PermutableKernel<F> {
    /// Swap two indices
    fn swap_indices(&mut self, i: usize, j: usize) {
        self.kernel_indices.swap(i, j);
        match &mut self.entries {
            Entries::Signed(matrix) if i != j => {
                for k in 0..matrix.nrows() {
                    matrix.swap((i, k), (j, k));
                }
                for k in 0..matrix.nrows() {
                    matrix.swap((k, i), (k, j));
                }
            }
            Entries::Computed(rows) if i != j => rows.swap(i, j),
            _ => {}
        }
    }

    /// Return distances from node `idx` to all other nodes
    fn distances(&self, idx: usize, length: usize) -> Cow<'_, [F]> {
        let kernel = match &self.entries {
            Entries::Signed(matrix) => {
                let row = matrix
                    .row(idx)
                    .to_slice()
                    .expect("a standard-layout matrix's rows are contiguous");
                return Cow::Borrowed(&row[..length]);
            }
            Entries::Gathered(kernel) => kernel,
            Entries::Computed(rows) => {
                return Cow::Owned(rows.row(&self.method, &self.kernel_indices, idx, length));
            }
        };
        let idx = self.kernel_indices[idx];

        let kernel = kernel_column(kernel, idx);
        let target_i = self.targets[idx];

        // reorder entries
        (0..length)
            .map(|j| {
                let val = kernel[self.kernel_indices[j]];
                let target_j = self.targets[self.kernel_indices[j]];

                if target_j != target_i {
                    -val
                } else {
                    val
                }
            })
            .collect()
    }

    fn method(&self) -> &KernelMethod<F> {
        &self.method
    }

    /// Return distance to itself
    fn self_distance(&self, idx: usize) -> F {
        let idx = self.kernel_indices[idx];

        self.kernel_diag[idx]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PermutableKernelOneClass<F: Float> {
    kernel: Kernel<F>,
    kernel_diag: Array1<F>,
    kernel_indices: Vec<usize>,
}

impl<F: Float> PermutableKernelOneClass<F> {
    pub fn new(kernel: Kernel<F>) -> PermutableKernelOneClass<F> {
        let kernel_diag = kernel.diagonal();
        let kernel_indices = (0..kernel.size()).collect::<Vec<_>>();

        PermutableKernelOneClass {
            kernel,
            kernel_diag,
            kernel_indices,
        }
    }
}

impl<F: Float> Permutable<F> for PermutableKernelOneClass<F> {
    /// Swap two indices
    fn swap_indices(&mut self, i: usize, j: usize) {
        self.kernel_indices.swap(i, j);
    }

    /// Return distances from node `idx` to all other nodes
    fn distances(&self, idx: usize, length: usize) -> Cow<'_, [F]> {
        let idx = self.kernel_indices[idx];

        let kernel = kernel_column(&self.kernel, idx);

        // reorder entries
        (0..length)
            .map(|j| kernel[self.kernel_indices[j]])
            .collect()
    }

    fn method(&self) -> &KernelMethod<F> {
        &self.kernel.method
    }

    /// Return distance to itself
    fn self_distance(&self, idx: usize) -> F {
        let idx = self.kernel_indices[idx];

        self.kernel_diag[idx]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PermutableKernelRegression<F: Float> {
    kernel: Kernel<F>,
    kernel_diag: Array1<F>,
    kernel_indices: Vec<usize>,
    signs: Vec<bool>,
}

impl<F: Float> PermutableKernelRegression<F> {
    pub fn new(kernel: Kernel<F>) -> PermutableKernelRegression<F> {
        let kernel_diag = kernel.diagonal();
        let kernel_indices = (0..2 * kernel.size())
            .map(|x| {
                if x < kernel.size() {
                    x
                } else {
                    x - kernel.size()
                }
            })
            .collect::<Vec<_>>();
        let signs = (0..kernel.size() * 2)
            .map(|x| x < kernel.size())
            .collect::<Vec<_>>();

        PermutableKernelRegression {
            kernel,
            kernel_diag,
            kernel_indices,
            signs,
        }
    }
}

impl<F: Float> Permutable<F> for PermutableKernelRegression<F> {
    /// Swap two indices
    fn swap_indices(&mut self, i: usize, j: usize) {
        self.kernel_indices.swap(i, j);
        self.signs.swap(i, j);
    }

    /// Return distances from node `idx` to all other nodes
    fn distances(&self, idx: usize, length: usize) -> Cow<'_, [F]> {
        let kernel = kernel_column(&self.kernel, self.kernel_indices[idx]);

        // reorder entries
        let sign_i = self.signs[idx];
        (0..length)
            .map(|j| {
                let val = kernel[self.kernel_indices[j]];
                let sign_j = self.signs[j];

                if sign_i != sign_j {
                    -val
                } else {
                    val
                }
            })
            .collect()
    }

    fn method(&self) -> &KernelMethod<F> {
        &self.kernel.method
    }

    /// Return distance to itself
    fn self_distance(&self, idx: usize) -> F {
        let idx = self.kernel_indices[idx];

        self.kernel_diag[idx]
    }
}

#[cfg(test)]
mod tests {
    use super::{Permutable, PermutableKernel};
    use crate::permutable_kernel::{PermutableKernelOneClass, PermutableKernelRegression};
    use approx::assert_abs_diff_eq;
    use linfa_kernel::{Kernel, KernelInner, KernelMethod};
    use ndarray::array;

    #[test]
    fn autotraits() {
        fn has_autotraits<T: Send + Sync + Sized + Unpin>() {}
        has_autotraits::<PermutableKernel<f64>>();
        has_autotraits::<PermutableKernelOneClass<f64>>();
        has_autotraits::<PermutableKernelRegression<f64>>();
    }

    #[test]
    fn distances_read_the_dense_row_as_the_column() {
        // oml patch: the borrowed row gives 0.8.1's copied column, bit for bit, under swaps.
        use linfa::traits::Transformer;
        use ndarray::Array2;

        let data =
            Array2::from_shape_fn((23, 3), |(i, j)| ((i * 7 + j * 3) % 11) as f64 * 0.37 - 1.5);
        let kernel = Kernel::params()
            .method(KernelMethod::Gaussian(0.8))
            .transform(data.view());
        let targets: Vec<bool> = (0..23).map(|i| i % 3 == 0).collect();
        let mut permuted = PermutableKernel::new(kernel.clone(), targets.clone());
        let mut order: Vec<usize> = (0..23).collect();
        for (i, j) in [(0, 5), (3, 17), (22, 1), (8, 9)] {
            permuted.swap_indices(i, j);
            order.swap(i, j);
        }
        for idx in 0..23 {
            let column = kernel.column(order[idx]);
            let expected: Vec<u64> = (0..20)
                .map(|j| {
                    let value = column[order[j]];
                    if targets[order[j]] != targets[order[idx]] {
                        (-value).to_bits()
                    } else {
                        value.to_bits()
                    }
                })
                .collect();
            let read: Vec<u64> = permuted
                .distances(idx, 20)
                .iter()
                .map(|v| v.to_bits())
                .collect();
            assert_eq!(read, expected, "row {}", idx);
        }
    }

    /// oml patch: 60 distinct rows of 3 features and targets of both signs.
    fn small_table() -> (ndarray::Array2<f64>, Vec<bool>) {
        table(3)
    }

    /// 60 rows of `width` columns, two classes.
    fn table(width: usize) -> (ndarray::Array2<f64>, Vec<bool>) {
        let data = ndarray::Array2::from_shape_fn((60, width), |(i, j)| {
            ((i * 7 + j * 3) % 13) as f64 * 0.31 - 1.9 + (i % 4) as f64 * 0.05 + i as f64 * 0.013
        });
        let targets = (0..60).map(|i| (i * 5) % 7 < 3).collect();
        (data, targets)
    }

    #[test]
    fn computed_rows_match_the_dense_matrix_through_swaps_and_evictions() {
        // oml patch: rows computed on demand, in a cache of two rows, against the dense Q.
        use super::KernelSource;
        use linfa::traits::Transformer;

        // 23 columns: more than ndarray's dot sums in one lane, so that a row's inner
        // products summed otherwise than the dense matrix's differ in their last bits.
        for (data, targets, method) in [3, 23].iter().flat_map(|&width| {
            let (data, targets) = table(width);
            vec![
                KernelMethod::Gaussian(0.8 * width as f64 / 3.0),
                KernelMethod::Polynomial(1.0, 2.0),
            ]
            .into_iter()
            .map(move |method| (data.clone(), targets.clone(), method))
        }) {
            let params = Kernel::params().method(method.clone());
            let mut dense = PermutableKernel::new(params.transform(data.view()), targets.clone());
            let source = KernelSource::of(&params, data.view(), 0, 0);
            assert!(matches!(source, KernelSource::Rows { .. }));
            let mut computed = PermutableKernel::from_source(source, targets.clone());
            let compare = |dense: &PermutableKernel<f64>,
                           computed: &PermutableKernel<f64>,
                           reads: &[usize]| {
                for &idx in reads {
                    let expected = dense.distances(idx, 50);
                    let read = computed.distances(idx, 50);
                    assert_eq!(read.len(), 50);
                    for (j, (a, b)) in read.iter().zip(expected.iter()).enumerate() {
                        assert!(
                            (a - b).abs() < 1e-12,
                            "{:?} ({}, {}): {} against {}",
                            method,
                            idx,
                            j,
                            a,
                            b
                        );
                        // The same inner products, squares and kernel values: the same bits.
                        assert_eq!(a.to_bits(), b.to_bits(), "{:?} ({}, {})", method, idx, j);
                    }
                    let (a, b) = (computed.self_distance(idx), dense.self_distance(idx));
                    assert_eq!(a.to_bits(), b.to_bits(), "diagonal {}", idx);
                    assert!(
                        (a - b).abs() < 1e-12 * b.abs(),
                        "diagonal {}: {} against {}",
                        idx,
                        a,
                        b
                    );
                }
            };
            compare(&dense, &computed, &[3, 59, 3, 0, 17, 59, 42, 3]);
            // Swaps of rows in the cache (3 and 42 were read last) and out of it, each
            // followed by reads of both sides.
            for (i, j) in [(3, 17), (42, 0), (5, 59), (3, 3), (0, 42), (17, 59)] {
                dense.swap_indices(i, j);
                computed.swap_indices(i, j);
                compare(&dense, &computed, &[j, i, 3]);
            }
            compare(&dense, &computed, &[3, 59, 3, 0, 17, 59, 42, 3]);
        }
    }

    #[test]
    fn a_fit_on_computed_rows_is_the_fit_on_the_matrix() {
        // oml patch: the solver on rows computed on demand finds the dense matrix's
        // solution, with and without shrinking (which swaps the solver's variables), and
        // with C differing between the classes.
        use super::KernelSource;
        use crate::classification::fit_c;
        use crate::SolverParams;

        let (data, targets) = small_table();
        let params = Kernel::params().method(KernelMethod::Gaussian(0.8));
        for (cpos, cneg) in [(1.0, 1.0), (2.0, 0.5)] {
            let fit = |shrinking, source| {
                let solver = SolverParams {
                    eps: 1e-9,
                    shrinking,
                };
                fit_c(solver, data.view(), source, &targets, cpos, cneg)
            };
            let dense = || KernelSource::of(&params, data.view(), usize::MAX, 0);
            let computed = || KernelSource::of(&params, data.view(), 0, 1024);
            let reference = fit(false, dense());
            let support = reference.alpha.iter().filter(|a| a.abs() > 1e-8).count();
            assert!(support > 5 && support < 60, "{} support vectors", support);
            for (shrinking, source) in [(false, computed()), (true, dense()), (true, computed())] {
                let other = fit(shrinking, source);
                let case = format!("C {}/{}, shrinking {}", cpos, cneg, shrinking);
                assert!(
                    (reference.rho - other.rho).abs() < 1e-5,
                    "{}: rho {} against {}",
                    case,
                    other.rho,
                    reference.rho
                );
                for (i, (a, b)) in reference.alpha.iter().zip(&other.alpha).enumerate() {
                    assert!(
                        (a - b).abs() < 1e-5,
                        "{}: alpha {} {} against {}",
                        case,
                        i,
                        b,
                        a
                    );
                }
            }
        }
    }

    #[test]
    fn shrinking_finds_the_solution_without_shrinking() {
        // oml patch: on noisy random tables (many bounded variables, so the active set
        // shrinks and grows again), the solver with shrinking stops at the solution without.
        use super::KernelSource;
        use crate::classification::fit_c;
        use crate::SolverParams;

        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1_u64 << 53) as f64
        };
        for (rows, cpos, cneg) in [
            (80, 1.0, 1.0),
            (200, 10.0, 10.0),
            (150, 3.0, 0.7),
            (300, 1.0, 1.0),
        ] {
            let data = ndarray::Array2::from_shape_fn((rows, 4), |_| next() * 4.0 - 2.0);
            let targets: Vec<bool> = data
                .outer_iter()
                .map(|row| row[0] * row[1] + 0.8 * (next() - 0.5) > 0.0)
                .collect();
            let params = Kernel::params().method(KernelMethod::Gaussian(1.0));
            let fit = |shrinking, dense_bytes| {
                let solver = SolverParams {
                    eps: 1e-10,
                    shrinking,
                };
                let source = KernelSource::of(&params, data.view(), dense_bytes, 4096);
                fit_c(solver, data.view(), source, &targets, cpos, cneg)
            };
            let reference = fit(false, usize::MAX);
            for (shrinking, dense_bytes) in [(true, usize::MAX), (true, 0)] {
                let other = fit(shrinking, dense_bytes);
                let case = format!(
                    "{} rows, C {}/{}, dense bytes {}",
                    rows, cpos, cneg, dense_bytes
                );
                assert!(
                    (reference.rho - other.rho).abs() < 1e-6,
                    "{}: rho {} against {}",
                    case,
                    other.rho,
                    reference.rho
                );
                for (i, (a, b)) in reference.alpha.iter().zip(&other.alpha).enumerate() {
                    assert!(
                        (a - b).abs() < 1e-6,
                        "{}: alpha {} {} against {}",
                        case,
                        i,
                        b,
                        a
                    );
                }
            }
        }
    }

    #[test]
    fn test_permutable_kernel() {
        let dist = array![[1.0, 0.3, 0.1], [0.3, 1.0, 0.5], [0.1, 0.5, 1.0]];
        let targets = vec![true, true, true];
        let dist = Kernel {
            inner: KernelInner::Dense(dist),
            method: KernelMethod::Linear,
        };

        let mut kernel = PermutableKernel::new(dist, targets);

        assert_abs_diff_eq!(*kernel.distances(0, 3), [1.0, 0.3, 0.1]);
        assert_abs_diff_eq!(*kernel.distances(1, 3), [0.3, 1.0, 0.5]);
        assert_abs_diff_eq!(*kernel.distances(2, 3), [0.1, 0.5, 1.0]);

        // swap first two nodes
        kernel.swap_indices(0, 1);

        assert_abs_diff_eq!(*kernel.distances(0, 3), [1.0, 0.3, 0.5]);
        assert_abs_diff_eq!(*kernel.distances(1, 3), [0.3, 1.0, 0.1]);
        assert_abs_diff_eq!(*kernel.distances(2, 3), [0.5, 0.1, 1.0]);

        // swap second and third node
        kernel.swap_indices(1, 2);

        assert_abs_diff_eq!(*kernel.distances(0, 3), [1.0, 0.5, 0.3]);
        assert_abs_diff_eq!(*kernel.distances(1, 3), [0.5, 1.0, 0.1]);
        assert_abs_diff_eq!(*kernel.distances(2, 3), [0.3, 0.1, 1.0]);
    }
}
