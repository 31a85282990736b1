//! EVAL and EVAL_RO: every change the shop makes to Redis is one Lua script (`store/src/lua/`).

use crate::replies;
use crate::{Command, ToArg, TypedCommand, Value};

fn script_command(
    name: &str,
    source: impl ToArg,
    keys: impl IntoIterator<Item = impl ToArg>,
    args: impl IntoIterator<Item = impl ToArg>,
) -> Command {
    let keys: Vec<Vec<u8>> = keys.into_iter().map(|k| k.to_arg()).collect();
    Command::new(name)
        .arg(source)
        .arg(keys.len())
        .args(keys)
        .args(args)
}

/// The script's reply as a plain [`Value`]. Not retried after an ambiguous failure unless the
/// caller declares the script idempotent (`.idempotent(true)`).
pub fn eval(
    source: impl ToArg,
    keys: impl IntoIterator<Item = impl ToArg>,
    args: impl IntoIterator<Item = impl ToArg>,
) -> TypedCommand<Value> {
    TypedCommand::new(script_command("EVAL", source, keys, args), replies::any)
}

/// `EVAL_RO`: a script that only reads (Redis refuses its writes), so replicas may serve it and
/// retrying it is always safe.
pub fn eval_ro(
    source: impl ToArg,
    keys: impl IntoIterator<Item = impl ToArg>,
    args: impl IntoIterator<Item = impl ToArg>,
) -> TypedCommand<Value> {
    TypedCommand::new(script_command("EVAL_RO", source, keys, args), replies::any)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::wire;

    #[test]
    fn wire_format() {
        assert_eq!(
            wire(eval("return 1", ["k1", "k2"], ["a"]).command()),
            r#"["EVAL","return 1","2","k1","k2","a"]"#
        );
        assert_eq!(
            wire(eval_ro("return 1", [] as [&str; 0], ["x"]).command()),
            r#"["EVAL_RO","return 1","0","x"]"#
        );
    }

    #[test]
    fn only_a_read_only_or_declared_script_is_retried() {
        assert!(!eval("return 1", ["k"], ["a"]).command().is_idempotent());
        assert!(eval("return 1", ["k"], ["a"])
            .idempotent(true)
            .command()
            .is_idempotent());
        assert!(eval_ro("return 1", ["k"], ["a"]).command().is_idempotent());
    }
}
