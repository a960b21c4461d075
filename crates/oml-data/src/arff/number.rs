//! Plain decimals parsed exactly without the general parser, and truncation for `integer`
//! attributes: the hot path of reading numbers.

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
pub(super) fn plain_decimal(bytes: &[u8]) -> Option<(f64, usize)> {
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
pub(super) fn truncate(x: f64) -> f64 {
    if x.abs() < 4_503_599_627_370_496.0 {
        ((x as i64) as f64).copysign(x)
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

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
}
