//! IMAP dates: INTERNALDATE output (`02-Dec-2026 01:50:07 +0000`), APPEND date-time and
//! SEARCH dates (`1-Feb-1994`) input, on seconds since the epoch in UTC.

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// `dd-Mon-yyyy hh:mm:ss +0000` (UTC).
pub(crate) fn internal(secs: i64) -> String {
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    format!("{d:02}-{}-{y:04} {:02}:{:02}:{:02} +0000", MONTHS[m as usize - 1], rem / 3600, rem % 3600 / 60, rem % 60)
}

fn month(s: &str) -> Option<u32> {
    MONTHS.iter().position(|m| m.eq_ignore_ascii_case(s)).map(|i| i as u32 + 1)
}

/// A SEARCH date `d-Mon-yyyy`: the day number since the epoch.
pub(crate) fn parse_day(s: &str) -> Option<i64> {
    let mut it = s.trim().split('-');
    let d: u32 = it.next()?.trim().parse().ok()?;
    let m = month(it.next()?)?;
    let y: i64 = it.next()?.parse().ok()?;
    if it.next().is_some() || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// An APPEND date-time `dd-Mon-yyyy hh:mm:ss +zzzz`: seconds since the epoch.
pub(crate) fn parse_date_time(s: &str) -> Option<i64> {
    let (date, rest) = s.trim_start().split_once(' ')?;
    let (time, zone) = rest.split_once(' ')?;
    let day = parse_day(date)?;
    let t: Vec<i64> = time.split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    if t.len() != 3 || t[0] > 23 || t[1] > 59 || t[2] > 60 {
        return None;
    }
    let zone = zone.as_bytes();
    if zone.len() != 5 || !matches!(zone[0], b'+' | b'-') || !zone[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let z = std::str::from_utf8(&zone[1..]).ok()?;
    let off = z[..2].parse::<i64>().ok()? * 3600 + z[2..].parse::<i64>().ok()? * 60;
    let off = if zone[0] == b'-' { -off } else { off };
    Some(day * 86400 + t[0] * 3600 + t[1] * 60 + t[2] - off)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(internal(0), "01-Jan-1970 00:00:00 +0000");
        assert_eq!(internal(1_796_176_207), "02-Dec-2026 01:50:07 +0000");
        assert_eq!(parse_date_time("02-Dec-2026 02:50:07 +0100"), Some(1_796_176_207));
        assert_eq!(parse_date_time(" 2-Dec-2026 01:50:07 +0000"), Some(1_796_176_207));
        assert_eq!(parse_day("1-Feb-1994"), Some(days_from_civil(1994, 2, 1)));
        assert_eq!(parse_day("29-Feb-2024").map(civil_from_days), Some((2024, 2, 29)));
        assert_eq!(parse_day("1-Foo-1994"), None);
        assert_eq!(parse_date_time("02-Dec-2026 01:50:07 0000"), None);
    }
}
