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

    /// Bytes from `crypto.getRandomValues`. Without it (never on Workers) the clock alone is used.
    pub fn random<const N: usize>() -> [u8; N] {
        let mut out = [0u8; N];
        let array = Uint8Array::new_with_length(N as u32);
        let filled = Reflect::get(&js_sys::global(), &"crypto".into())
            .and_then(|crypto| {
                let get = Reflect::get(&crypto, &"getRandomValues".into())?.dyn_into::<js_sys::Function>()?;
                get.call1(&crypto, &array)
            })
            .is_ok();
        if filled {
            array.copy_to(&mut out);
        }
        out
    }
}
