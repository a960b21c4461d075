//! Hyperparameters as OpenML records them: a name, a type, a default and a value, all as text.

use serde::Serialize;

use crate::error::{Error, Result};

/// One hyperparameter of a flow, read from the flow's parameter struct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parameter {
    /// The name, as `name=value` text and OpenML's `parameter_setting` spell it.
    pub name: String,
    /// OpenML's `data_type`: `integer`, `numeric`, `flag`, `option` or `string`.
    pub data_type: &'static str,
    /// The default value, as text.
    pub default: String,
    /// The current value, as text; parsing it back gives the same value.
    pub value: String,
    /// What the parameter does.
    pub description: String,
    /// Which values it takes, as error messages say it.
    pub allowed: String,
}

impl Parameter {
    /// A parameter whose type, default and current value come from `T`.
    pub fn new<T: ParamValue>(name: &str, default: &T, value: &T, description: &str) -> Self {
        Parameter {
            name: name.to_owned(),
            data_type: T::DATA_TYPE,
            default: default.to_text(),
            value: value.to_text(),
            description: description.to_owned(),
            allowed: T::allowed(),
        }
    }

    /// The parameter with a narrower statement of its allowed values than its type gives
    /// (`a number greater than 0`); it should match what the parameter's check says.
    pub fn allowing(mut self, allowed: &str) -> Self {
        allowed.clone_into(&mut self.allowed);
        self
    }
}

/// A value that a parameter can hold, with its text form.
///
/// `from_text(to_text(v)) == Some(v)` for every value, so parameter text round-trips.
pub trait ParamValue: Sized {
    /// OpenML's `data_type` for the value.
    const DATA_TYPE: &'static str;
    /// The value as text.
    fn to_text(&self) -> String;
    /// Parses text, `None` if it is not a value of this type.
    fn from_text(text: &str) -> Option<Self>;
    /// What values the text may take, for error messages.
    fn allowed() -> String;
}

/// Parses `text` into `slot`, or an error naming the parameter and the allowed values of its
/// type; `slot` is unchanged on error. For a narrower range, use a [`Constraint`].
pub fn set_value<T: ParamValue>(slot: &mut T, name: &str, text: &str) -> Result<()> {
    *slot = parse_value(name, text)?;
    Ok(())
}

/// Parses `text` as a value of parameter `name`, or an error naming the parameter and the
/// allowed values: what the setters of a checked parameter struct are fed with.
pub(crate) fn parse_value<T: ParamValue>(name: &str, text: &str) -> Result<T> {
    T::from_text(text.trim()).ok_or_else(|| Error::invalid(name, text, T::allowed()))
}

/// Parses `text` into `slot` if it is a value of `T` for which `valid` holds; otherwise an
/// error naming the parameter, the text as given and `allowed`, the same for text that does
/// not parse and for a value out of range, and `slot` is unchanged.
///
/// `allowed` should be what the parameter's listing says ([`Parameter::allowing`]); a
/// [`Constraint`] keeps the two together.
pub(crate) fn set_checked<T: ParamValue>(
    slot: &mut T,
    name: &str,
    text: &str,
    allowed: &str,
    valid: impl Fn(&T) -> bool,
) -> Result<()> {
    *slot = parse_checked(name, text, allowed, valid)?;
    Ok(())
}

/// The value [`set_checked`] would store, or its error.
pub(crate) fn parse_checked<T: ParamValue>(
    name: &str,
    text: &str,
    allowed: &str,
    valid: impl Fn(&T) -> bool,
) -> Result<T> {
    let text = text.trim();
    T::from_text(text)
        .filter(|value| valid(value))
        .ok_or_else(|| Error::invalid(name, text, allowed))
}

/// The values a parameter takes when they are fewer than its type's: a predicate and the text that
/// states it, one source for the parameter's listing ([`Parameter::allowing`] with
/// [`Constraint::allowed`]), its setter ([`Constraint::set`], [`Constraint::parse`]) and any
/// later check ([`Constraint::check`]).
#[derive(Clone, Copy)]
pub struct Constraint<T: 'static> {
    /// Which values the parameter takes, as its listing and error messages say it.
    pub allowed: &'static str,
    /// Whether a value of the type is one of them.
    pub valid: fn(&T) -> bool,
}

impl<T: ParamValue> Constraint<T> {
    /// Parses `text` into `slot` as `set_checked` does.
    pub fn set(&self, slot: &mut T, name: &str, text: &str) -> Result<()> {
        set_checked(slot, name, text, self.allowed, self.valid)
    }

    /// Parses `text` as a value of parameter `name` as `set_checked` does, and returns it.
    pub fn parse(&self, name: &str, text: &str) -> Result<T> {
        parse_checked(name, text, self.allowed, self.valid)
    }

