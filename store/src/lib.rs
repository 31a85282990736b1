//! The shop's data in Redis, and every operation on it as **one** REST round trip (a command, a
//! transaction or one EVAL): each round trip is a network hop and billed commands on Upstash.
//!
//! Scripts are always sent with `EVAL` and their source, never `EVALSHA` first: the fallback after
//! a `NOSCRIPT` would be a second round trip, and the sources are a few hundred bytes.

/// A script from `lua/` files, with the functions of `lua/shared.lua` before them; `key_locked`
/// puts the allow-key-locking shebang ([`KEY_LOCKING`]) first.
macro_rules! script {
    (key_locked $($file:literal),+) => {
        concat!(
            "#!lua flags=allow-key-locking\n",
            include_str!("lua/shared.lua"),
            $(include_str!(concat!("lua/", $file))),+
        )
    };
    ($($file:literal),+) => {
        concat!(include_str!("lua/shared.lua"), $(include_str!(concat!("lua/", $file))),+)
    };
}

pub mod consumer;
mod inventory;
mod orders;
mod reservations;
mod rows;
pub mod schema;
#[cfg(feature = "test-support")]
pub mod test_support;

pub use consumer::Consumer;
pub use inventory::{Inventory, Patched};
pub use orders::{Cancelled, Orders, Placed, Retryable};
pub use reservations::{Hold, Reservation, Reservations, Reserve, ReserveRequest};
pub use schema::{Keys, Stream};
pub use upstash_rest::Error;

/// The shebang of a script that declares every key it touches in `KEYS`: on Upstash it then locks
/// only those keys instead of the whole database (and may touch no other: our gateway enforces
/// that too). The scripts that cannot know their keys up front go without it (README, "Locks").
pub const KEY_LOCKING: &str = "#!lua flags=allow-key-locking";

#[cfg(test)]
mod tests {
    /// The scripts on request paths (product create, read and patch, reservation, order
    /// placement, payment completion, cancellation) lock only their keys on Upstash.
    #[test]
    fn request_path_scripts_are_key_locked() {
        for script in [
            super::inventory::CREATE,
            super::inventory::PATCH,
            super::orders::PLACE_ORDER,
            super::reservations::RESERVE,
            super::reservations::RELEASE_HOLD,
            super::orders::COMPLETE_PAYMENTS,
            super::orders::CANCEL_ORDER,
            super::inventory::READ,
        ] {
            assert!(script.starts_with(super::KEY_LOCKING), "{script}");
        }
    }
}
