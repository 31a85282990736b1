//! What the workers take from the runtime and share besides their settings (those are
//! `settings`): the internal routes' tokens, the clock and randomness.

/// The routes only our own workers call, each with a token of its own (its purpose is part of
/// the derived token), so that a token for one could never open another. Today there is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InternalRoute {
    /// consumer-cron's `POST /run`, the payment worker's nudge.
    ConsumerRun,
}

impl InternalRoute {
    /// What its token is derived for (part of the derived token, so that it names the route).
    fn purpose(self) -> &'static str {
        match self {
            Self::ConsumerRun => "consumer-nudge",
        }
    }

    /// Its token, from the Redis token the workers share: see `settings::Common::internal_token`.
    pub fn token_from(self, redis_token: &str) -> String {
        sha1_smol::Sha1::from(format!("{}:{redis_token}", self.purpose()))
            .digest()
            .to_string()
    }
}

/// The clock and randomness of the Workers runtime, for ids and timestamps.
#[cfg(target_arch = "wasm32")]
pub mod runtime {
    use worker::js_sys::{self, Reflect, Uint8Array};
    use worker::wasm_bindgen::JsCast;

    pub fn now_ms() -> u64 {
        worker::Date::now().as_millis()
    }

    /// Bytes from `crypto.getRandomValues` (a CSPRNG on Workers). An id made from them is a
    /// customer's credential for their order, so there is no fallback: if the random source
    /// fails, the request fails (a 500 logged with the cause), never an id of zeros.
    pub fn random<const N: usize>() -> Result<[u8; N], crate::ApiError> {
        let mut out = [0u8; N];
        let array = Uint8Array::new_with_length(N as u32);
        Reflect::get(&js_sys::global(), &"crypto".into())
            .and_then(|crypto| {
                let get = Reflect::get(&crypto, &"getRandomValues".into())?.dyn_into::<js_sys::Function>()?;
                get.call1(&crypto, &array)
            })
            .map_err(|e| crate::ApiError::Internal(format!("crypto.getRandomValues failed: {e:?}")))?;
        array.copy_to(&mut out);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::InternalRoute;

    #[test]
    fn an_internal_routes_token_is_derived_for_its_purpose() {
        let run = InternalRoute::ConsumerRun.token_from("redis");
        assert_ne!(run, InternalRoute::ConsumerRun.token_from("another redis"));
        // What the benchmark script derives (scripts/bench_e2e.py).
        assert_eq!(
            run,
            sha1_smol::Sha1::from("consumer-nudge:redis").digest().to_string()
        );
    }
}
