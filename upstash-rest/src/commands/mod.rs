//! Typed helpers, one file per command family. Each function builds a [`TypedCommand`]
//! (usable in pipelines); the matching `Client` method runs it.
//!
//! [`TypedCommand`]: crate::TypedCommand

/// The `Client` method of each typed helper: same name and arguments, runs the command and returns
/// what it decodes to. One line per helper instead of a hand-written copy of each signature; a line
/// that disagrees with its helper does not compile.
macro_rules! client_methods {
    ($(
        $name:ident $(<$($generic:ident: $bound:path),+>)? ($($arg:ident: $ty:ty),* $(,)?) -> $out:ty;
    )+) => {
        impl<T: $crate::transport::Transport> $crate::Client<T> {
            $(
                #[doc = concat!("Runs [`", stringify!($name), "`].")]
                pub async fn $name $(<$($generic: $bound),+>)? (
                    &self,
                    $($arg: $ty),*
                ) -> Result<$out, $crate::Error> {
                    self.run($name($($arg),*)).await
                }
            )+
        }
    };
}

pub mod hashes;
pub mod keys;
pub mod scripts;
pub mod sorted_sets;
pub mod stream_types;
pub mod streams;
pub mod strings;

#[cfg(test)]
pub(crate) fn wire(c: &crate::Command) -> String {
    c.to_json()
        .map(|j| j.to_string())
        .unwrap_or_else(|e| e.to_string())
}
