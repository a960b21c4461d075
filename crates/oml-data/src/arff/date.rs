//! ARFF date attributes: Java `SimpleDateFormat` patterns, translated once to chrono.

use chrono::DateTime;
use chrono::format::{Item, Parsed, StrftimeItems, parse_and_remainder};

/// The Java pattern that ARFF uses when a date attribute names none.
pub const DEFAULT_DATE_FORMAT: &str = "yyyy-MM-dd'T'HH:mm:ss";

/// The first year of the hundred years that a two-digit year falls in: `46` is 1946, `45` is
/// 2045. Java's `SimpleDateFormat` puts such a year within 80 years before and 20 years after
/// the moment the format object is made, so its result depends on the day a file is read; oml
/// fixes that moment at the start of 2026, so that a file reads the same on every day.
pub const TWO_DIGIT_YEAR_START: i32 = 1946;

/// The most digits a year is read with: more is not a year chrono can hold.
const MAX_YEAR_DIGITS: usize = 6;

/// A date attribute's format: the Java `SimpleDateFormat` pattern as declared, and its
/// translation for parsing and printing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFormat {
    java: String,
    /// chrono's pattern, for printing.
    chrono: String,
    /// The pattern in pieces, for parsing: chrono parses all but the years.
    pieces: Vec<Piece>,
    has_zone: bool,
}

/// A piece of a pattern, for parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Letters and literals that chrono parses, as chrono's parsed pattern.
    Chrono(Vec<Item<'static>>),
    /// A year of `letters` pattern letters; `abutting` when a number comes right before or
    /// after it in the pattern, so that it takes at most `letters` digits.
    Year { letters: usize, abutting: bool },
}

impl Default for DateFormat {
    fn default() -> Self {
        DateFormat::new(DEFAULT_DATE_FORMAT).expect("the default format is supported")
    }
}

