//! When consumer-cron's `/health` says `degraded` although Redis answers: the consumer has not run
//! for too long (its cron stopped, or every run fails), or an event has waited too long for it.

/// Why the consumer is behind, if it is: `last_run` (ms) and the oldest waiting event's age (ms).
pub fn behind(
    now_ms: u64,
    last_run: Option<u64>,
    oldest_waiting_ms: Option<u64>,
    stale_ms: u64,
    lag_alert_ms: u64,
) -> Option<String> {
    match last_run {
        None => return Some("the consumer has not run yet".into()),
        Some(at) if now_ms.saturating_sub(at) > stale_ms => {
            return Some(format!(
                "the consumer last ran {} s ago (more than {} s)",
                now_ms.saturating_sub(at) / 1000,
                stale_ms / 1000
            ))
        }
        Some(_) => {}
    }
    match oldest_waiting_ms {
        Some(age) if age > lag_alert_ms => Some(format!(
            "an event has waited {} s for the consumer (more than {} s)",
            age / 1000,
            lag_alert_ms / 1000
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_runs_and_short_waits_are_healthy() {
        let now = 1_000_000;
        assert_eq!(behind(now, Some(now - 1_000), Some(5_000), 180_000, 60_000), None);
        assert_eq!(behind(now, Some(now - 1_000), None, 180_000, 60_000), None);
        assert!(behind(now, None, None, 180_000, 60_000)
            .unwrap()
            .contains("not run yet"));
        assert!(behind(now, Some(now - 200_000), None, 180_000, 60_000)
            .unwrap()
            .contains("200 s ago"));
        assert!(behind(now, Some(now - 1_000), Some(90_000), 180_000, 60_000)
            .unwrap()
            .contains("waited 90 s"));
    }
}
