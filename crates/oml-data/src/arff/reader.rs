//! The streaming ARFF reader.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use flate2::bufread::MultiGzDecoder;
use rayon::prelude::*;

use super::header::{self, HeaderLine};
use super::token::{Cursor, Failure, Token, is_space};
use super::{Arff, Attribute, AttributeKind, Column, MISSING_CODE};
use crate::error::{ArffErrorKind, Error, Result};

const BUFFER_SIZE: usize = 1 << 18;

/// The size of a block of data lines parsed as one unit.
const BLOCK_SIZE: usize = 1 << 22;

/// The longest line the reader takes, 256 MiB: a dense row of a million attributes is a few
/// tens of MB. A longer line (a file that is not ARFF, such as `/dev/zero`, or a compressed
/// file that inflates to one huge line) is an error before it is held in memory.
pub const MAX_LINE_BYTES: usize = 256 << 20;

/// The error of a line longer than [`MAX_LINE_BYTES`].
fn line_too_long() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "the line is longer than oml's limit of {} MiB (is this an ARFF file?)",
            MAX_LINE_BYTES >> 20
        ),
    )
}

/// Appends the rest of the current line (up to and including `\n`) to `buf`, failing once it
/// would hold more than `limit` bytes of it; returns the bytes read (0 at the end).
fn read_line_bounded(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<usize> {
    let mut total = 0;
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(total);
        }
        let (done, used) = match memchr::memchr(b'\n', available) {
            Some(i) => (true, i + 1),
            None => (false, available.len()),
        };
        if total + used > limit {
            return Err(line_too_long());
        }
        buf.extend_from_slice(&available[..used]);
        input.consume(used);
        total += used;
        if done {
            return Ok(total);
        }
    }
}

/// Configures an [`ArffReader`].
#[derive(Debug, Clone, Default)]
pub struct ArffReaderBuilder {
    header_only: bool,
    threads: Option<usize>,
}

impl ArffReaderBuilder {
    /// A builder with the default configuration.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stop after the header: the attributes are read and every column is empty.
    ///
    /// By default, this is disabled.
    pub fn header_only(&mut self, yes: bool) -> &mut Self {
        self.header_only = yes;
        self
    }

    /// Parse blocks of data lines on up to `threads` threads of rayon's pool. The result, and
    /// the first error in file order, are the same for any number.
    ///
    /// By default, this is the size of rayon's current pool (all cores).
    pub fn threads(&mut self, threads: usize) -> &mut Self {
        self.threads = Some(threads.max(1));
        self
    }

    /// Builds the reader.
    pub fn build(&self) -> ArffReader {
        ArffReader {
            header_only: self.header_only,
            threads: self.threads,
            block_size: None,
        }
    }

    /// Reads the ARFF file at `path` (plain or gzip) with this configuration.
    pub fn from_path(&self, path: impl AsRef<Path>) -> Result<Arff> {
        self.build().read_path(path)
    }

    /// Reads ARFF bytes (plain or gzip) from `source` with this configuration.
    pub fn from_reader(&self, source: impl Read + Send) -> Result<Arff> {
        self.build().read(source)
    }
}

/// Reads ARFF into an [`Arff`], streaming over a buffered reader.
///
/// The data section is read in blocks of whole lines of about 4 MB; a batch of blocks (one per
/// thread) is parsed in parallel while the next batch is read, and the parts are concatenated
/// once, in file order, so the raw text held at any time is a few blocks and the result does not
/// depend on the thread count. With more than one thread the parsed columns are held twice for
/// that final concatenation; one thread parses straight into them. Numbers are parsed in place without allocation; a quoted
/// value allocates only when it holds escapes. Gzip input is recognised by its magic bytes.
/// Every error names the line and column (and the attribute where there is one); no input makes
/// it panic.
#[derive(Debug, Clone, Default)]
pub struct ArffReader {
    header_only: bool,
    threads: Option<usize>,
    /// Bytes per block; [`BLOCK_SIZE`] unless a test makes blocks small.
    block_size: Option<usize>,
}

impl ArffReader {
    /// A reader with the default configuration.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the file at `path`; errors name the path.
    pub fn read_path(&self, path: impl AsRef<Path>) -> Result<Arff> {
        let path = path.as_ref();
        let file = crate::load::open_file(path)?;
        self.read(file).map_err(|e| e.with_path(path))
    }