impl DateFormat {
    /// Translates a Java `SimpleDateFormat` pattern. Supported letters: `y M d H h k K m s S a E Z X`
    /// and quoted literals; an error names the first letter that is not.
    ///
    /// Years are read as Java reads them: with `yyy` or more letters a year is the number
    /// written (`01` is the year 1); with `y` or `yy` a year of exactly two digits is
    /// abbreviated and falls in the hundred years from [`TWO_DIGIT_YEAR_START`] (`50` is
    /// 1950, `01` is 2001; Java's window moves with the day of reading, oml's is fixed), and
    /// any other number of digits is the year written (`2001`). Fields that the pattern
    /// leaves out take Java's defaults: the hour, minute and second 0, the morning for `h`
    /// without `a`.
    pub fn new(java: &str) -> Result<Self, String> {
        let mut chrono = String::new();
        let mut fragment = String::new();
        let mut pieces = Vec::new();
        let mut has_time = false;
        let mut has_zone = false;
        let mut letters = String::new();
        let mut after_number = false;
        let chars: Vec<char> = java.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\'' {
                after_number = false;
                // A quoted literal; `''` is a quote.
                if chars.get(i + 1) == Some(&'\'') {
                    push_literal(&mut chrono, &mut fragment, '\'');
                    i += 2;
                    continue;
                }
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => return Err("unterminated quoted literal".into()),
                        Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                            push_literal(&mut chrono, &mut fragment, '\'');
                            j += 2;
                        }
                        Some('\'') => break,
                        Some(&lit) => {
                            push_literal(&mut chrono, &mut fragment, lit);
                            j += 1;
                        }
                    }
                }
                i = j + 1;
                continue;
            }
            if !c.is_ascii_alphabetic() {
                after_number = false;
                push_literal(&mut chrono, &mut fragment, c);
                i += 1;
                continue;
            }
            let n = run_length(&chars, i);
            if c == 'y' {
                chrono.push_str(if n == 2 { "%y" } else { "%Y" });
                if !fragment.is_empty() {
                    pieces.push(chrono_piece(&std::mem::take(&mut fragment))?);
                }
                let before_number = chars
                    .get(i + n)
                    .is_some_and(|&next| is_number(next, run_length(&chars, i + n)));
                pieces.push(Piece::Year {
                    letters: n,
                    abutting: after_number || before_number,
                });
            } else {
                let spec = match (c, n) {
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
                chrono.push_str(spec);
                fragment.push_str(spec);
            }
            after_number = is_number(c, n);
            has_time |= matches!(c, 'H' | 'k' | 'h' | 'K' | 'm' | 's' | 'S');
            has_zone |= matches!(c, 'Z' | 'X');
            letters.push(c);
            i += n;
        }
        if !fragment.is_empty() {
            pieces.push(chrono_piece(&fragment)?);
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
            pieces,
            has_zone,
        })
    }

    /// The Java pattern as declared in the file.
    pub fn java(&self) -> &str {
        &self.java
    }

    /// Parses a value into milliseconds since the epoch (UTC), or `None` if it does not match.
    pub fn parse(&self, value: &str) -> Option<i64> {
        let mut parsed = Parsed::new();
        let mut rest = value;
        for piece in &self.pieces {
            rest = match piece {
                Piece::Chrono(items) => {
                    parse_and_remainder(&mut parsed, rest, items.iter()).ok()?
                }
                Piece::Year { letters, abutting } => {
                    let (year, tail) = parse_year(rest, *letters, *abutting)?;
                    parsed.set_year(i64::from(year)).ok()?;
                    tail
                }
            };
        }
        if !rest.is_empty() {
            return None;
        }
        // Java's defaults for what the pattern leaves out: midnight, the morning.
        if parsed.hour_mod_12().is_none() {
            parsed.set_hour12(12).ok()?;
        }
        if parsed.hour_div_12().is_none() {
            parsed.set_ampm(false).ok()?;
        }
        if parsed.minute().is_none() {
            parsed.set_minute(0).ok()?;
        }
        if parsed.second().is_none() {
            parsed.set_second(0).ok()?;
        }
        let datetime = if self.has_zone {
            parsed.to_datetime().ok()?.naive_utc()
        } else {
            parsed.to_naive_datetime_with_offset(0).ok()?
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

/// A chrono pattern, parsed once.
fn chrono_piece(pattern: &str) -> Result<Piece, String> {
    StrftimeItems::new(pattern)
        .parse_to_owned()
        .map(Piece::Chrono)
        .map_err(|e| format!("chrono cannot use `{pattern}`: {e}"))
}

/// The number of times the letter at `i` repeats from there.
fn run_length(chars: &[char], i: usize) -> usize {
    chars[i..].iter().take_while(|&&c| c == chars[i]).count()
}

/// Whether `n` pattern letters `c` stand for a number, as Java's abutting fields count them.
fn is_number(c: char, n: usize) -> bool {
    matches!(c, 'y' | 'd' | 'H' | 'k' | 'h' | 'K' | 'm' | 's' | 'S') || (c == 'M' && n <= 2)
}

/// The year at the start of `text` (after white space, as Java skips it), read as Java reads a
/// year of `letters` pattern letters (see [`DateFormat::new`]), and the text after it. An
/// `abutting` year takes at most `letters` digits.
fn parse_year(text: &str, letters: usize, abutting: bool) -> Option<(i32, &str)> {
    let text = text.trim_start();
    let mut digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if abutting {
        digits = digits.min(letters);
    }
    if digits == 0 || digits > MAX_YEAR_DIGITS {
        return None;
    }
    let written: i32 = text[..digits].parse().ok()?;
    let year = if letters <= 2 && digits == 2 {
        let century = TWO_DIGIT_YEAR_START - TWO_DIGIT_YEAR_START % 100;
        let year = century + written;
        if year < TWO_DIGIT_YEAR_START {
            year + 100
        } else {
            year
        }
    } else {
        written
    };
    Some((year, &text[digits..]))
}

fn push_literal(chrono: &mut String, fragment: &mut String, c: char) {
    for pattern in [chrono, fragment] {
        if c == '%' {
            pattern.push_str("%%");
        } else {
            pattern.push(c);
        }
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

    /// Milliseconds since the epoch of a UTC date and time.
    fn at(date: (i32, u32, u32), time: (u32, u32, u32, u32)) -> i64 {
        let (year, month, day) = date;
        let (hour, minute, second, milli) = time;
        chrono::NaiveDate::from_ymd_opt(year, month, day)
            .and_then(|d| d.and_hms_milli_opt(hour, minute, second, milli))
            .unwrap()
            .and_utc()
            .timestamp_millis()
    }

    /// Each value read as Java 17's `SimpleDateFormat` reads it (`setLenient(false)`, UTC),
    /// but for a two-digit year, whose hundred years oml fixes (1946 to 2045).
    fn check(cases: &[(&str, &str, Option<i64>)]) {
        for &(pattern, value, expected) in cases {
            let format = DateFormat::new(pattern).unwrap();
            assert_eq!(format.parse(value), expected, "`{value}` as `{pattern}`");
        }
    }

    #[test]
    fn years_are_read_as_java_reads_them() {
        let day = |year, month, day| Some(at((year, month, day), (0, 0, 0, 0)));
        check(&[
            // Two digits for `yy` or `y`: the fixed hundred years.
            ("dd/MM/yy", "01/02/50", day(1950, 2, 1)),
            ("dd/MM/yy", "01/02/68", day(1968, 2, 1)),
            ("dd/MM/yy", "01/02/46", day(1946, 2, 1)),
            ("dd/MM/yy", "01/02/45", day(2045, 2, 1)),
            ("dd/MM/yy", "01/02/00", day(2000, 2, 1)),
            ("y-M-d", "01-2-3", day(2001, 2, 3)),
            // Any other number of digits, or more letters: the year as written.
            ("y-M-d", "2001-2-3", day(2001, 2, 3)),
            ("y-M-d", "1-2-3", day(1, 2, 3)),
            ("y-M-d", "001-2-3", day(1, 2, 3)),
            ("yy-MM-dd", "123-02-03", day(123, 2, 3)),
            ("y-MM-dd", "12345-02-03", day(12345, 2, 3)),
            ("yyyy-MM-dd", "01-02-03", day(1, 2, 3)),
            // A year next to another number takes as many digits as its letters.
            ("yyMMdd", "500203", day(1950, 2, 3)),
            ("MMddyy", "020350", day(1950, 2, 3)),
            ("yyyyMMdd", "20010203", day(2001, 2, 3)),
            // White space before a field is skipped; a sign is not a year.
            ("yyyy-MM-dd", " 2001-02-03", day(2001, 2, 3)),
            ("yyyy-MM-dd", "+2001-02-03", None),
            ("yy-MM-dd", "-1-02-03", None),
            ("dd/MM/yy", "01/02/5x", None),
        ]);
    }

    #[test]
    fn two_digit_years_print_and_read_back() {
        let format = DateFormat::new("dd/MM/yy").unwrap();
        for year in [1946, 1999, 2000, 2045] {
            let millis = at((year, 2, 1), (0, 0, 0, 0));
            assert_eq!(format.parse(&format.format(millis)), Some(millis), "{year}");
        }
    }

    #[test]
    fn a_time_without_minutes_takes_java_defaults() {
        let time =
            |hour, minute, second, milli| Some(at((2001, 2, 3), (hour, minute, second, milli)));
        check(&[
            ("yyyy-MM-dd HH", "2001-02-03 04", time(4, 0, 0, 0)),
            ("yyyy-MM-dd mm", "2001-02-03 04", time(0, 4, 0, 0)),
            ("yyyy-MM-dd hh a", "2001-02-03 04 PM", time(16, 0, 0, 0)),
            ("yyyy-MM-dd hh", "2001-02-03 04", time(4, 0, 0, 0)),
            ("yyyy-MM-dd hh", "2001-02-03 12", time(0, 0, 0, 0)),
            ("yyyy-MM-dd a", "2001-02-03 PM", time(12, 0, 0, 0)),
            ("yyyy-MM-dd ss.SSS", "2001-02-03 05.123", time(0, 0, 5, 123)),
            (
                "yyyy-MM-dd HH:mmZ",
                "2001-02-03 04:05+0100",
                time(3, 5, 0, 0),
            ),
            ("yyyy-MM-dd HH", "2001-02-03 24", None),
        ]);
    }

    #[test]
    fn unsupported_letter() {
        assert!(DateFormat::new("yyyy-ww").unwrap_err().contains("`ww`"));
        assert!(DateFormat::new("'open").is_err());
    }
}
