//! The streaming ARFF reader.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use flate2::bufread::MultiGzDecoder;
use rayon::prelude::*;

use super::data_section::Data;
use super::header::{self, HeaderLine};
use super::token::{Failure, is_space};
use super::{Arff, Attribute};
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

/// An ARFF error at `line` (from 1) and byte `column` (from 1) of that line.
pub(super) fn at(line: u64, column: usize, kind: ArffErrorKind) -> Error {
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
pub(super) fn trim(buf: &[u8]) -> (&[u8], usize) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