    /// Reads ARFF bytes (plain or gzip) from `source`.
    pub fn read(&self, source: impl Read + Send) -> Result<Arff> {
        self.read_with_lines(source).map(|(arff, _)| arff)
    }

    /// Reads the file at `path` and the line (from 1) of every data row, so that a caller who
    /// finds a row wrong can say where it is; errors name the path.
    pub fn read_path_with_lines(&self, path: impl AsRef<Path>) -> Result<(Arff, Vec<u64>)> {
        let path = path.as_ref();
        let file = crate::load::open_file(path)?;
        self.read_with_lines(file).map_err(|e| e.with_path(path))
    }

    /// Reads ARFF bytes (plain or gzip) from `source`, and the line (from 1) of every data row.
    pub fn read_with_lines(&self, source: impl Read + Send) -> Result<(Arff, Vec<u64>)> {
        let mut input = BufReader::with_capacity(BUFFER_SIZE, source);
        let is_gzip = input
            .fill_buf()
            .map_err(|e| read_error(1, e))?
            .starts_with(&[0x1f, 0x8b]);
        if is_gzip {
            let decoder = MultiGzDecoder::new(input);
            self.read_lines(BufReader::with_capacity(BUFFER_SIZE, decoder))
        } else {
            self.read_lines(input)
        }
    }

    fn read_lines(&self, mut input: impl BufRead + Send) -> Result<(Arff, Vec<u64>)> {
        let mut buf = Vec::with_capacity(1 << 12);
        let mut line_no = 0u64;
        let mut header = Header::default();
        let mut data = loop {
            buf.clear();
            let n = match read_line_bounded(&mut input, &mut buf, MAX_LINE_BYTES) {
                Ok(n) => n,
                Err(e) if buf.is_empty() && line_no > 0 => {
                    return Err(Error::ReadPast {
                        path: None,
                        line: line_no,
                        source: e,
                    });
                }
                Err(e) => return Err(read_error(line_no + 1, e)),
            };
            if n == 0 {
                return Err(at(line_no.max(1), 1, ArffErrorKind::MissingData));
            }
            line_no += 1;
            if line_no == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
                // A UTF-8 byte order mark is not part of the first line.
                buf.drain(..3);
            }
            let (line, lead) = trim(&buf);
            match header.line(line) {
                Ok(Some(data)) => break data,
                Ok(None) => {}
                Err((pos, kind)) => return Err(at(line_no, lead + pos + 1, kind)),
            }
        };
        if !self.header_only {
            let threads = self.threads.unwrap_or_else(rayon::current_num_threads);
            let block_size = self.block_size.unwrap_or(BLOCK_SIZE);
            // Block buffers are reused from batch to batch, so memory is touched once.
            let mut spare: Vec<Vec<u8>> = Vec::new();
            // Parts parsed on other threads, concatenated once at the end.
            let mut parts: Vec<Data> = Vec::new();
            // A read error is reported after the whole lines read before it are parsed, so
            // that an earlier parse error wins, whatever the thread count.
            let (mut blocks, mut at_end, mut failure) =
                read_blocks(&mut input, threads, block_size, &mut spare);
            while !blocks.is_empty() {
                // One thread, or a file that fits one block: parse here, without parts.
                let next = if threads == 1 || (at_end && blocks.len() == 1 && parts.is_empty()) {
                    for block in &blocks {
                        line_no += data.block(line_no + 1, block)?;
                    }
                    spare.extend(std::mem::take(&mut blocks));
                    if at_end {
                        break;
                    }
                    read_blocks(&mut input, threads, block_size, &mut spare)
                } else {
                    // The next batch is read while this one is parsed. Parts count their lines
                    // from 1; their place in the file is known once the parts before them are.
                    let template = &data;
                    let (parsed, next) = rayon::join(
                        || {
                            blocks
                                .par_iter()
                                .map(|block| {
                                    let mut part = template.empty_like();
                                    let lines = part.block(1, block);
                                    (part, lines)
                                })
                                .collect::<Vec<_>>()
                        },
                        || {
                            if at_end {
                                (Vec::new(), true, None)
                            } else {
                                read_blocks(&mut input, threads, block_size, &mut spare)
                            }
                        },
                    );
                    for (mut part, lines) in parsed {
                        let lines = lines.map_err(|e| e.shift_line(line_no))?;
                        for line in &mut part.row_lines {
                            *line += line_no;
                        }
                        parts.push(part);
                        line_no += lines;
                    }
                    spare.extend(std::mem::take(&mut blocks));
                    next
                };
                let next_failure;
                (blocks, at_end, next_failure) = next;
                failure = failure.or(next_failure);
            }
            if let Some((e, partial)) = failure {
                return Err(if partial {
                    read_error(line_no + 1, e)
                } else {
                    Error::ReadPast {
                        path: None,
                        line: line_no,
                        source: e,
                    }
                });
            }
            data.concat(parts);
        }
        data.catch_up();
        let arff = Arff {
            relation: header.relation.unwrap_or_default(),
            description: header.description,
            // The parts are gone, so the schema has one owner left.
            attributes: Arc::try_unwrap(data.schema)
                .map(|schema| schema.attributes)
                .unwrap_or_else(|schema| schema.attributes.clone()),
            columns: data.columns,
        };
        Ok((arff, data.row_lines))
    }
}

