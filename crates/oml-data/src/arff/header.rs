//! Parsing the ARFF header: `@relation`, `@attribute` and `@data` lines.

use super::date::{DEFAULT_DATE_FORMAT, DateFormat};
use super::token::{Cursor, Failure, is_space};
use super::{Attribute, AttributeKind};
use crate::error::ArffErrorKind;

/// A header line, classified by its keyword.
pub(crate) enum HeaderLine<'a> {
    /// `@relation`, with the rest of the line.
    Relation(&'a [u8]),
    /// `@attribute`, with the rest of the line.
    Attribute(&'a [u8]),
    /// `@data`.
    Data,
}

/// Classifies a trimmed, non-empty, non-comment header line by its case-insensitive keyword.
pub(crate) fn classify(line: &[u8]) -> Option<HeaderLine<'_>> {
    let keyword_end = line
        .iter()
        .position(|&b| is_space(b) || b == b'{' || b == b'\'' || b == b'"')
        .unwrap_or(line.len());
    let (keyword, rest) = line.split_at(keyword_end);
    if keyword.eq_ignore_ascii_case(b"@relation") {
        Some(HeaderLine::Relation(rest))
    } else if keyword.eq_ignore_ascii_case(b"@attribute") {
        Some(HeaderLine::Attribute(rest))
    } else if keyword.eq_ignore_ascii_case(b"@data") && rest.iter().all(|&b| is_space(b)) {
        Some(HeaderLine::Data)
    } else {
        None
    }
}

/// Parses the name after `@relation`, which must end the line; `offset` is where the name's
/// part of `line` starts.
pub(crate) fn relation(line: &[u8], offset: usize) -> Result<String, Failure> {
    let mut cursor = Cursor::new(&line[offset..]);
    cursor.skip_space();
    let name = name(&mut cursor, offset, "@relation")?;
    cursor.skip_space();
    if !cursor.at_end() {
        // An unquoted name with a space in it, say: Weka and liac-arff reject the line too.
        return Err((offset + cursor.pos, unexpected_line(line)));
    }
    Ok(name)
}

/// The error for a header line that is out of place or not a declaration at all.
pub(crate) fn unexpected_line(line: &[u8]) -> ArffErrorKind {
    ArffErrorKind::UnexpectedHeaderLine(String::from_utf8_lossy(line).into_owned())
}

/// Parses `name type` after `@attribute`; `offset` is where `rest` starts in the line.
pub(crate) fn attribute(rest: &[u8], offset: usize) -> Result<Attribute, Failure> {
    let mut cursor = Cursor::new(rest);
    cursor.skip_space();
    let name = name(&mut cursor, offset, "@attribute")?;
    cursor.skip_space();
    let at = |cursor: &Cursor<'_>| offset + cursor.pos;
    let Some(first) = cursor.peek() else {
        return Err((at(&cursor), ArffErrorKind::MissingType(name)));
    };
    let kind = if first == b'{' {
        nominal(&mut cursor, &name, offset)?
    } else {
        let start = cursor.pos;
        let word = cursor.token(is_space).map_err(shift(offset))?;
        let ty = text(&word.text, offset + start)?;
        match ty.to_ascii_lowercase().as_str() {
            "numeric" => AttributeKind::Numeric,
            "real" => AttributeKind::Real,
            "integer" => AttributeKind::Integer,
            "string" => AttributeKind::String,
            "date" => {
                cursor.skip_space();
                let format_start = cursor.pos;
                let java = if cursor.at_end() {
                    DEFAULT_DATE_FORMAT.to_owned()
                } else {
                    let token = cursor.token(|_| false).map_err(shift(offset))?;
                    text(&token.text, offset + format_start)?
                };
                let format = DateFormat::new(&java).map_err(|reason| {
                    (
                        offset + format_start,
                        ArffErrorKind::BadDateFormat {
                            name: name.clone(),
                            format: java.clone(),
                            reason,
                        },
                    )
                })?;
                AttributeKind::Date(format)
            }
            "relational" => return Err((offset + start, ArffErrorKind::Relational(name))),
            _ => {
                return Err((
                    offset + start,
                    ArffErrorKind::UnknownType {
                        name,
                        ty: ty.to_owned(),
                    },
                ));
            }
        }
    };
    cursor.skip_space();
    if !cursor.at_end() {
        return Err((
            at(&cursor),
            ArffErrorKind::TrailingText {
                name,
                text: String::from_utf8_lossy(cursor.rest()).into_owned(),
            },
        ));
    }
    Ok(Attribute { name, kind })
}

/// Reads a relation or attribute name: quoted, or bare up to whitespace or `{`.
fn name(cursor: &mut Cursor<'_>, offset: usize, what: &'static str) -> Result<String, Failure> {
    let start = cursor.pos;
    let token = cursor
        .token(|b| is_space(b) || b == b'{')
        .map_err(shift(offset))?;
    if token.text.is_empty() && !token.quoted {
        return Err((offset + start, ArffErrorKind::MissingName(what)));
    }
    text(&token.text, offset + start)
}

