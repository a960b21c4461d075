//! The lenient XML reading shared by OpenML's documents (`description.xml`, `features.xml`,
//! `task.xml`), and the escaping of the text every XML document oml writes.
//!
//! [`Doc`] walks a document with a known root element and reports [`Node`]s: elements by local
//! name (the `oml:` prefix and the namespace are ignored), text with entity and character
//! references resolved, and empty elements as an open followed by a close. Comments,
//! declarations, processing instructions and doctypes are skipped; malformed XML, a wrong or
//! second root and text outside the root are [`XmlError`]s.
//!
//! [`escape`] and [`escape_ascii`] escape text for element content and attribute values: the
//! first for documents that keep Unicode (`task.xml`, the cache's dataset description, the
//! HTML report), the second for documents OpenML takes in an upload (flow XML, the run
//! description), whose schema strings are Basic Latin.

use std::borrow::Cow;
use std::fmt;

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// Why a document cannot be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    /// The byte offset (from 0) of the problem; [`line`] turns it into a line.
    pub at: u64,
    /// Whether quick-xml found the XML malformed (the message then starts with `malformed XML`).
    pub malformed: bool,
    /// What is wrong.
    pub message: String,
}

/// The line (from 1) of byte offset `at` (from 0) in `text`.
pub fn line(text: &str, at: u64) -> u64 {
    let end = usize::try_from(at).unwrap_or(usize::MAX).min(text.len());
    let newlines = memchr::memchr_iter(b'\n', &text.as_bytes()[..end]).count();
    newlines as u64 + 1
}

fn error(at: u64, what: impl fmt::Display) -> XmlError {
    XmlError {
        at,
        malformed: false,
        message: what.to_string(),
    }
}

/// `text` escaped for XML element content and attribute values, Unicode kept: `&`, `<`, `>`,
/// `"` and `'` become entities, a carriage return `&#13;` (so that a reader gets it back
/// rather than a newline), and the characters XML 1.0 cannot carry (the C0 controls but tab
/// and newline, U+FFFE and U+FFFF) U+FFFD.
pub fn escape(text: &str) -> String {
    escape_with(text, |c| c, '\u{fffd}')
}

/// `text` escaped as [`escape`] does, but ASCII only, as OpenML's upload schemas want their
/// strings (Basic Latin): every other character, and every character XML 1.0 cannot carry,
/// becomes `?`.
pub fn escape_ascii(text: &str) -> String {
    escape_with(text, |c| if c.is_ascii() { c } else { '?' }, '?')
}

/// `text` with each character mapped by `map`, then escaped; a character XML 1.0 cannot
/// carry becomes `unrepresentable`.
fn escape_with(text: &str, map: impl Fn(char) -> char, unrepresentable: char) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().map(map) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push(unrepresentable),
            c => out.push(c),
        }
    }
    out
}

/// What [`Doc::next_node`] reports.
pub enum Node<'a> {
    /// A start tag (an empty element is reported as a start tag and then its close).
    Open(Start<'a>),
    /// Text (or one resolved reference, or CDATA) directly inside an element at `depth`.
    Text {
        /// The text, verbatim.
        text: Cow<'a, str>,
        /// The depth of the element it is in.
        depth: usize,
    },
    /// The end of the element at `depth`.
    Close {
        /// The depth of the element closed.
        depth: usize,
    },
}

/// An element just opened.
pub struct Start<'a> {
    /// Its local name.
    pub local: String,
    /// Its depth; the root has depth 1.
    pub depth: usize,
    /// The byte offset (from 0) of its start tag.
    pub at: u64,
    tag: BytesStart<'a>,
}

impl Start<'_> {
    /// The value of attribute `name` (normalized as XML 1.0 says), if the element has it.
    pub fn attribute(&self, name: &str) -> Result<Option<String>, XmlError> {
        let attribute = self
            .tag
            .try_get_attribute(name)
            .map_err(|e| error(self.at, format_args!("malformed attribute: {e}")))?;
        let Some(attribute) = attribute else {
            return Ok(None);
        };
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| error(self.at, format_args!("malformed attribute `{name}`: {e}")))?;
        Ok(Some(value.into_owned()))
    }
}

/// A well-formedness-checking walk over a document whose root element has a known local name.
pub struct Doc<'a> {
    text: &'a str,
    reader: Reader<&'a [u8]>,
    root: &'a str,
    /// The local names and start offsets of the open elements.
    open: Vec<(String, u64)>,
    root_seen: bool,
    /// An empty element (`<a/>`) was just opened and must be closed next.
    close_pending: bool,
}

