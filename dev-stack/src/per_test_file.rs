//! A value that the tests of one test file share: the stack they run on. Each crate's tests are
//! one binary (`tests/integration/`, one module per file) so that they compile and link once, not
//! once a file; a file's shared stack is keyed by the file that asks for it, so that each file
//! still gets its own, started with its own vars, as if it were its own binary.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::panic::Location;
use std::sync::{Mutex, OnceLock};

type Cells = HashMap<(&'static str, TypeId), &'static (dyn Any + Send + Sync)>;

/// The value of the calling test file (`#[track_caller]`: a helper that calls this is keyed by
/// its own caller when it is `#[track_caller]` too), made by `start` on first use and kept until
/// the process exits (the stacks in it stop then: `atexit`, see the crate's doc).
#[track_caller]
pub fn per_test_file<T: Send + Sync + 'static>(start: impl FnOnce() -> T) -> &'static T {
    static CELLS: OnceLock<Mutex<Cells>> = OnceLock::new();
    let key = (Location::caller().file(), TypeId::of::<T>());
    // The map's lock is held only to find the file's cell: starting a stack takes seconds, and
    // the other files' tests must not wait for it.
    let cell: &'static (dyn Any + Send + Sync) = *CELLS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .entry(key)
        .or_insert_with(|| Box::leak(Box::new(OnceLock::<T>::new())));
    let cell = cell.downcast_ref::<OnceLock<T>>().expect("keyed by its type");
    cell.get_or_init(start)
}

#[cfg(test)]
mod tests {
    use super::per_test_file;

    #[track_caller]
    fn counter(start: u32) -> &'static u32 {
        per_test_file(|| start)
    }

    #[test]
    fn one_value_per_calling_file_made_by_the_first_call() {
        assert_eq!(*counter(1), 1);
        assert_eq!(*counter(2), 1, "the same file: the first call's value");
        assert_eq!(*per_test_file(|| "text"), "text", "another type: its own value");
    }
}