/// Parses `{v1, v2, ...}` starting at the `{`.
fn nominal(cursor: &mut Cursor<'_>, name: &str, offset: usize) -> Result<AttributeKind, Failure> {
    let bad = |pos: usize, reason: &str| {
        (
            offset + pos,
            ArffErrorKind::BadNominal {
                name: name.to_owned(),
                reason: reason.to_owned(),
            },
        )
    };
    cursor.pos += 1;
    let mut values: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    cursor.skip_space();
    if cursor.peek() == Some(b'}') {
        cursor.pos += 1;
        return Ok(AttributeKind::Nominal(values));
    }
    loop {
        cursor.skip_space();
        let start = cursor.pos;
        let token = cursor
            .token(|b| b == b',' || b == b'}')
            .map_err(shift(offset))?;
        if token.text.is_empty() && !token.quoted {
            return Err(bad(start, "empty value"));
        }
        let value = text(&token.text, offset + start)?;
        if !seen.insert(value.clone()) {
            return Err((
                offset + start,
                ArffErrorKind::DuplicateNominal {
                    name: name.to_owned(),
                    value,
                },
            ));
        }
        values.push(value);
        cursor.skip_space();
        match cursor.peek() {
            Some(b',') => cursor.pos += 1,
            Some(b'}') => {
                cursor.pos += 1;
                return Ok(AttributeKind::Nominal(values));
            }
            None => return Err(bad(cursor.pos, "missing closing `}`")),
            Some(_) => return Err(bad(cursor.pos, "expected `,` or `}` after a value")),
        }
    }
}

/// Moves a failure's position from the part of the line being parsed to the whole line.
fn shift(offset: usize) -> impl Fn(Failure) -> Failure {
    move |(pos, kind)| (offset + pos, kind)
}

/// Converts token bytes to a `String`, failing at `start` on invalid UTF-8.
pub(crate) fn text(bytes: &[u8], start: usize) -> Result<String, Failure> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => Err((start + e.valid_up_to(), ArffErrorKind::InvalidUtf8)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(line: &str, name: &str, kind: AttributeKind) {
        let Some(HeaderLine::Attribute(rest)) = classify(line.as_bytes()) else {
            panic!("not an attribute line: {line}");
        };
        let attribute = attribute(rest, line.len() - rest.len()).unwrap();
        assert_eq!(attribute.name, name, "{line}");
        assert_eq!(attribute.kind, kind, "{line}");
    }

    fn nominal(values: &[&str]) -> AttributeKind {
        AttributeKind::Nominal(values.iter().map(|v| v.to_string()).collect())
    }

    #[test]
    fn attributes() {
        check("@attribute a numeric", "a", AttributeKind::Numeric);
        check("@ATTRIBUTE 'a b' REAL", "a b", AttributeKind::Real);
        check(
            "@Attribute \"bw%2Fme\" Integer",
            "bw%2Fme",
            AttributeKind::Integer,
        );
        check("@attribute s string", "s", AttributeKind::String);
        check(
            "@attribute c {  GB , GK , GS }",
            "c",
            nominal(&["GB", "GK", "GS"]),
        );
        check("@attribute c{a,b}", "c", nominal(&["a", "b"]));
        check(
            "@attribute c {' - 50000.', 'x,y', \"it's\"}",
            "c",
            nominal(&[" - 50000.", "x,y", "it's"]),
        );
        check("@attribute e {}", "e", nominal(&[]));
        check(
            "@attribute d date",
            "d",
            AttributeKind::Date(DateFormat::default()),
        );
        check(
            "@attribute d date 'yyyy-MM-dd HH:mm'",
            "d",
            AttributeKind::Date(DateFormat::new("yyyy-MM-dd HH:mm").unwrap()),
        );
    }

    fn fails(line: &str) -> ArffErrorKind {
        let Some(HeaderLine::Attribute(rest)) = classify(line.as_bytes()) else {
            panic!("not an attribute line: {line}");
        };
        attribute(rest, line.len() - rest.len()).unwrap_err().1
    }

    #[test]
    fn bad_attributes() {
        assert!(matches!(fails("@attribute"), ArffErrorKind::MissingName(_)));
        assert!(matches!(
            fails("@attribute a"),
            ArffErrorKind::MissingType(_)
        ));
        assert!(matches!(
            fails("@attribute a float"),
            ArffErrorKind::UnknownType { .. }
        ));
        assert!(matches!(
            fails("@attribute a {x,x}"),
            ArffErrorKind::DuplicateNominal { .. }
        ));
        assert!(matches!(
            fails("@attribute a {x,y"),
            ArffErrorKind::BadNominal { .. }
        ));
        assert!(matches!(
            fails("@attribute a {x,,y}"),
            ArffErrorKind::BadNominal { .. }
        ));
        assert!(matches!(
            fails("@attribute a numeric x"),
            ArffErrorKind::TrailingText { .. }
        ));
        assert!(matches!(
            fails("@attribute a relational"),
            ArffErrorKind::Relational(_)
        ));
        assert!(matches!(
            fails("@attribute a date 'ww'"),
            ArffErrorKind::BadDateFormat { .. }
        ));
    }
}
