use domain::order::{DEFAULT_PAYMENT_DELAY_MS, DEFAULT_PAYMENT_GRACE_MS};
use store::consumer::{Fault, Report, Settings};
use worker::Env;
use worker_http::config::{self, runtime};
use worker_http::{ApiError, Backend};

/// The consumer's settings from vars: `RECLAIM_IDLE_MS` (60000), `PAYMENT_DELAY_MS` (5000) plus
/// `PAYMENT_GRACE_MS` (30000) for the lost-payment sweep, `BATCH_SIZE` (100).
pub fn settings(env: &Env) -> Settings {
    let defaults = Settings::default();
    Settings {
        // A run that dies leaves up to two batches pending per stream; Upstash refuses reads past
        // 1000 pending entries per consumer, so batches stay well below.
        batch_size: config::number(env, "BATCH_SIZE", defaults.batch_size).clamp(1, 200),
        reclaim_idle_ms: config::number(env, "RECLAIM_IDLE_MS", defaults.reclaim_idle_ms),
        stale_payment_ms: config::number(env, "PAYMENT_DELAY_MS", DEFAULT_PAYMENT_DELAY_MS)
            + config::number(env, "PAYMENT_GRACE_MS", DEFAULT_PAYMENT_GRACE_MS),
        ..defaults
    }
}

/// Drains both streams within `budget_ms` and logs one line of what it did.
pub async fn drain(env: &Env, budget_ms: u64, trigger: &str) -> Result<Report, ApiError> {
    let backend = Backend::from_env(env)?;
    let fault = config::fault(env, "crash_after_read").then_some(Fault::CrashAfterRead);
    match backend
        .consumer(settings(env))
        .drain(runtime::now_ms, budget_ms, fault)
        .await
    {
        Ok(report) => {
            if report.read_errors > 0 {
                worker::console_error!(
                    "consumer ({trigger}): {} part(s) of a read failed",
                    report.read_errors
                );
            }
            if report.read > 0 || report.payments_recovered > 0 {
                worker::console_log!(
                    "consumer ({trigger}): {}",
                    serde_json::to_string(&report).unwrap_or_default()
                );
            }
            Ok(report)
        }
        Err(e) => {
            worker::console_error!("consumer ({trigger}) stopped: {e}");
            Err(e.into())
        }
    }
}