/// Blocks read by [`read_blocks`], whether the input ended, and a read error that ended it (the
/// blocks then hold the whole lines read before it).
/// Blocks read, whether the input ended, and a read error with whether it broke off a line
/// (`false`: it came after the last whole line, as trailing garbage after gzip data does).
type ReadBlocks = (Vec<Vec<u8>>, bool, Option<(std::io::Error, bool)>);

/// Reads up to `count` blocks of whole lines of about `block_size` bytes, reusing `spare`
/// buffers: a bulk copy up to the block size, then the rest of the line it stopped in.
fn read_blocks(
    input: &mut impl BufRead,
    count: usize,
    block_size: usize,
    spare: &mut Vec<Vec<u8>>,
) -> ReadBlocks {
    let mut blocks: Vec<Vec<u8>> = Vec::with_capacity(count);
    let mut at_end = false;
    while blocks.len() < count && !at_end {
        // Blocks grow as needed (a small file allocates little) and are reused.
        let mut block = spare.pop().unwrap_or_default();
        block.clear();
        // On a read error, keep the whole lines read so far and stop.
        let failed = |mut blocks: Vec<Vec<u8>>, mut block: Vec<u8>, e| {
            let whole = memchr::memrchr(b'\n', &block).map_or(0, |i| i + 1);
            let partial = block.len() > whole;
            block.truncate(whole);
            if !block.is_empty() {
                blocks.push(block);
            }
            (blocks, true, Some((e, partial)))
        };
        while block.len() < block_size {
            let buf = match input.fill_buf() {
                Ok(buf) => buf,
                Err(e) => return failed(blocks, block, e),
            };
            if buf.is_empty() {
                at_end = true;
                break;
            }
            let take = buf.len().min(block_size - block.len());
            block.extend_from_slice(&buf[..take]);
            input.consume(take);
        }
        if !at_end && block.last() != Some(&b'\n') {
            match read_line_bounded(input, &mut block, MAX_LINE_BYTES) {
                Ok(0) => at_end = true,
                Ok(_) => {}
                Err(e) => return failed(blocks, block, e),
            }
        }
        if !block.is_empty() {
            blocks.push(block);
        }
    }
    (blocks, at_end, None)
}

/// Powers of ten that are exact in an `f64`.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Parses a plain decimal at the start of `bytes` (`-12.345678`: a sign, digits, a point,
/// digits; no exponent) when Clinger's fast path makes it exact: a mantissa of at most 2^53
/// divided by an exact power of ten is correctly rounded. Returns the value and the bytes used,
/// or `None` for anything else, which the general parser then reads. This is the shape of nearly
/// every number in OpenML's ARFF files.
#[inline]
fn plain_decimal(bytes: &[u8]) -> Option<(f64, usize)> {
    let negative = bytes.first() == Some(&b'-');
    let mut i = usize::from(negative || bytes.first() == Some(&b'+'));
    let mut mantissa: u64 = 0;
    // Digits accumulate with wrapping arithmetic; more than 19 of them is refused below.
    let mut digits = |i: &mut usize| {
        let start = *i;
        while let Some(&byte) = bytes.get(*i) {
            let digit = byte.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(digit));
            *i += 1;
        }
        *i - start
    };
    let whole = digits(&mut i);
    let mut fraction = 0;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        fraction = digits(&mut i);
    }
    let count = whole + fraction;
    if count == 0 || count > 19 || matches!(bytes.get(i), Some(b'e' | b'E')) || mantissa > 1 << 53 {
        return None;
    }
    let magnitude = mantissa as f64 / *EXACT_POWERS_OF_TEN.get(fraction)?;
    Some((if negative { -magnitude } else { magnitude }, i))
}

