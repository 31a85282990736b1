//! EVAL, EVALSHA (with NOSCRIPT fallback), SCRIPT LOAD / EXISTS / FLUSH, and [`Script`].

use crate::replies;
use crate::transport::Transport;
use crate::{Client, Command, Error, ToArg, TypedCommand, Value};

/// A Lua script with its SHA1 computed locally, so EVALSHA needs no SCRIPT LOAD round trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    source: String,
    sha1: String,
    idempotent: bool,
}

impl Script {
    pub fn new(source: impl Into<String>) -> Self {
        let source = source.into();
        let sha1 = sha1_smol::Sha1::from(source.as_bytes()).digest().to_string();
        Self {
            source,
            sha1,
            idempotent: false,
        }
    }

    /// Declares that running the script twice is harmless, so it may be retried after an
    /// ambiguous failure. Scripts are assumed not to be.
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Lower-case hex, as Redis reports it.
    pub fn sha1(&self) -> &str {
        &self.sha1
    }

    pub fn eval(
        &self,
        keys: impl IntoIterator<Item = impl ToArg>,
        args: impl IntoIterator<Item = impl ToArg>,
    ) -> TypedCommand<Value> {
        eval(&self.source, keys, args).idempotent(self.idempotent)
    }

    pub fn evalsha(
        &self,
        keys: impl IntoIterator<Item = impl ToArg>,
        args: impl IntoIterator<Item = impl ToArg>,
    ) -> TypedCommand<Value> {
        evalsha(&self.sha1, keys, args).idempotent(self.idempotent)
    }
}

fn script_command(
    name: &str,
    script: impl ToArg,
    keys: impl IntoIterator<Item = impl ToArg>,
    args: impl IntoIterator<Item = impl ToArg>,
) -> Command {
    let keys: Vec<Vec<u8>> = keys.into_iter().map(|k| k.to_arg()).collect();
    Command::new(name)
        .arg(script)
        .arg(keys.len())
        .args(keys)
        .args(args)
}

/// The script's reply as a plain [`Value`].
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

pub fn evalsha(
    sha1: impl ToArg,
    keys: impl IntoIterator<Item = impl ToArg>,
    args: impl IntoIterator<Item = impl ToArg>,
) -> TypedCommand<Value> {
    TypedCommand::new(script_command("EVALSHA", sha1, keys, args), replies::any)
}

/// Decodes to the SHA1 Redis computed.
pub fn script_load(source: impl ToArg) -> TypedCommand<String> {
    TypedCommand::new(Command::new("SCRIPT").arg("LOAD").arg(source), replies::string)
}

/// Decodes to one flag per SHA1.
pub fn script_exists(sha1s: impl IntoIterator<Item = impl ToArg>) -> TypedCommand<Vec<bool>> {
    let decode = |reply| {
        replies::array(reply)?
            .into_iter()
            .map(|v| replies::flag(Ok(v)))
            .collect()
    };
    TypedCommand::new(Command::new("SCRIPT").arg("EXISTS").args(sha1s), decode)
}

pub fn script_flush() -> TypedCommand<()> {
    TypedCommand::new(Command::new("SCRIPT").arg("FLUSH"), replies::ok)
}

client_methods! {
    eval(
        source: impl ToArg,
        keys: impl IntoIterator<Item = impl ToArg>,
        args: impl IntoIterator<Item = impl ToArg>,
    ) -> Value;
    evalsha(
        sha1: impl ToArg,
        keys: impl IntoIterator<Item = impl ToArg>,
        args: impl IntoIterator<Item = impl ToArg>,
    ) -> Value;
    script_load(source: impl ToArg) -> String;
    script_exists(sha1s: impl IntoIterator<Item = impl ToArg>) -> Vec<bool>;
    script_flush() -> ();
}

impl<T: Transport> Client<T> {
    /// EVALSHA, and EVAL if Redis answers NOSCRIPT (the script did not run, so this is safe
    /// for any script). Afterwards the script is cached and EVALSHA works again.
    pub async fn run_script(
        &self,
        script: &Script,
        keys: impl IntoIterator<Item = impl ToArg>,
        args: impl IntoIterator<Item = impl ToArg>,
    ) -> Result<Value, Error> {
        let keys: Vec<Vec<u8>> = keys.into_iter().map(|k| k.to_arg()).collect();
        let args: Vec<Vec<u8>> = args.into_iter().map(|a| a.to_arg()).collect();
        match self.run(script.evalsha(&keys, &args)).await {
            Err(e) if e.is_redis_code("NOSCRIPT") => self.run(script.eval(&keys, &args)).await,
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::wire;

    #[test]
    fn sha1_matches_redis() {
        // The SHA redis-js's script_load test expects for this source.
        assert_eq!(
            Script::new("return ARGV[1]").sha1(),
            "098e0f0d1448c0a81dafe820f66d460eb09263da"
        );
    }

    #[test]
    fn wire_format_and_idempotency() {
        let s = Script::new("return 1");
        assert_eq!(
            wire(s.evalsha(["k1", "k2"], ["a"]).command()),
            format!(r#"["EVALSHA","{}","2","k1","k2","a"]"#, s.sha1())
        );
        assert_eq!(
            wire(eval("return 1", [] as [&str; 0], ["x"]).command()),
            r#"["EVAL","return 1","0","x"]"#
        );
        assert!(!s.eval(["k"], ["a"]).command().is_idempotent());
        assert!(s
            .clone()
            .idempotent()
            .evalsha(["k"], ["a"])
            .command()
            .is_idempotent());
        assert!(script_load("return 1").command().is_idempotent());
        assert_eq!(
            wire(script_load("return 1").command()),
            r#"["SCRIPT","LOAD","return 1"]"#
        );
    }

    #[test]
    fn replies() {
        let v = Value::Array(vec![Value::Int(1), Value::Int(0)]);
        assert_eq!(script_exists(["a", "b"]).decode(Ok(v)), Ok(vec![true, false]));
        assert_eq!(script_flush().decode(Ok("OK".into())), Ok(()));
    }
}
