//! What the workers take from the runtime besides their settings (those are `settings`): the
//! clock and randomness.

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