/// `x` without its fractional part, as `f64::trunc`, in plain arithmetic the compiler can
/// inline (a call to `trunc` per value showed in profiles).
#[inline]
fn truncate(x: f64) -> f64 {
    if x.abs() < 4_503_599_627_370_496.0 {
        ((x as i64) as f64).copysign(x)
    } else {
        x
    }
}

/// The number of line ends in `bytes`.
fn count_lines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

fn at(line: u64, column: usize, kind: ArffErrorKind) -> Error {
    Error::Arff {
        path: None,
        line,
        column: column as u64,
        kind,
    }
}

fn read_error(line: u64, source: std::io::Error) -> Error {
    Error::Read {
        path: None,
        line,
        source,
    }
}

/// Strips the line end and surrounding whitespace; returns the line and how many bytes were
/// cut from its start.
fn trim(buf: &[u8]) -> (&[u8], usize) {
    let mut end = buf.len();
    while end > 0 && matches!(buf[end - 1], b'\n' | b'\r' | b' ' | b'\t') {
        end -= 1;
    }
    let mut start = 0;
    while start < end && is_space(buf[start]) {
        start += 1;
    }
    (&buf[start..end], start)
}

/// The header as it is being read.
#[derive(Default)]
struct Header {
    relation: Option<String>,
    description: Vec<String>,
    attributes: Vec<Attribute>,
    /// The attribute names so far, for the duplicate check in constant time.
    names: std::collections::HashSet<String>,
}

impl Header {
    /// Takes one trimmed header line; returns the data parser once `@data` is reached.
    fn line(&mut self, line: &[u8]) -> Result<Option<Data>, Failure> {
        if line.is_empty() {
            return Ok(None);
        }
        if line[0] == b'%' {
            if self.relation.is_none() && self.attributes.is_empty() {
                let comment = line[1..].strip_prefix(b" ").unwrap_or(&line[1..]);
                let at = line.len() - comment.len();
                self.description.push(header::text(comment, at)?);
            }
            return Ok(None);
        }
        let Some(kind) = header::classify(line) else {
            return Err((0, header::unexpected_line(line)));
        };
        let rest_at = |rest: &[u8]| line.len() - rest.len();
        match kind {
            HeaderLine::Relation(rest) => {
                if self.relation.is_some() {
                    // A second `@relation`, as Weka and liac-arff reject it.
                    return Err((0, header::unexpected_line(line)));
                }
                self.relation = Some(header::relation(line, rest_at(rest))?);
                Ok(None)
            }
            HeaderLine::Attribute(rest) => {
                if self.relation.is_none() {
                    return Err((0, ArffErrorKind::MissingRelation("@attribute".into())));
                }
                let attribute = header::attribute(rest, rest_at(rest))?;
                if !self.names.insert(attribute.name.clone()) {
                    return Err((0, ArffErrorKind::DuplicateAttribute(attribute.name)));
                }
                self.attributes.push(attribute);
                Ok(None)
            }
            HeaderLine::Data => {
                if self.relation.is_none() {
                    return Err((0, ArffErrorKind::MissingRelation("@data".into())));
                }
                if self.attributes.is_empty() {
                    return Err((0, ArffErrorKind::NoAttributes));
                }
                Ok(Some(Data::new(std::mem::take(&mut self.attributes))))
            }
        }
    }
}

/// Looks up nominal values: a linear scan for short lists, a hash map for long ones.
#[derive(Clone)]
enum NominalIndex {
    Short(Vec<Box<[u8]>>),
    Long(HashMap<Box<[u8]>, u32>),
}

