//! Redis commands as they arrive over REST: parsed from JSON arrays or URL paths, then checked so
//! that nothing can block or change the state of a pooled connection (protocol page, §6).

use serde_json::value::RawValue;

/// One Redis command: its arguments as bytes, the name first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command(pub Vec<Vec<u8>>);

/// Why a request's command(s) cannot be run. Always answered with 400 `{"error": …}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected(pub String);

impl Command {
    pub fn name(&self) -> String {
        String::from_utf8_lossy(&self.0[0]).to_ascii_uppercase()
    }

    pub fn to_redis(&self) -> redis::Cmd {
        let mut cmd = redis::Cmd::new();
        for arg in &self.0 {
            cmd.arg(arg.as_slice());
        }
        cmd
    }

    /// Refuses what would poison or block a shared connection, and strips `BLOCK n` from
    /// XREAD/XREADGROUP: Upstash runs those non-blocking, so do we.
    pub fn guard(mut self) -> Result<Self, Rejected> {
        let name = self.name();
        if let Some(why) = refusal(&name) {
            return Err(Rejected(format!(
                "ERR '{}' is not supported over REST: {why}",
                name.to_lowercase()
            )));
        }
        if name == "XREAD" || name == "XREADGROUP" {
            self.strip_block();
        }
        Ok(self)
    }

    fn strip_block(&mut self) {
        // Options come before STREAMS; after it are keys and ids, which may be called "block".
        // XREADGROUP's `GROUP g c` are names, not options: a consumer may be called "block" too.
        let end = self
            .0
            .iter()
            .position(|a| a.eq_ignore_ascii_case(b"STREAMS"))
            .unwrap_or(self.0.len());
        let mut i = if self.name() == "XREADGROUP" { 4 } else { 1 };
        while i < end {
            let arg = &self.0[i];
            if arg.eq_ignore_ascii_case(b"BLOCK") {
                let until = (i + 2).min(end);
                self.0.drain(i..until);
                return;
            }
            i += if arg.eq_ignore_ascii_case(b"COUNT") { 2 } else { 1 };
        }
    }
}

fn refusal(name: &str) -> Option<&'static str> {
    Some(match name {
        "SUBSCRIBE" | "PSUBSCRIBE" | "SSUBSCRIBE" | "UNSUBSCRIBE" | "PUNSUBSCRIBE" | "SUNSUBSCRIBE" => {
            "use the /subscribe or /psubscribe endpoints"
        }
        "MULTI" | "EXEC" | "DISCARD" | "WATCH" | "UNWATCH" => "use the /multi-exec endpoint",
        "BLPOP" | "BRPOP" | "BRPOPLPUSH" | "BLMOVE" | "BLMPOP" | "BZPOPMIN" | "BZPOPMAX" | "BZMPOP"
        | "WAIT" | "WAITAOF" => "blocking commands are not available, use the non-blocking form",
        "MONITOR" | "SELECT" | "AUTH" | "HELLO" | "QUIT" | "RESET" | "CLIENT" | "SYNC" | "PSYNC"
        | "REPLCONF" => "connection commands are not available",
        _ => return None,
    })
}

/// `["SET","k","v",100]`: strings as-is, numbers in their original text (never through f64),
/// booleans as "true"/"false". Anything else is refused, as Upstash does.
pub fn parse_json_command(body: &[u8]) -> Result<Command, Rejected> {
    let items: Vec<&RawValue> = serde_json::from_slice(body).map_err(|_| {
        Rejected("ERR failed to parse command: expected a JSON array of strings and numbers".into())
    })?;
    command_from_raw(&items)
}

/// `[["SET","k","v"],["GET","k"]]` for /pipeline and /multi-exec.
pub fn parse_json_commands(body: &[u8]) -> Result<Vec<Result<Command, Rejected>>, Rejected> {
    let list: Vec<Vec<&RawValue>> = serde_json::from_slice(body).map_err(|_| {
        Rejected("ERR failed to parse pipeline request: expected a JSON array of command arrays".into())
    })?;
    if list.is_empty() {
        return Err(Rejected("ERR empty pipeline: send at least one command".into()));
    }
    Ok(list.iter().map(|items| command_from_raw(items)).collect())
}

fn command_from_raw(items: &[&RawValue]) -> Result<Command, Rejected> {
    let Some(first) = items.first() else {
        return Err(Rejected("ERR empty command".into()));
    };
    if !first.get().starts_with('"') {
        return Err(Rejected("ERR the command name must be a string".into()));
    }
    items
        .iter()
        .map(|raw| argument(raw))
        .collect::<Result<_, _>>()
        .map(Command)
}

