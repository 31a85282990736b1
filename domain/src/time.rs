//! Timestamps: milliseconds since the epoch inside, RFC 3339 UTC in JSON.

/// `2026-11-25T16:13:17.123Z`; the epoch for a value chrono cannot represent (never in practice).
pub fn rfc3339(unix_ms: u64) -> String {
    let ms = i64::try_from(unix_ms).unwrap_or(i64::MAX);
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_with_milliseconds() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(super::rfc3339(1_795_623_553_161), "2026-11-25T16:19:13.161Z");
    }
}