const SHORT_NOMINAL: usize = 16;

impl NominalIndex {
    fn new(values: &[String]) -> Self {
        if values.len() <= SHORT_NOMINAL {
            NominalIndex::Short(values.iter().map(|v| v.as_bytes().into()).collect())
        } else {
            NominalIndex::Long(
                values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (v.as_bytes().into(), i as u32))
                    .collect(),
            )
        }
    }

    #[inline]
    fn code(&self, value: &[u8]) -> Option<u32> {
        match self {
            NominalIndex::Short(values) => {
                values.iter().position(|v| **v == *value).map(|i| i as u32)
            }
            NominalIndex::Long(map) => map.get(value).copied(),
        }
    }
}

/// The data section as it is being read: one column per attribute.
struct Data {
    /// What all parts of one file share.
    schema: Arc<Schema>,
    columns: Vec<Column>,
    /// For sparse rows: the row in which each attribute was last set.
    set_in_row: Vec<usize>,
    rows: usize,
    /// Whether a sparse row left some columns shorter than `rows`.
    lagging: bool,
    /// The line (from 1) of each row.
    row_lines: Vec<u64>,
}

/// The attributes and what is derived from them once per file.
struct Schema {
    attributes: Vec<Attribute>,
    nominal: Vec<Option<NominalIndex>>,
    /// The nominal attributes declared `{}`, which a sparse row must not leave out.
    empty_nominal: Vec<usize>,
    /// Whether each attribute is `integer`, whose values are truncated.
    integer: Vec<bool>,
}

impl Data {
    fn new(attributes: Vec<Attribute>) -> Self {
        let nominal = attributes
            .iter()
            .map(|a| a.kind.categories().map(NominalIndex::new))
            .collect();
        let integer = attributes
            .iter()
            .map(|a| a.kind == AttributeKind::Integer)
            .collect();
        let empty_nominal = attributes
            .iter()
            .enumerate()
            .filter(|(_, a)| a.kind.categories().is_some_and(<[String]>::is_empty))
            .map(|(j, _)| j)
            .collect();
        Data::with_schema(Arc::new(Schema {
            attributes,
            nominal,
            empty_nominal,
            integer,
        }))
    }

    /// A parser with no rows for `schema`.
    fn with_schema(schema: Arc<Schema>) -> Self {
        Data {
            columns: schema
                .attributes
                .iter()
                .map(|a| Column::new(&a.kind))
                .collect(),
            set_in_row: vec![usize::MAX; schema.attributes.len()],
            schema,
            rows: 0,
            lagging: false,
            row_lines: Vec::new(),
        }
    }

    /// A parser with the same schema and no rows, for a block parsed on another thread.
    fn empty_like(&self) -> Data {
        Data::with_schema(Arc::clone(&self.schema))
    }

    /// Appends the rows of parts that followed this one in the file, in order, growing each
    /// column once.
    fn concat(&mut self, mut parts: Vec<Data>) {
        if parts.is_empty() {
            return;
        }
        self.catch_up();
        let more: usize = parts.iter().map(|p| p.rows).sum();
        for column in &mut self.columns {
            column.reserve(more);
        }
        self.row_lines.reserve(more);
        for part in &mut parts {
            part.catch_up();
            for (column, values) in self
                .columns
                .iter_mut()
                .zip(std::mem::take(&mut part.columns))
            {
                column.append(values);
            }
            self.rows += part.rows;
            self.row_lines.append(&mut part.row_lines);
        }
    }

    /// Parses a block of whole lines whose first line is `first_line`; returns the number of
    /// lines.
    fn block(&mut self, first_line: u64, block: &[u8]) -> Result<u64> {
        // Room for every line as a row, so columns do not grow by doubling and copying.
        let lines = count_lines(block) + 1;
        for column in &mut self.columns {
            column.reserve(lines);
        }
        self.row_lines.reserve(lines);
        let mut start = 0;
        let mut line_no = first_line;
        while start < block.len() {
            let end = memchr::memchr(b'\n', &block[start..]).map_or(block.len(), |i| start + i + 1);
            let (line, lead) = trim(&block[start..end]);
            let this_line = line_no;
            start = end;
            line_no += 1;
            if line.is_empty() || line[0] == b'%' {
                continue;
            }
            let parsed = if line[0] == b'{' {
                self.sparse_row(line)
            } else {
                self.dense_row(line)
            };
            if let Err((pos, kind)) = parsed {
                return Err(at(this_line, lead + pos + 1, kind));
            }
            self.row_lines.push(this_line);
        }
        Ok(line_no - first_line)
    }

