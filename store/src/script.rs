//! The Lua scripts as Redis receives them: each file of `lua/` after `lua/shared.lua`, behind a
//! table `N` of the schema's names that the script uses (from `schema::SCRIPT_NAMES`: a script
//! spells no key, field or tag itself and indexes no name by position), and, for the scripts that
//! declare every key they touch, the allow-key-locking shebang. Built once per isolate, on first
//! use.

use std::sync::OnceLock;

use upstash_rest::Value;

use crate::schema::SCRIPT_NAMES;

/// The shebang of a script that declares every key it touches in `KEYS`: on Upstash it then locks
/// only those keys instead of the whole database (and may touch no other: our gateway enforces
/// that too). The scripts that cannot know their keys up front go without it (docs, "Locks").
pub const KEY_LOCKING: &str = "#!lua flags=allow-key-locking";

const SHARED: &str = include_str!("lua/shared.lua");

/// One script of `lua/`.
pub struct Script {
    file: &'static str,
    body: &'static str,
    key_locked: bool,
    source: OnceLock<String>,
}

/// `script!(key_locked "place_order.lua")` or `script!("consumer_run.lua")`: a [`Script`] from a
/// file of `lua/`.
macro_rules! script {
    (key_locked $file:literal) => {
        $crate::script::Script::new($file, include_str!(concat!("lua/", $file)), true)
    };
    ($file:literal) => {
        $crate::script::Script::new($file, include_str!(concat!("lua/", $file)), false)
    };
}

impl Script {
    pub(crate) const fn new(file: &'static str, body: &'static str, key_locked: bool) -> Self {
        Self {
            file,
            body,
            key_locked,
            source: OnceLock::new(),
        }
    }

    /// What EVAL sends. Panics if the script uses a name the schema does not define (a unit
    /// test builds every script, so that never reaches a deployment).
    pub fn source(&self) -> &str {
        self.source.get_or_init(|| self.compose())
    }

    fn compose(&self) -> String {
        let code = format!("{SHARED}\n-- {}\n{}", self.file, self.body);
        let mut table = String::from("local N = {");
        for name in names_used(&code) {
            let Some((_, value)) = SCRIPT_NAMES.iter().find(|(n, _)| *n == name) else {
                panic!(
                    "{}: N.{name} is not a name of store::schema::SCRIPT_NAMES",
                    self.file
                );
            };
            table += &format!(" {name} = {},", lua_string(value));
        }
        table += " }\n";
        let shebang = if self.key_locked {
            format!("{KEY_LOCKING}\n")
        } else {
            String::new()
        };
        format!("{shebang}{table}{code}")
    }
}

/// The `X` of every `N.X` in `code`, once each, in order of first use.
fn names_used(code: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("N.") {
        let before = rest[..at].chars().next_back();
        let after = &rest[at + 2..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        // `N.` inside a longer name (`KN.x`, `t.N.x`) is not the table.
        if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') && end > 0 {
            let name = &after[..end];
            if !names.contains(&name) {
                names.push(name);
            }
        }
        rest = &after[end..];
    }
    names
}

/// `value` as a Lua string literal.
fn lua_string(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A script's `{tag, rest...}` reply: its tag (`None` for an empty or nil reply) and the rest.
pub(crate) fn tagged(reply: Value) -> (Option<String>, Vec<Value>) {
    let mut parts = reply.into_array().unwrap_or_default().into_iter();
    let tag = parts.next().and_then(|v| v.as_str().map(str::to_owned));
    (tag, parts.collect())
}

/// A reply's part as a whole number (Redis integer or numeric string).
pub(crate) fn number(part: Option<&Value>) -> Option<u64> {
    let part = part?;
    part.as_int()
        .and_then(|n| u64::try_from(n).ok())
        .or_else(|| part.as_str()?.parse().ok())
}

/// Every script of the crate, for the tests.
#[cfg(test)]
pub(crate) fn all() -> Vec<&'static Script> {
    vec![
        &crate::inventory::CREATE,
        &crate::inventory::READ,
        &crate::inventory::PATCH,
        &crate::inventory::ADJUST,
        &crate::inventory::DELETE,
        &crate::orders::PLACE_ORDER,
        &crate::orders::CANCEL_ORDER,
        &crate::orders::COMPLETE_PAYMENTS,
        &crate::consumer::CONSUMER_RUN,
        &crate::consumer::CONSUMER_STATS,
        &crate::rows::PAGE_BY_INDEX,
        &crate::audit::AUDIT_PAGE,
        &crate::audit::AUDIT_RESERVATIONS,
        &crate::dead_letters::REPLAY,
        &crate::dead_letters::DISCARD,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every script builds (each name it uses is the schema's), and no script indexes a name by
    /// position: `ARGV[n]` carries data only.
    #[test]
    fn every_script_uses_only_the_schemas_names() {
        for script in all() {
            let source = script.source();
            assert!(source.contains("local N = {"), "{}", script.file);
            for (name, value) in SCRIPT_NAMES {
                // A literal spelling of a schema value in the script's own code would drift
                // (Redis's own words, such as XINFO's `name`, are not the schema's).
                let literal = lua_string(value);
                let own_code = &source[source.find(" }\n").unwrap()..];
                let redis_word = ["name"].contains(value);
                let spelled = own_code.contains(&literal) && value.len() > 2 && !redis_word;
                assert!(!spelled, "{} spells {literal} ({name}) itself", script.file);
            }
        }
    }

    #[test]
    fn a_name_the_schema_lacks_fails_the_build_of_its_script() {
        let typo = Script::new("typo.lua", "return N.O_STATSU", false);
        let built = std::panic::catch_unwind(|| typo.source().to_owned());
        assert!(built.is_err());
    }

    #[test]
    fn names_are_found_once_each_and_only_as_the_table() {
        assert_eq!(names_used("N.A .. N.B_2(N.A) KN.C x.N.D"), ["A", "B_2"]);
    }

    /// The scripts on request paths (product create, read, patch, adjustment and delete, order
    /// placement, payment completion, cancellation, dead letters' replay and discard) lock only
    /// their keys on Upstash; the others (the consumer's run and stats, paging, the audit) touch
    /// keys they are not given, and say so. A new script has to be one or the other.
    #[test]
    fn request_path_scripts_are_key_locked() {
        let unlocked: [&Script; 5] = [
            &crate::consumer::CONSUMER_RUN,
            &crate::consumer::CONSUMER_STATS,
            &crate::rows::PAGE_BY_INDEX,
            &crate::audit::AUDIT_PAGE,
            &crate::audit::AUDIT_RESERVATIONS,
        ];
        for script in all() {
            let locked = !unlocked.iter().any(|u| std::ptr::eq(*u, script));
            assert_eq!(
                script.source().starts_with(KEY_LOCKING),
                locked,
                "{}",
                script.file
            );
        }
    }
}
