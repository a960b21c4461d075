//! ARFF date attributes: Java `SimpleDateFormat` patterns, translated once to chrono.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};

/// The Java pattern that ARFF uses when a date attribute names none.
pub const DEFAULT_DATE_FORMAT: &str = "yyyy-MM-dd'T'HH:mm:ss";

/// A date attribute's format: the Java `SimpleDateFormat` pattern as declared, and its
/// translation for parsing and printing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFormat {
    java: String,
    chrono: String,
    has_time: bool,
    has_zone: bool,
}

impl Default for DateFormat {
    fn default() -> Self {
        DateFormat::new(DEFAULT_DATE_FORMAT).expect("the default format is supported")
    }
}

impl DateFormat {
    /// Translates a Java `SimpleDateFormat` pattern. Supported letters: `y M d H h k K m s S a E Z X`
    /// and quoted literals; an error names the first letter that is not.
    pub fn new(java: &str) -> Result<Self, String> {
        let mut chrono = String::new();
        let mut has_time = false;
        let mut has_zone = false;
        let mut letters = String::new();
        let chars: Vec<char> = java.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\'' {
                // A quoted literal; `''` is a quote.
                if chars.get(i + 1) == Some(&'\'') {
                    chrono.push('\'');
                    i += 2;
                    continue;
                }
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => return Err("unterminated quoted literal".into()),
                        Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                            chrono.push('\'');
                            j += 2;
                        }
                        Some('\'') => break,
                        Some(&lit) => {
                            push_literal(&mut chrono, lit);
                            j += 1;
                        }
                    }
                }
                i = j + 1;
                continue;
            }
            if !c.is_ascii_alphabetic() {
                push_literal(&mut chrono, c);
                i += 1;
                continue;
            }
            let mut n = 1;
            while chars.get(i + n) == Some(&c) {
                n += 1;
            }
            let spec = match (c, n) {
                ('y', 2) => "%y",
                ('y', _) => "%Y",
                ('M', 1 | 2) => "%m",
                ('M', 3) => "%b",
                ('M', _) => "%B",
                ('d', _) => "%d",
                ('H', _) | ('k', _) => "%H",
                ('h', _) | ('K', _) => "%I",
                ('m', _) => "%M",
                ('s', _) => "%S",
                ('S', 3) => "%3f",
                ('S', 6) => "%6f",
                ('S', 9) => "%9f",
                ('a', _) => "%p",
                ('E', 1..=3) => "%a",
                ('E', _) => "%A",
                ('Z', _) => "%z",
                ('X', _) => "%:z",
                _ => {
                    return Err(format!(
                        "pattern letter `{}` is not supported",
                        c.to_string().repeat(n)
                    ));
                }
            };
            has_time |= matches!(c, 'H' | 'k' | 'h' | 'K' | 'm' | 's' | 'S');
            has_zone |= matches!(c, 'Z' | 'X');
            letters.push(c);
            chrono.push_str(spec);
            i += n;
        }
        let has = |letter: char| letters.contains(letter);
        if !(has('y') && has('M') && has('d')) {
            return Err("a format without year (y), month (M) and day (d) is not supported".into());
        }
        if has_zone && !has_time {
            return Err("a time zone (Z, X) needs a time of day".into());
        }
        Ok(DateFormat {
            java: java.to_owned(),
            chrono,
            has_time,
            has_zone,
        })
    }

    /// The Java pattern as declared in the file.
    pub fn java(&self) -> &str {
        &self.java
    }

    /// Parses a value into milliseconds since the epoch (UTC), or `None` if it does not match.
    pub fn parse(&self, value: &str) -> Option<i64> {
        let datetime = if self.has_zone {
            DateTime::parse_from_str(value, &self.chrono)
                .ok()?
                .naive_utc()
        } else if self.has_time {
            NaiveDateTime::parse_from_str(value, &self.chrono).ok()?
        } else {
            NaiveDate::parse_from_str(value, &self.chrono)
                .ok()?
                .and_time(NaiveTime::MIN)
        };
        Some(datetime.and_utc().timestamp_millis())
    }

    /// Prints milliseconds since the epoch in this format.
    pub fn format(&self, millis: i64) -> String {
        let datetime = DateTime::from_timestamp_millis(millis).unwrap_or_default();
        if self.has_zone {
            datetime.format(&self.chrono).to_string()
        } else {
            datetime.naive_utc().format(&self.chrono).to_string()
        }
    }
}

fn push_literal(chrono: &mut String, c: char) {
    if c == '%' {
        chrono.push_str("%%");
    } else {
        chrono.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_format() {
        let f = DateFormat::default();
        let ms = f.parse("2001-02-03T04:05:06").unwrap();
        assert_eq!(ms, 981_173_106_000);
        assert_eq!(f.format(ms), "2001-02-03T04:05:06");
        assert_eq!(f.parse("2001-02-03"), None);
    }

    #[test]
    fn date_only_and_millis() {
        let f = DateFormat::new("dd/MM/yyyy").unwrap();
        assert_eq!(f.parse("01/01/1970"), Some(0));
        let f = DateFormat::new("yyyy-MM-dd HH:mm:ss.SSS").unwrap();
        let ms = f.parse("1970-01-01 00:00:01.250").unwrap();
        assert_eq!(ms, 1250);
        assert_eq!(f.format(ms), "1970-01-01 00:00:01.250");
    }

    #[test]
    fn unsupported_letter() {
        assert!(DateFormat::new("yyyy-ww").unwrap_err().contains("`ww`"));
        assert!(DateFormat::new("'open").is_err());
    }
}
