//! ZADD, ZRANGE (by rank or score, REV, LIMIT, WITHSCORES), ZREM, ZCARD, ZSCORE.

use crate::replies;
use crate::{Command, Error, ToArg, TypedCommand, Value};

/// Conditions for ZADD (INCR is left out: it is a different command in effect).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZAddOptions {
    pub nx: bool,
    pub xx: bool,
    pub gt: bool,
    pub lt: bool,
    /// Count changed members, not only added ones.
    pub ch: bool,
}

/// How to read ZRANGE's `start`/`stop`: ranks by default, scores with `by_score`
/// (then `"-inf"`, `"(1.5"`... work, and with `rev` start is the *higher* bound).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZRangeOptions {
    pub by_score: bool,
    pub rev: bool,
    /// `LIMIT offset count` (only with `by_score`).
    pub limit: Option<(u64, u64)>,
}

impl ZRangeOptions {
    pub fn by_score() -> Self {
        Self {
            by_score: true,
            ..Self::default()
        }
    }

    pub fn rev(mut self) -> Self {
        self.rev = true;
        self
    }

    pub fn limit(mut self, offset: u64, count: u64) -> Self {
        self.limit = Some((offset, count));
        self
    }
}

/// Decodes to the number of members added (or changed, with `ch`).
pub fn zadd<M: ToArg>(
    key: impl ToArg,
    members: impl IntoIterator<Item = (f64, M)>,
    options: ZAddOptions,
) -> TypedCommand<u64> {
    let c = Command::new("ZADD")
        .arg(key)
        .flag(options.nx, "NX")
        .flag(options.xx, "XX")
        .flag(options.gt, "GT")
        .flag(options.lt, "LT")
        .flag(options.ch, "CH");
    let c = members.into_iter().fold(c, |c, (score, m)| c.arg(score).arg(m));
    TypedCommand::new(c, replies::count)
}

fn zrange_command(key: impl ToArg, start: impl ToArg, stop: impl ToArg, options: ZRangeOptions) -> Command {
    let c = Command::new("ZRANGE")
        .arg(key)
        .arg(start)
        .arg(stop)
        .flag(options.by_score, "BYSCORE")
        .flag(options.rev, "REV");
    match options.limit {
        Some((offset, count)) => c.arg("LIMIT").arg(offset).arg(count),
        None => c,
    }
}

/// Members in order.
pub fn zrange(
    key: impl ToArg,
    start: impl ToArg,
    stop: impl ToArg,
    options: ZRangeOptions,
) -> TypedCommand<Vec<Vec<u8>>> {
    TypedCommand::new(zrange_command(key, start, stop, options), replies::list_of_bytes)
}

/// Members with their scores, in order.
pub fn zrange_with_scores(
    key: impl ToArg,
    start: impl ToArg,
    stop: impl ToArg,
    options: ZRangeOptions,
) -> TypedCommand<Vec<(Vec<u8>, f64)>> {
    let c = zrange_command(key, start, stop, options).arg("WITHSCORES");
    TypedCommand::new(c, decode_with_scores)
}

fn decode_with_scores(reply: Result<Value, Error>) -> Result<Vec<(Vec<u8>, f64)>, Error> {
    let pairs = replies::pairs(replies::array(reply)?)?;
    pairs
        .into_iter()
        .map(|(m, s)| Ok((Vec::<u8>::try_from(m)?, replies::score(&s)?)))
        .collect()
}

/// Decodes to the number of members removed.
pub fn zrem(key: impl ToArg, members: impl IntoIterator<Item = impl ToArg>) -> TypedCommand<u64> {
    TypedCommand::new(Command::new("ZREM").arg(key).args(members), replies::count)
}

pub fn zcard(key: impl ToArg) -> TypedCommand<u64> {
    TypedCommand::new(Command::new("ZCARD").arg(key), replies::count)
}

pub fn zscore(key: impl ToArg, member: impl ToArg) -> TypedCommand<Option<f64>> {
    TypedCommand::new(Command::new("ZSCORE").arg(key).arg(member), replies::opt_score)
}

client_methods! {
    zadd<M: ToArg>(key: impl ToArg, members: impl IntoIterator<Item = (f64, M)>, options: ZAddOptions) -> u64;
    zrange(key: impl ToArg, start: impl ToArg, stop: impl ToArg, options: ZRangeOptions) -> Vec<Vec<u8>>;
    zrange_with_scores(
        key: impl ToArg,
        start: impl ToArg,
        stop: impl ToArg,
        options: ZRangeOptions,
    ) -> Vec<(Vec<u8>, f64)>;
    zrem(key: impl ToArg, members: impl IntoIterator<Item = impl ToArg>) -> u64;
    zcard(key: impl ToArg) -> u64;
    zscore(key: impl ToArg, member: impl ToArg) -> Option<f64>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::wire;

    #[test]
    fn wire_format() {
        let nx = ZAddOptions {
            nx: true,
            ..Default::default()
        };
        assert_eq!(
            wire(zadd("z", [(1.5, "a"), (2.0, "b")], nx).command()),
            r#"["ZADD","z","NX","1.5","a","2","b"]"#
        );
        assert!(zadd("z", [(1.0, "a")], nx).command().is_idempotent());
        assert_eq!(
            wire(zrange("z", 0, -1, ZRangeOptions::default()).command()),
            r#"["ZRANGE","z","0","-1"]"#
        );
        let opts = ZRangeOptions::by_score().rev().limit(0, 10);
        assert_eq!(
            wire(zrange_with_scores("z", "+inf", "(1", opts).command()),
            r#"["ZRANGE","z","+inf","(1","BYSCORE","REV","LIMIT","0","10","WITHSCORES"]"#
        );
    }

    #[test]
    fn replies() {
        let v = Value::from(vec!["a", "1.5", "b", "inf"]);
        let got = zrange_with_scores("z", 0, -1, ZRangeOptions::default())
            .decode(Ok(v))
            .unwrap();
        assert_eq!(got, vec![(b"a".to_vec(), 1.5), (b"b".to_vec(), f64::INFINITY)]);
        assert_eq!(zscore("z", "a").decode(Ok("2.25".into())), Ok(Some(2.25)));
        assert_eq!(zscore("z", "a").decode(Ok(Value::Null)), Ok(None));
        assert_eq!(zcard("z").decode(Ok(Value::Int(2))), Ok(2));
        assert!(matches!(
            zrange_with_scores("z", 0, -1, ZRangeOptions::default()).decode(Ok(Value::from(vec!["a"]))),
            Err(Error::Decode(_))
        ));
    }
}