fn argument(raw: &RawValue) -> Result<Vec<u8>, Rejected> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(text)
            .map(String::into_bytes)
            .map_err(|_| Rejected("ERR invalid string argument".into())),
        Some(b'-' | b'0'..=b'9') => Ok(text.as_bytes().to_vec()),
        _ if text == "true" || text == "false" => Ok(text.as_bytes().to_vec()),
        _ => Err(Rejected(
            "ERR unsupported argument type: only strings, numbers and booleans are allowed".into(),
        )),
    }
}

/// Path style (§1.2): `/set/foo/bar?EX=100`, each segment URL-decoded; a POST body is appended as
/// the last argument before the query parameters; `_token` is auth, not an argument.
pub fn parse_path_command(path: &str, query: Option<&str>, body: Option<&[u8]>) -> Result<Command, Rejected> {
    let mut args: Vec<Vec<u8>> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_encoding::percent_decode_str(s).collect())
        .collect();
    if args.is_empty() {
        return Err(Rejected("ERR empty command".into()));
    }
    if let Some(body) = body.filter(|b| !b.is_empty()) {
        args.push(body.to_vec());
    }
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode_query(name);
        if name == b"_token" {
            continue;
        }
        args.push(name);
        if !value.is_empty() {
            args.push(decode_query(value));
        }
    }
    Ok(Command(args))
}

fn decode_query(s: &str) -> Vec<u8> {
    let spaced = s.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(c: &Command) -> Vec<String> {
        c.0.iter()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect()
    }

    #[test]
    fn numbers_keep_their_text() {
        let c = parse_json_command(br#"["SET","n",1e-07,99.5,100,-3,true]"#).unwrap();
        assert_eq!(args(&c), ["SET", "n", "1e-07", "99.5", "100", "-3", "true"]);
    }

    #[test]
    fn refuses_nested_null_and_empty() {
        assert!(parse_json_command(br#"["SET","k",{"a":1}]"#).is_err());
        assert!(parse_json_command(br#"["SET","k",null]"#).is_err());
        assert!(parse_json_command(br#"[["GET","k"]]"#).is_err());
        assert!(parse_json_command(br#"[]"#).is_err());
        assert!(parse_json_command(br#"[1,2]"#).is_err());
        assert!(parse_json_command(b"not json").is_err());
        assert!(parse_json_commands(b"[]").is_err());
    }

    #[test]
    fn unicode_escapes_are_decoded() {
        let c = parse_json_command(br#"["SET","k","h\u00e9 \ud83d\ude80"]"#).unwrap();
        assert_eq!(args(&c)[2], "hé 🚀");
    }

    #[test]
    fn strips_block_before_streams_only() {
        let c = parse_json_command(
            br#"["xreadgroup","GROUP","g","c","COUNT",5,"BLOCK",0,"STREAMS","block","0"]"#,
        )
        .unwrap()
        .guard()
        .unwrap();
        assert_eq!(
            args(&c),
            [
                "xreadgroup",
                "GROUP",
                "g",
                "c",
                "COUNT",
                "5",
                "STREAMS",
                "block",
                "0"
            ]
        );
    }

    #[test]
    fn a_group_or_consumer_called_block_is_a_name() {
        let c = parse_json_command(
            br#"["XREADGROUP","GROUP","block","BLOCK","COUNT",1,"BLOCK",5,"STREAMS","s",">"]"#,
        )
        .unwrap()
        .guard()
        .unwrap();
        assert_eq!(
            args(&c),
            [
                "XREADGROUP",
                "GROUP",
                "block",
                "BLOCK",
                "COUNT",
                "1",
                "STREAMS",
                "s",
                ">"
            ]
        );
    }

    #[test]
    fn refuses_connection_state_and_blocking_commands() {
        for name in [
            "subscribe",
            "MULTI",
            "exec",
            "select",
            "auth",
            "hello",
            "watch",
            "blpop",
            "monitor",
            "client",
        ] {
            let c = Command(vec![name.as_bytes().to_vec(), b"x".to_vec()]);
            assert!(c.guard().is_err(), "{name} must be refused");
        }
        assert!(Command(vec![b"GET".to_vec(), b"k".to_vec()]).guard().is_ok());
    }

    #[test]
    fn path_style_with_body_and_query() {
        let c = parse_path_command("/set/foo%20bar", Some("EX=100&_token=secret"), Some(b"value")).unwrap();
        assert_eq!(args(&c), ["set", "foo bar", "value", "EX", "100"]);
        assert!(parse_path_command("/", None, None).is_err());
    }
}