    /// Gives every column a value for every row read so far: sparse rows leave the columns
    /// they do not set behind.
    fn catch_up(&mut self) {
        if self.lagging {
            for column in &mut self.columns {
                column.pad_with_sparse_default(self.rows);
            }
            self.lagging = false;
        }
    }

    /// Parses `v1, v2, ..., vn`.
    fn dense_row(&mut self, line: &[u8]) -> Result<(), Failure> {
        self.catch_up();
        let n = self.schema.attributes.len();
        let mut cursor = Cursor::new(line);
        for j in 0..n {
            cursor.skip_space();
            let numeric = match &mut self.columns[j] {
                Column::Numeric(values) if !matches!(cursor.peek(), Some(b'\'' | b'"')) => {
                    Some(values)
                }
                _ => None,
            };
            if let Some(values) = numeric {
                // Fast path: parse the number in place, then insist on a delimiter.
                let start = cursor.pos;
                let rest = cursor.rest();
                let parsed = match plain_decimal(rest) {
                    Some(found) => Ok(found),
                    None => fast_float2::parse_partial::<f64, _>(rest),
                };
                let mut ok = false;
                if let Ok((mut x, used)) = parsed {
                    if self.schema.integer[j] {
                        x = truncate(x);
                    }
                    // The common case, a number right before `,` or the end of the row, skips
                    // the general delimiter check below.
                    let end = start + used;
                    match line.get(end) {
                        Some(b',') if j + 1 < n => {
                            values.push(x);
                            cursor.pos = end + 1;
                            continue;
                        }
                        None if j + 1 == n => {
                            values.push(x);
                            cursor.pos = end;
                            continue;
                        }
                        _ => {}
                    }
                    cursor.pos = end;
                    cursor.skip_space();
                    if matches!(cursor.peek(), None | Some(b',')) {
                        values.push(x);
                        ok = true;
                    }
                }
                if !ok {
                    cursor.pos = start;
                    let token = cursor.token(|b| b == b',')?;
                    if !token.is_missing() {
                        return Err(bad_number(&self.schema.attributes[j], &token));
                    }
                    values.push(f64::NAN);
                }
            } else {
                let token = cursor.token(|b| b == b',')?;
                self.push(j, &token)?;
            }
            cursor.skip_space();
            match cursor.peek() {
                Some(b',') if j + 1 < n => cursor.pos += 1,
                Some(b',') => {
                    return Err((cursor.pos, ArffErrorKind::TooManyValues { expected: n }));
                }
                None if j + 1 < n => {
                    return Err((
                        cursor.pos,
                        ArffErrorKind::TooFewValues {
                            expected: n,
                            found: j + 1,
                        },
                    ));
                }
                None => {}
                Some(_) => {
                    return Err((
                        cursor.pos,
                        ArffErrorKind::ExpectedComma {
                            attribute: self.schema.attributes[j].name.clone(),
                            found: String::from_utf8_lossy(cursor.rest()).into_owned(),
                        },
                    ));
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Parses `{index value, ...}`: omitted attributes take their sparse default.
    fn sparse_row(&mut self, line: &[u8]) -> Result<(), Failure> {
        let n = self.schema.attributes.len();
        let row = self.rows;
        let mut cursor = Cursor::new(line);
        cursor.pos = 1;
        cursor.skip_space();
        let bad = |pos: usize, reason: &str| (pos, ArffErrorKind::BadSparse(reason.to_owned()));
        if cursor.peek() == Some(b'}') {
            cursor.pos += 1;
        } else {
            loop {
                cursor.skip_space();
                let start = cursor.pos;
                while matches!(cursor.peek(), Some(b'0'..=b'9')) {
                    cursor.pos += 1;
                }
                if cursor.pos == start {
                    return Err(bad(start, "expected an attribute index"));
                }
                let digits = &line[start..cursor.pos];
                // Only digits, so parsing fails only when the index overflows a u64.
                let index = std::str::from_utf8(digits)
                    .ok()
                    .and_then(|d| d.parse::<u64>().ok());
                let j = match index {
                    Some(index) if index < n as u64 => index as usize,
                    Some(index) => {
                        return Err((
                            start,
                            ArffErrorKind::SparseIndexOutOfRange {
                                index,
                                n_attributes: n,
                            },
                        ));
                    }
                    None => {
                        let digits = String::from_utf8_lossy(digits);
                        let reason = format!(
                            "sparse index {digits} is out of range: there are {n} attributes"
                        );
                        return Err(bad(start, &reason));
                    }
                };
                if self.set_in_row[j] == row {
                    return Err((start, ArffErrorKind::DuplicateSparseIndex(j)));
                }
                self.set_in_row[j] = row;
                if matches!(cursor.peek(), Some(b) if !is_space(b) && b != b',' && b != b'}') {
                    return Err(bad(cursor.pos, "expected a space between index and value"));
                }
                cursor.skip_space();
                if matches!(cursor.peek(), None | Some(b',' | b'}')) {
                    return Err(bad(cursor.pos, "missing value after the index"));
                }
                let token = cursor.token(|b| b == b',' || b == b'}')?;
                // Columns catch up lazily: only the set ones are touched per row, so a row
                // costs its entries, not its width.
                self.columns[j].pad_with_sparse_default(row);
                self.push(j, &token)?;
                cursor.skip_space();
                match cursor.peek() {
                    Some(b',') => cursor.pos += 1,
                    Some(b'}') => {
                        cursor.pos += 1;
                        break;
                    }
                    None => return Err(bad(cursor.pos, "missing closing `}`")),
                    Some(_) => return Err(bad(cursor.pos, "expected `,` or `}` after a value")),
                }
            }
        }
        cursor.skip_space();
        if !cursor.at_end() {
            return Err(bad(cursor.pos, "text after the closing `}`"));
        }
        // A left-out nominal value is the first declared one, which `{}` does not have.
        if let Some(&j) = self
            .schema
            .empty_nominal
            .iter()
            .find(|&&j| self.set_in_row[j] != row)
        {
            let reason = format!(
                "attribute `{}` declares no nominal values, so it cannot be left out",
                self.schema.attributes[j].name
            );
            return Err(bad(0, &reason));
        }
        self.rows += 1;
        self.lagging = true;
        Ok(())
    }

    /// Appends `token`'s value to column `j`.
    fn push(&mut self, j: usize, token: &Token<'_>) -> Result<(), Failure> {
        let attribute = &self.schema.attributes[j];
        let missing = token.is_missing();
        match &mut self.columns[j] {
            Column::Numeric(values) => {
                let x = if missing {
                    f64::NAN
                } else {
                    let x = fast_float2::parse::<f64, _>(&*token.text)
                        .map_err(|_| bad_number(attribute, token))?;
                    if attribute.kind == AttributeKind::Integer {
                        x.trunc()
                    } else {
                        x
                    }
                };
                values.push(x);
            }
            Column::Nominal(codes) => {
                let code = if missing {
                    MISSING_CODE
                } else {
                    let index = self.schema.nominal[j]
                        .as_ref()
                        .expect("nominal column has an index");
                    index.code(&token.text).ok_or_else(|| {
                        let allowed = attribute.kind.categories().unwrap_or_default();
                        (
                            token.start,
                            ArffErrorKind::UnknownNominal {
                                attribute: attribute.name.clone(),
                                value: String::from_utf8_lossy(&token.text).into_owned(),
                                allowed: shorten(allowed),
                            },
                        )
                    })?
                };
                codes.push(code);
            }
            Column::String(values) => {
                let value = if missing {
                    None
                } else {
                    Some(header::text(&token.text, token.text_start())?)
                };
                values.push(value);
            }
            Column::Date(values) => {
                let value = if missing {
                    None
                } else {
                    let AttributeKind::Date(format) = &attribute.kind else {
                        unreachable!("date column with a date attribute")
                    };
                    let text = header::text(&token.text, token.text_start())?;
                    Some(format.parse(&text).ok_or_else(|| {
                        (
                            token.start,
                            ArffErrorKind::BadDate {
                                attribute: attribute.name.clone(),
                                value: text.clone(),
                                format: format.java().to_owned(),
                            },
                        )
                    })?)
                };
                values.push(value);
            }
        }
        Ok(())
    }
}

fn bad_number(attribute: &Attribute, token: &Token<'_>) -> Failure {
    (
        token.start,
        ArffErrorKind::BadNumber {
            attribute: attribute.name.clone(),
            value: String::from_utf8_lossy(&token.text).into_owned(),
        },
    )
}

/// The declared values for an error message: all of them, or the first few.
fn shorten(values: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut out = values
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if values.len() > SHOWN {
        out.push_str(&format!(", ... ({} values)", values.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn plain_decimals_match_the_general_parser(text in "[-+]?[0-9]{0,20}(\\.[0-9]{0,20})?([eE][0-9])?[,x]?") {
            if let Some((x, used)) = plain_decimal(text.as_bytes()) {
                let (y, general_used) = fast_float2::parse_partial::<f64, _>(&text).unwrap();
                prop_assert_eq!(x.to_bits(), y.to_bits(), "{}", text);
                prop_assert_eq!(used, general_used);
            }
        }
    }

    #[test]
    fn truncate_is_trunc() {
        for x in [
            0.0,
            -0.0,
            0.5,
            -0.5,
            2.7,
            -2.7,
            1e300,
            -1e20,
            4.5e15,
            f64::INFINITY,
            f64::MAX,
        ] {
            assert_eq!(truncate(x).to_bits(), x.trunc().to_bits(), "{x}");
        }
        assert!(truncate(f64::NAN).is_nan());
    }

    #[test]
    fn plain_decimals() {
        assert_eq!(plain_decimal(b"-12.345678,"), Some((-12.345678, 10)));
        assert_eq!(plain_decimal(b"5.,"), Some((5.0, 2)));
        assert_eq!(plain_decimal(b".5"), Some((0.5, 2)));
        assert_eq!(
            plain_decimal(b"-0").map(|(x, _)| x.to_bits()),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(plain_decimal(b"1e5"), None);
        assert_eq!(plain_decimal(b"."), None);
        assert_eq!(plain_decimal(b"?"), None);
        assert_eq!(plain_decimal(b"12345678901234567890"), None);
    }

    fn reader(threads: usize, block_size: usize) -> ArffReader {
        let mut reader = ArffReaderBuilder::new().threads(threads).build();
        reader.block_size = Some(block_size);
        reader
    }

    #[test]
    fn any_thread_count_and_block_size_gives_the_same_result() {
        let mut text = String::from(
            "@relation r\n@attribute x numeric\n@attribute c {a, b}\n@attribute s string\n@data\n",
        );
        for i in 0..500 {
            match i % 7 {
                0 => text.push_str(&format!("{{0 {i}, 2 's{i}'}}\n")),
                1 => text.push_str("% a comment\n\n"),
                _ => text.push_str(&format!("{}.5,{},'t {i}'\n", i, ["a", "b"][i % 2])),
            }
        }
        let (expected, lines) = reader(1, usize::MAX)
            .read_with_lines(text.as_bytes())
            .unwrap();
        assert_eq!(
            expected.n_rows(),
            500 - 72,
            "one line in seven is a comment"
        );
        for threads in [1, 2, 3, 8] {
            for block_size in [1, 64, 1000] {
                let (arff, found) = reader(threads, block_size)
                    .read_with_lines(text.as_bytes())
                    .unwrap();
                assert_eq!(arff, expected, "{threads} threads, blocks of {block_size}");
                assert_eq!(found, lines, "{threads} threads, blocks of {block_size}");
            }
        }
        // Two errors: every configuration reports the first.
        let bad = text.replace("100.5,", "x,").replace("300.5,", "y,");
        let expected = reader(1, usize::MAX)
            .read(bad.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(expected.contains("`x` is not a number"), "{expected}");
        for threads in [2, 3] {
            for block_size in [1, 64, 1000] {
                let err = reader(threads, block_size)
                    .read(bad.as_bytes())
                    .unwrap_err();
                assert_eq!(err.to_string(), expected);
            }
        }
    }
}