    /// `Ok` if `value` is allowed, otherwise the error for parameter `name` holding it.
    pub fn check(&self, name: &str, value: &T) -> Result<()> {
        if (self.valid)(value) {
            Ok(())
        } else {
            Err(Error::invalid(name, value.to_text(), self.allowed))
        }
    }
}

/// A depth limit: at least 1, or none.
pub const MAX_DEPTH: Constraint<Option<usize>> = Constraint {
    allowed: "an integer of at least 1, or none",
    valid: |depth| *depth != Some(0),
};

/// A proportion of rows or features: greater than 0 and at most 1.
pub const PROPORTION: Constraint<f64> = Constraint {
    allowed: "a number greater than 0 and at most 1",
    valid: |proportion| *proportion > 0.0 && *proportion <= 1.0,
};

/// A finite number greater than 0.
pub const FINITE_POSITIVE: Constraint<f64> = Constraint {
    allowed: "a finite number greater than 0",
    valid: |v| v.is_finite() && *v > 0.0,
};

/// A finite number of at least 0.
pub const FINITE_NON_NEGATIVE: Constraint<f64> = Constraint {
    allowed: "a finite number of at least 0",
    valid: |v| v.is_finite() && *v >= 0.0,
};

/// A count of at least 1.
pub const AT_LEAST_ONE: Constraint<usize> = Constraint {
    allowed: "an integer of at least 1",
    valid: |v| *v >= 1,
};

/// A `u64` count of at least 1.
pub const AT_LEAST_ONE_U64: Constraint<u64> = Constraint {
    allowed: AT_LEAST_ONE.allowed,
    valid: |v| *v >= 1,
};

/// A `u32` count of at least 1; the type's upper limit is within reach, so the text says it.
pub const AT_LEAST_ONE_U32: Constraint<u32> = Constraint {
    allowed: "an integer from 1 to 4294967295",
    valid: |v| *v >= 1,
};

/// `value` as short text for a message: Rust's shortest round-trip digits, in exponent form
/// (`1e308`, `2.5e-7`) where the plain form would run to many zeros.
pub(crate) fn number_text(value: f64) -> String {
    let magnitude = value.abs();
    if value.is_finite() && magnitude != 0.0 && !(1e-4..1e16).contains(&magnitude) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

/// The error for a parameter name that `flow` does not have.
pub fn unknown_parameter(flow: &str, name: &str, parameters: &[Parameter]) -> Error {
    let known = if parameters.is_empty() {
        "(none)".to_owned()
    } else {
        parameters
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Error::UnknownParameter {
        flow: flow.to_owned(),
        name: name.to_owned(),
        known,
    }
}

/// Splits `NAME=VALUE` text at the first `=`.
pub fn split_assignment(text: &str) -> Result<(&str, &str)> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => Ok((name.trim(), value.trim())),
        _ => Err(Error::ParameterSyntax {
            text: text.to_owned(),
        }),
    }
}

macro_rules! integer_value {
    ($($t:ty => $allowed:expr),* $(,)?) => {$(
        impl ParamValue for $t {
            const DATA_TYPE: &'static str = "integer";
            fn to_text(&self) -> String {
                self.to_string()
            }
            fn from_text(text: &str) -> Option<Self> {
                text.parse().ok()
            }
            fn allowed() -> String {
                $allowed.to_owned()
            }
        }
    )*};
}
// Nobody types 2^64, but 2^32 is within reach.
integer_value!(
    usize => "a non-negative integer",
    u64 => "a non-negative integer",
    u32 => "an integer from 0 to 4294967295",
    // perpetual's bin counts.
    u16 => "an integer from 0 to 65535",
);

macro_rules! float_value {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            const DATA_TYPE: &'static str = "numeric";
            fn to_text(&self) -> String {
                // Rust's shortest round-trip form; `1` rather than `1.0` would not parse back
                // differently, but keep a decimal point so the type shows.
                let text = self.to_string();
                if self.is_finite() && !text.contains(['.', 'e', 'E']) {
                    format!("{text}.0")
                } else {
                    text
                }
            }
            fn from_text(text: &str) -> Option<Self> {
                text.parse::<$t>().ok().filter(|v| !v.is_nan())
            }
            fn allowed() -> String {
                "a number".to_owned()
            }
        }
    )*};
}
float_value!(f64, f32);

