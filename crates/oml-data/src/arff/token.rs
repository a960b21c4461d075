//! Scanning ARFF tokens on one line of bytes: no I/O, no allocation unless a quoted token has
//! escapes.

use std::borrow::Cow;

use crate::error::ArffErrorKind;

/// A parse failure at a byte offset of the line.
pub(crate) type Failure = (usize, ArffErrorKind);

/// A token read from a line.
#[derive(Debug)]
pub(crate) struct Token<'a> {
    /// The token's text, with quotes removed and escapes resolved.
    pub text: Cow<'a, [u8]>,
    /// Whether the token was quoted (a quoted `?` is a value, not a missing value).
    pub quoted: bool,
    /// Byte offset of the token's first byte in the line.
    pub start: usize,
}

impl Token<'_> {
    /// Whether the token stands for a missing value: `?` unquoted, or nothing at all.
    pub fn is_missing(&self) -> bool {
        !self.quoted && (self.text.is_empty() || &*self.text == b"?")
    }

    /// Byte offset in the line of the text's first byte: after the opening quote, if any.
    /// (Within a token with escapes, later offsets are approximate.)
    pub fn text_start(&self) -> usize {
        self.start + usize::from(self.quoted)
    }
}

/// A position in one line.
pub(crate) struct Cursor<'a> {
    pub line: &'a [u8],
    pub pos: usize,
}

/// Whether `b` is ARFF whitespace (space or tab; line ends are stripped before).
#[inline]
pub(crate) fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

impl<'a> Cursor<'a> {
    pub fn new(line: &'a [u8]) -> Self {
        Cursor { line, pos: 0 }
    }

    /// The next byte, if any.
    #[inline]
    pub fn peek(&self) -> Option<u8> {
        self.line.get(self.pos).copied()
    }

    /// Whether the whole line has been consumed.
    #[inline]
    pub fn at_end(&self) -> bool {
        self.pos >= self.line.len()
    }

    /// Skips spaces and tabs.
    #[inline]
    pub fn skip_space(&mut self) {
        while let Some(&b) = self.line.get(self.pos) {
            if !is_space(b) {
                break;
            }
            self.pos += 1;
        }
    }

    /// The rest of the line.
    pub fn rest(&self) -> &'a [u8] {
        &self.line[self.pos.min(self.line.len())..]
    }

    /// Reads a quoted token if the next byte is a quote, else an unquoted one that runs until a
    /// byte for which `stop` holds (or the end of the line) and loses its trailing whitespace.
    pub fn token(&mut self, stop: impl Fn(u8) -> bool) -> Result<Token<'a>, Failure> {
        let start = self.pos;
        match self.peek() {
            Some(q @ (b'\'' | b'"')) => {
                let text = self.quoted(q)?;
                Ok(Token {
                    text,
                    quoted: true,
                    start,
                })
            }
            _ => {
                let mut end = start;
                while let Some(&b) = self.line.get(end) {
                    if stop(b) {
                        break;
                    }
                    end += 1;
                }
                self.pos = end;
                let mut trimmed = end;
                while trimmed > start && is_space(self.line[trimmed - 1]) {
                    trimmed -= 1;
                }
                Ok(Token {
                    text: Cow::Borrowed(&self.line[start..trimmed]),
                    quoted: false,
                    start,
                })
            }
        }
    }

    /// Reads a token quoted by `q`, starting at the opening quote.
    fn quoted(&mut self, q: u8) -> Result<Cow<'a, [u8]>, Failure> {
        let open = self.pos;
        let body = open + 1;
        let mut i = body;
        // Fast path: no backslash before the closing quote.
        while let Some(&b) = self.line.get(i) {
            if b == q {
                self.pos = i + 1;
                return Ok(Cow::Borrowed(&self.line[body..i]));
            }
            if b == b'\\' {
                break;
            }
            i += 1;
        }
        if i >= self.line.len() {
            return Err((open, ArffErrorKind::UnterminatedQuote));
        }
        let mut out = self.line[body..i].to_vec();
        while let Some(&b) = self.line.get(i) {
            if b == q {
                self.pos = i + 1;
                return Ok(Cow::Owned(out));
            }
            if b != b'\\' {
                out.push(b);
                i += 1;
                continue;
            }
            let Some(&e) = self.line.get(i + 1) else {
                break;
            };
            i += 2;
            match e {
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b'r' => out.push(b'\r'),
                b'b' => out.push(0x08),
                b'f' => out.push(0x0c),
                b'u' => {
                    let hex = self.line.get(i..i + 4).unwrap_or(&[]);
                    let ch = std::str::from_utf8(hex)
                        .ok()
                        .filter(|h| h.len() == 4)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32)
                        .ok_or_else(|| {
                            let shown = String::from_utf8_lossy(hex);
                            (i - 2, ArffErrorKind::BadEscape(format!("\\u{shown}")))
                        })?;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    i += 4;
                }
                b'0'..=b'7' => {
                    let mut value = u32::from(e - b'0');
                    let mut digits = 1;
                    while digits < 3 {
                        match self.line.get(i) {
                            Some(&d @ b'0'..=b'7') => {
                                value = value * 8 + u32::from(d - b'0');
                                i += 1;
                                digits += 1;
                            }
                            _ => break,
                        }
                    }
                    let ch = char::from_u32(value)
                        .ok_or_else(|| (i, ArffErrorKind::BadEscape(format!("\\{value:o}"))))?;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                // `\\`, `\'`, `\"`, `\%` and any other escaped byte stand for that byte.
                other => out.push(other),
            }
        }
        Err((open, ArffErrorKind::UnterminatedQuote))
    }
}

