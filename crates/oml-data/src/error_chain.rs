//! An error and its causes as one line of text, for every oml crate: this is the bottom crate,
//! so the crates above use it rather than walk `source()` themselves.

use std::error::Error;

/// `error`'s message followed by each of its causes (`source()`, then the cause's own, ...),
/// joined by `: `, as the binary prints an error with `{:#}`. A cause whose message the text
/// already ends with is left out, since some errors repeat their cause in their own message.
pub fn error_chain(error: &dyn Error) -> String {
    append_causes(error.to_string(), error.source())
}

/// `text`, then each cause from `source` on, joined by `: `, leaving out a cause whose message
/// the text already ends with; for a message of one's own put before an error's causes.
pub fn append_causes(mut text: String, mut source: Option<&(dyn Error + 'static)>) -> String {
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("{message}")]
    struct Layer {
        message: &'static str,
        #[source]
        cause: Option<Box<Layer>>,
    }

    fn layer(message: &'static str, cause: Option<Layer>) -> Layer {
        Layer {
            message,
            cause: cause.map(Box::new),
        }
    }

    #[test]
    fn joins_the_causes_in_order() {
        let error = layer(
            "cannot read a",
            Some(layer("gzip", Some(layer("eof", None)))),
        );
        assert_eq!(error_chain(&error), "cannot read a: gzip: eof");
        assert_eq!(error_chain(&layer("alone", None)), "alone");
    }

    #[test]
    fn a_cause_the_message_repeats_is_left_out() {
        let error = layer("request failed: eof", Some(layer("eof", None)));
        assert_eq!(error_chain(&error), "request failed: eof");
        let cause = layer("refused", None);
        assert_eq!(
            append_causes("cannot connect".into(), Some(&cause)),
            "cannot connect: refused"
        );
    }
}