impl ParamValue for bool {
    const DATA_TYPE: &'static str = "flag";
    fn to_text(&self) -> String {
        self.to_string()
    }
    fn from_text(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
    fn allowed() -> String {
        "true or false".to_owned()
    }
}

/// `none` means no limit.
impl ParamValue for Option<usize> {
    const DATA_TYPE: &'static str = "integer";
    fn to_text(&self) -> String {
        self.map_or_else(|| "none".to_owned(), |v| v.to_string())
    }
    fn from_text(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("none") {
            Some(None)
        } else {
            text.parse().ok().map(Some)
        }
    }
    fn allowed() -> String {
        "a non-negative integer or none".to_owned()
    }
}

/// Implements [`ParamValue`] for a fieldless enum from a table of `Variant => "text"`.
#[macro_export]
macro_rules! option_value {
    ($t:ty { $($variant:path => $text:literal),+ $(,)? }) => {
        impl $crate::ParamValue for $t {
            const DATA_TYPE: &'static str = "option";
            fn to_text(&self) -> String {
                match self {
                    $($variant => $text.to_owned(),)+
                }
            }
            fn from_text(text: &str) -> Option<Self> {
                $(if text.eq_ignore_ascii_case($text) {
                    return Some($variant);
                })+
                None
            }
            fn allowed() -> String {
                let names: &[&str] = &[$($text),+];
                format!("one of {}", names.join(", "))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: ParamValue + PartialEq + std::fmt::Debug>(value: T) {
        assert_eq!(T::from_text(&value.to_text()), Some(value));
    }

    #[test]
    fn values_round_trip_through_text() {
        round_trip(0usize);
        round_trip(17u64);
        round_trip(0.1f64);
        round_trip(1e-5f64);
        round_trip(2.0f64);
        round_trip(0.3f32);
        round_trip(true);
        round_trip(Some(7usize));
        round_trip(None::<usize>);
        assert_eq!(2.0f64.to_text(), "2.0");
        assert_eq!(None::<usize>.to_text(), "none");
    }

    #[test]
    fn bad_text_names_the_parameter_and_the_allowed_values() {
        let mut depth = Some(3usize);
        let error = set_value(&mut depth, "max_depth", "deep").unwrap_err();
        assert_eq!(
            error.to_string(),
            "parameter `max_depth`: `deep` is not allowed; expected a non-negative integer or none"
        );
        assert_eq!(depth, Some(3));
        let mut rate = 0.5f64;
        assert!(set_value(&mut rate, "alpha", "nan").is_err());
        set_value(&mut rate, "alpha", " 0.25 ").unwrap();
        assert_eq!(rate, 0.25);
    }

    #[test]
    fn checked_text_states_the_same_allowed_values_whether_it_parses_or_not() {
        let mut k = 5usize;
        for text in ["0", "-1", "many", "1e3"] {
            let error = AT_LEAST_ONE.set(&mut k, "k", text).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!(
                    "parameter `k`: `{text}` is not allowed; expected an integer of at least 1"
                )
            );
            assert_eq!(k, 5, "{text}: a failed set leaves the value");
        }
        AT_LEAST_ONE.set(&mut k, "k", " 3 ").unwrap();
        assert_eq!(k, 3);
        assert_eq!(
            FINITE_POSITIVE.parse("c", "1e300").unwrap(),
            1e300,
            "large finite numbers are fine"
        );
        // The text as given, not as the value would print.
        let error = FINITE_POSITIVE
            .parse("c", "-1e300")
            .unwrap_err()
            .to_string();
        assert!(error.contains("`-1e300` is not allowed"), "{error}");
        assert!(FINITE_POSITIVE.parse("c", "inf").is_err());
        assert!(FINITE_POSITIVE.check("c", &0.0).is_err());
        FINITE_NON_NEGATIVE.check("alpha", &0.0).unwrap();
    }

    #[test]
    fn integer_texts_state_their_limits() {
        assert_eq!(usize::allowed(), "a non-negative integer");
        assert_eq!(u32::allowed(), format!("an integer from 0 to {}", u32::MAX));
        assert_eq!(
            AT_LEAST_ONE_U32.allowed,
            format!("an integer from 1 to {}", u32::MAX)
        );
        let mut degree = 3u32;
        assert!(
            AT_LEAST_ONE_U32
                .set(&mut degree, "degree", "4294967296")
                .is_err()
        );
        AT_LEAST_ONE_U32
            .set(&mut degree, "degree", "4294967295")
            .unwrap();
    }

    #[test]
    fn numbers_in_messages_are_short() {
        assert_eq!(number_text(1e308), "1e308");
        assert_eq!(number_text(-2.5e-7), "-2.5e-7");
        assert_eq!(number_text(0.1), "0.1");
        assert_eq!(number_text(3.0), "3");
        assert_eq!(number_text(0.0), "0");
    }

    #[test]
    fn assignments_split_at_the_first_equals_sign() {
        assert_eq!(split_assignment("a=b=c").unwrap(), ("a", "b=c"));
        assert_eq!(
            split_assignment(" max_depth = 4").unwrap(),
            ("max_depth", "4")
        );
        assert!(split_assignment("max_depth").is_err());
        assert!(split_assignment("=4").is_err());
    }
}
