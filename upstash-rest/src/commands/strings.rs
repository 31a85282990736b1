//! GET, SET (EX/PX, NX/XX), INCRBY.

use crate::replies;
use crate::transport::Transport;
use crate::{Client, Command, Error, ToArg, TypedCommand};

/// Expiry and condition for SET.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SetOptions {
    expiry: Option<Expiry>,
    condition: Option<Condition>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expiry {
    Seconds(u64),
    Millis(u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Condition {
    IfAbsent,
    IfExists,
}

impl SetOptions {
    /// `EX seconds`.
    pub fn ex(mut self, seconds: u64) -> Self {
        self.expiry = Some(Expiry::Seconds(seconds));
        self
    }

    /// `PX milliseconds`.
    pub fn px(mut self, millis: u64) -> Self {
        self.expiry = Some(Expiry::Millis(millis));
        self
    }

    /// `NX`: only set if the key does not exist (locks, dedup markers).
    pub fn nx(mut self) -> Self {
        self.condition = Some(Condition::IfAbsent);
        self
    }

    /// `XX`: only set if the key exists.
    pub fn xx(mut self) -> Self {
        self.condition = Some(Condition::IfExists);
        self
    }
}

pub fn get(key: impl ToArg) -> TypedCommand<Option<Vec<u8>>> {
    TypedCommand::new(Command::new("GET").arg(key), replies::opt_bytes)
}

/// Decodes to true when the value was set, false when NX/XX prevented it.
pub fn set(key: impl ToArg, value: impl ToArg, options: SetOptions) -> TypedCommand<bool> {
    let mut c = Command::new("SET").arg(key).arg(value);
    c = match options.expiry {
        Some(Expiry::Seconds(s)) => c.arg("EX").arg(s),
        Some(Expiry::Millis(ms)) => c.arg("PX").arg(ms),
        None => c,
    };
    c = match options.condition {
        Some(Condition::IfAbsent) => c.arg("NX"),
        Some(Condition::IfExists) => c.arg("XX"),
        None => c,
    };
    TypedCommand::new(c, replies::ok_or_null)
}

pub fn incrby(key: impl ToArg, by: i64) -> TypedCommand<i64> {
    TypedCommand::new(Command::new("INCRBY").arg(key).arg(by), replies::int)
}

impl<T: Transport> Client<T> {
    /// GET as UTF-8 text (a `Decode` error if it is not).
    pub async fn get_string(&self, key: impl ToArg) -> Result<Option<String>, Error> {
        let bytes = self.get(key).await?;
        bytes
            .map(|b| String::from_utf8(b).map_err(|e| Error::decode(format!("not UTF-8: {e}"))))
            .transpose()
    }
}

client_methods! {
    get(key: impl ToArg) -> Option<Vec<u8>>;
    set(key: impl ToArg, value: impl ToArg, options: SetOptions) -> bool;
    incrby(key: impl ToArg, by: i64) -> i64;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::wire;
    use crate::Value;

    #[test]
    fn set_options_on_the_wire() {
        assert_eq!(
            wire(set("k", "v", SetOptions::default()).command()),
            r#"["SET","k","v"]"#
        );
        assert_eq!(
            wire(set("k", "v", SetOptions::default().ex(10).nx()).command()),
            r#"["SET","k","v","EX","10","NX"]"#
        );
        assert_eq!(
            wire(set("k", "v", SetOptions::default().px(1500).xx()).command()),
            r#"["SET","k","v","PX","1500","XX"]"#
        );
        assert!(!set("k", "v", SetOptions::default().nx())
            .command()
            .is_idempotent());
        assert!(set("k", "v", SetOptions::default().ex(1))
            .command()
            .is_idempotent());
    }

    #[test]
    fn decodes_replies() {
        assert_eq!(
            set("k", "v", SetOptions::default()).decode(Ok("OK".into())),
            Ok(true)
        );
        assert_eq!(
            set("k", "v", SetOptions::default().nx()).decode(Ok(Value::Null)),
            Ok(false)
        );
        assert_eq!(get("k").decode(Ok(Value::Null)), Ok(None));
        assert_eq!(get("k").decode(Ok("v".into())), Ok(Some(b"v".to_vec())));
        assert_eq!(incrby("k", 2).decode(Ok(Value::Int(5))), Ok(5));
        assert_eq!(wire(incrby("k", -2).command()), r#"["INCRBY","k","-2"]"#);
        assert!(matches!(
            incrby("k", 1).decode(Ok(Value::Null)),
            Err(Error::Decode(_))
        ));
    }
}
