//! A command as sent on the wire: `["CMD","arg",...]`.

use crate::idempotency;
use crate::Error;

/// One Redis command: name and arguments (as bytes), plus an optional idempotency override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    args: Vec<Vec<u8>>,
    idempotent: Option<bool>,
}

impl Command {
    /// A command named `name` (e.g. "GET", or "XGROUP" followed by `.arg("CREATE")`).
    pub fn new(name: &str) -> Self {
        Self {
            args: vec![name.as_bytes().to_vec()],
            idempotent: None,
        }
    }

    pub fn arg(mut self, arg: impl ToArg) -> Self {
        self.args.push(arg.to_arg());
        self
    }

    pub fn args<A: ToArg>(mut self, args: impl IntoIterator<Item = A>) -> Self {
        self.args.extend(args.into_iter().map(|a| a.to_arg()));
        self
    }

    /// Declares whether re-running this command is harmless, overriding the built-in table
    /// (use it for the EVAL of a script you know to be idempotent).
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// Whether it is safe to retry after a failure that may have reached the server.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
            .unwrap_or_else(|| idempotency::classify(&self.args))
    }

    /// The upper-cased command name.
    pub fn name(&self) -> String {
        String::from_utf8_lossy(&self.args[0]).to_ascii_uppercase()
    }

    /// The JSON array of strings for the request body. JSON carries text, so every argument
    /// must be UTF-8 (binary values can still be *read*: responses are base64).
    pub(crate) fn to_json(&self) -> Result<serde_json::Value, Error> {
        let strings = self
            .args
            .iter()
            .enumerate()
            .map(|(i, a)| match std::str::from_utf8(a) {
                Ok(s) => Ok(serde_json::Value::String(s.to_owned())),
                Err(_) => Err(Error::InvalidRequest(format!(
                    "argument {i} of {} is not UTF-8; JSON request bodies can only carry text",
                    self.name()
                ))),
            });
        strings
            .collect::<Result<Vec<_>, _>>()
            .map(serde_json::Value::Array)
    }
}

/// Something that can be a command argument. Numbers are sent in their decimal text form.
pub trait ToArg {
    fn to_arg(&self) -> Vec<u8>;
}

impl<T: ToArg + ?Sized> ToArg for &T {
    fn to_arg(&self) -> Vec<u8> {
        (**self).to_arg()
    }
}

impl ToArg for str {
    fn to_arg(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}

impl ToArg for String {
    fn to_arg(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}

impl ToArg for [u8] {
    fn to_arg(&self) -> Vec<u8> {
        self.to_vec()
    }
}

impl<const N: usize> ToArg for [u8; N] {
    fn to_arg(&self) -> Vec<u8> {
        self.to_vec()
    }
}

impl ToArg for Vec<u8> {
    fn to_arg(&self) -> Vec<u8> {
        self.clone()
    }
}

macro_rules! display_arg {
    ($($t:ty),*) => {$(
        impl ToArg for $t {
            fn to_arg(&self) -> Vec<u8> {
                self.to_string().into_bytes()
            }
        }
    )*};
}
display_arg!(i32, i64, u32, u64, usize, f64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_json_body() {
        let c = Command::new("SET")
            .arg("k")
            .arg(b"v")
            .arg("EX")
            .arg(10u64)
            .args(["NX"]);
        assert_eq!(
            c.to_json().unwrap().to_string(),
            r#"["SET","k","v","EX","10","NX"]"#
        );
        assert_eq!(
            Command::new("zadd").arg(1.5f64).to_json().unwrap().to_string(),
            r#"["zadd","1.5"]"#
        );
    }

    #[test]
    fn non_utf8_argument_is_an_invalid_request() {
        let err = Command::new("SET")
            .arg("k")
            .arg(vec![0xffu8])
            .to_json()
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    }

    #[test]
    fn override_wins_over_table() {
        assert!(!Command::new("EVAL").arg("return 1").arg(0).is_idempotent());
        assert!(Command::new("EVAL")
            .arg("return 1")
            .arg(0)
            .idempotent(true)
            .is_idempotent());
        assert!(!Command::new("GET").arg("k").idempotent(false).is_idempotent());
    }
}