/// Whether a value must be quoted to be read back as itself.
pub(crate) fn needs_quotes(value: &str) -> bool {
    value.is_empty()
        || value == "?"
        || value.bytes().any(|b| {
            matches!(
                b,
                b' ' | b'\t' | b',' | b'\'' | b'"' | b'%' | b'{' | b'}' | b'\\'
            ) || b < 0x20
                || b == 0x7f
        })
}

/// Writes `value` as an ARFF token: bare when that reads back as itself, else single-quoted
/// with backslash escapes.
pub(crate) fn quote_into(value: &str, out: &mut Vec<u8>) {
    if !needs_quotes(value) {
        out.extend_from_slice(value.as_bytes());
        return;
    }
    out.push(b'\'');
    for ch in value.chars() {
        match ch {
            '\\' => out.extend_from_slice(b"\\\\"),
            '\'' => out.extend_from_slice(b"\\'"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes());
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'\'');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(line: &str, expected: &[u8], quoted: bool) {
        let mut cursor = Cursor::new(line.as_bytes());
        let token = cursor.token(|b| b == b',').unwrap();
        assert_eq!(&*token.text, expected, "{line}");
        assert_eq!(token.quoted, quoted, "{line}");
    }

    #[test]
    fn tokens() {
        check("abc,def", b"abc", false);
        check("a b  ,x", b"a b", false);
        check("'a, b',x", b"a, b", true);
        check(r#""say \"hi\"""#, b"say \"hi\"", true);
        check(r"'it\'s'", b"it's", true);
        check(r"'tab\there'", b"tab\there", true);
        check(r"'\u00e9'", "é".as_bytes(), true);
        check(r"'\101'", b"A", true);
        check(r"'50\%'", b"50%", true);
    }

    #[test]
    fn bad_tokens() {
        let mut cursor = Cursor::new(b"'open");
        assert_eq!(
            cursor.token(|b| b == b',').unwrap_err(),
            (0, ArffErrorKind::UnterminatedQuote)
        );
        let mut cursor = Cursor::new(br"'\u12'");
        assert!(matches!(
            cursor.token(|b| b == b',').unwrap_err(),
            (1, ArffErrorKind::BadEscape(_))
        ));
    }

    #[test]
    fn quoting_round_trips() {
        for value in [
            "plain",
            "",
            "?",
            "a b",
            "it's",
            "x,y",
            "50%",
            "{a}",
            "back\\slash",
            "\u{1}",
            "é",
        ] {
            let mut out = Vec::new();
            quote_into(value, &mut out);
            let mut cursor = Cursor::new(&out);
            let token = cursor.token(|b| b == b',').unwrap();
            assert_eq!(
                &*token.text,
                value.as_bytes(),
                "{value:?} written as {out:?}"
            );
            assert!(cursor.at_end());
            assert!(!token.is_missing());
        }
    }
}