impl<'a> Doc<'a> {
    /// Starts reading `text`, whose root element must have local name `root`.
    pub fn new(text: &'a str, root: &'a str) -> Self {
        let mut reader = Reader::from_str(text);
        // Text keeps its spaces: ` - 50000.` is a different nominal value from `- 50000.`.
        reader.config_mut().trim_text(false);
        reader.config_mut().check_end_names = true;
        Doc {
            text,
            reader,
            root,
            open: Vec::new(),
            root_seen: false,
            close_pending: false,
        }
    }

    /// The local names of the open elements, root first.
    pub fn path(&self) -> Vec<&str> {
        self.open.iter().map(|(local, _)| local.as_str()).collect()
    }

    /// The next node, or `None` at the end of a complete document.
    pub fn next_node(&mut self) -> Result<Option<Node<'a>>, XmlError> {
        if self.close_pending {
            self.close_pending = false;
            return Ok(Some(self.close()));
        }
        loop {
            let at = self.reader.buffer_position();
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(e) => {
                    return Err(XmlError {
                        at: self.reader.error_position(),
                        malformed: true,
                        message: format!("malformed XML: {e}"),
                    });
                }
            };
            let text = match event {
                Event::Start(tag) => return self.open(tag, at).map(Some),
                Event::Empty(tag) => {
                    let node = self.open(tag, at)?;
                    self.close_pending = true;
                    return Ok(Some(node));
                }
                Event::End(_) => {
                    if self.open.is_empty() {
                        return Err(error(at, "end tag without a start tag"));
                    }
                    return Ok(Some(self.close()));
                }
                Event::Text(text) => text.xml10_content(),
                Event::CData(cdata) => cdata.xml10_content(),
                Event::GeneralRef(reference) => match reference.resolve_char_ref() {
                    Ok(Some(ch)) => Cow::Owned(ch.to_string()),
                    Ok(None) => match resolve_xml_entity(&reference) {
                        Some(resolved) => Cow::Borrowed(resolved),
                        None => {
                            let what = format_args!("unknown entity `&{};`", &*reference);
                            return Err(error(at, what));
                        }
                    },
                    Err(e) => {
                        let what = format_args!("bad character reference `&{};`: {e}", &*reference);
                        return Err(error(at, what));
                    }
                },
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => continue,
                Event::Eof => return self.end().map(|()| None),
            };
            if self.open.is_empty() {
                if text.trim().is_empty() {
                    continue;
                }
                return Err(error(at, "text outside the root element"));
            }
            return Ok(Some(Node::Text {
                text,
                depth: self.open.len(),
            }));
        }
    }

    fn open(&mut self, tag: BytesStart<'a>, at: u64) -> Result<Node<'a>, XmlError> {
        let local = tag.local_name().as_ref().to_owned();
        if self.open.is_empty() {
            let qualified = tag.name();
            let qualified = qualified.as_ref();
            if self.root_seen {
                let what = format_args!("second root element `{qualified}`");
                return Err(error(at, what));
            }
            if local != self.root {
                let what = format_args!(
                    "expected root element `oml:{}`, found `{qualified}`",
                    self.root
                );
                return Err(error(at, what));
            }
            self.root_seen = true;
        }
        self.open.push((local.clone(), at));
        Ok(Node::Open(Start {
            local,
            depth: self.open.len(),
            at,
            tag,
        }))
    }

    fn close(&mut self) -> Node<'a> {
        let depth = self.open.len();
        self.open.pop();
        Node::Close { depth }
    }

    fn end(&self) -> Result<(), XmlError> {
        let end = self.text.len() as u64;
        if let Some((local, at)) = self.open.last() {
            let what = format_args!(
                "unexpected end of input: `{local}` opened on line {} is not closed",
                line(self.text, *at)
            );
            return Err(error(end, what));
        }
        if !self.root_seen {
            let what = format_args!("no root element; expected `oml:{}`", self.root);
            return Err(error(end, what));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_special_characters_and_keeps_unicode() {
        assert_eq!(
            escape("<a href=\"x\">'b' & c</a> déjà"),
            "&lt;a href=&quot;x&quot;&gt;&apos;b&apos; &amp; c&lt;/a&gt; déjà"
        );
        assert_eq!(escape("a\tb\nc\rd"), "a\tb\nc&#13;d");
        assert_eq!(escape("\0\u{1}\u{fffe}\u{ffff}"), "\u{fffd}".repeat(4));
    }

    #[test]
    fn ascii_escaping_replaces_what_basic_latin_lacks() {
        assert_eq!(escape_ascii("déjà <vu> & \u{1}"), "d?j? &lt;vu&gt; &amp; ?");
        assert_eq!(escape_ascii("a\tb\rc"), "a\tb&#13;c");
        assert!(escape_ascii("\u{fffd}\u{10000}\0").is_ascii());
    }
}
