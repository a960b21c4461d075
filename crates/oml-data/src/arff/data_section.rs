//! The data section as it is being read: rows, dense or sparse, parsed into one typed column
//! per attribute, a block of lines at a time.

use std::collections::HashMap;
use std::sync::Arc;

use super::header;
use super::number::{plain_decimal, truncate};
use super::reader::{at, trim};
use super::token::{Cursor, Failure, Token, is_space};
use super::{Attribute, AttributeKind, Column, MISSING_CODE};
use crate::error::{ArffErrorKind, Result};

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
pub(super) struct Data {
    /// What all parts of one file share.
    pub(super) schema: Arc<Schema>,
    pub(super) columns: Vec<Column>,
    /// For sparse rows: the row in which each attribute was last set.
    set_in_row: Vec<usize>,
    rows: usize,
    /// Whether a sparse row left some columns shorter than `rows`.
    lagging: bool,
    /// The line (from 1) of each row.
    pub(super) row_lines: Vec<u64>,
}

/// The attributes and what is derived from them once per file.
pub(super) struct Schema {
    pub(super) attributes: Vec<Attribute>,
    nominal: Vec<Option<NominalIndex>>,
    /// The nominal attributes declared `{}`, which a sparse row must not leave out.
    empty_nominal: Vec<usize>,
    /// Whether each attribute is `integer`, whose values are truncated.
    integer: Vec<bool>,
}

impl Data {
    pub(super) fn new(attributes: Vec<Attribute>) -> Self {
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
    pub(super) fn empty_like(&self) -> Data {
        Data::with_schema(Arc::clone(&self.schema))
    }

    /// Appends the rows of parts that followed this one in the file, in order, growing each
    /// column once.
    pub(super) fn concat(&mut self, mut parts: Vec<Data>) {
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
    pub(super) fn block(&mut self, first_line: u64, block: &[u8]) -> Result<u64> {
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
    pub(super) fn catch_up(&mut self) {
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

/// The number of line ends in `bytes`.
fn count_lines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}
