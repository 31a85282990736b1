//! Typed helpers, one file per command family, each with its tests: only the families the shop
//! uses (`store` runs everything else as a raw [`Command`] or inside its Lua scripts). Each
//! function builds a [`TypedCommand`]: run it with `Client::run`, or send its `command()` in a
//! pipeline and `decode` the matching entry.
//!
//! [`Command`]: crate::Command
//! [`TypedCommand`]: crate::TypedCommand

pub mod scripts;
pub mod streams;

#[cfg(test)]
pub(crate) fn wire(c: &crate::Command) -> String {
    c.to_json()
        .map(|j| j.to_string())
        .unwrap_or_else(|e| e.to_string())
}
