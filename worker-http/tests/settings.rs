//! The settings the code reads (`worker_http::settings`) are the ones wrangler.toml sets, the
//! ones docs/operations.md documents and the secrets `make deploy` sets, with the same defaults:
//! a var added to the code and not to wrangler.toml or the docs (or the reverse) fails here, as
//! a route added without its OpenAPI entry fails the contract test.

use std::collections::{BTreeMap, BTreeSet};

use worker_http::settings::{specs_of, Common, Consumer, Inventory, Kind, Payment, Settings, Spec};

fn root_file(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Each worker: its `[env.X]` name and every setting it reads.
fn workers() -> Vec<(&'static str, Vec<Spec>)> {
    vec![
        (Inventory::ENV, specs_of::<Inventory>()),
        (Payment::ENV, specs_of::<Payment>()),
        (Consumer::ENV, specs_of::<Consumer>()),
    ]
}

#[test]
fn wrangler_toml_sets_every_var_with_its_default_and_nothing_else() {
    let config: toml::Table = root_file("wrangler.toml").parse().expect("wrangler.toml parses");
    for (env, specs) in workers() {
        let vars = config["env"][env]
            .get("vars")
            .and_then(|v| v.as_table())
            .unwrap_or_else(|| panic!("[env.{env}.vars]"));
        for spec in &specs {
            let set = vars.get(spec.name).map(|v| v.as_str().expect("vars are strings"));
            match spec.kind {
                Kind::Var => assert_eq!(
                    set,
                    Some(spec.default),
                    "[env.{env}.vars] sets {} to its default",
                    spec.name
                ),
                Kind::Secret | Kind::Explicit => {
                    assert_eq!(set, None, "{} is never in [env.{env}.vars]", spec.name)
                }
            }
        }
        for name in vars.keys() {
            assert!(
                specs.iter().any(|s| s.name == name && s.kind == Kind::Var),
                "[env.{env}.vars] sets {name}, which the {env} worker never reads"
            );
        }
    }
}

/// The rows of the configuration table: name → (kind, workers, default).
fn documented() -> BTreeMap<String, (String, BTreeSet<String>, String)> {
    let text = root_file("docs/operations.md");
    let section = text
        .split("\n## Configuration\n")
        .nth(1)
        .expect("docs/operations.md has a Configuration section");
    let mut rows = BTreeMap::new();
    let table = section.lines().skip_while(|l| !l.starts_with("| name |")).skip(2);
    for line in table.take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let unquote = |cell: &str| cell.trim_matches('`').to_owned();
        let workers = cells[3].split(',').map(|w| w.trim().to_owned()).collect();
        let default = if cells[4] == "—" {
            String::new()
        } else {
            unquote(cells[4])
        };
        let previous = rows.insert(unquote(cells[1]), (cells[2].to_owned(), workers, default));
        assert!(previous.is_none(), "{} is documented once", cells[1]);
    }
    rows
}

#[test]
fn the_docs_table_has_every_setting_with_its_kind_workers_and_default() {
    let mut read: BTreeMap<&str, (Spec, BTreeSet<String>)> = BTreeMap::new();
    for (env, specs) in workers() {
        for spec in specs {
            let entry = read.entry(spec.name).or_insert((spec, BTreeSet::new()));
            entry.1.insert(env.to_owned());
        }
    }
    let documented = documented();
    for (name, (spec, envs)) in &read {
        let row = documented
            .get(*name)
            .unwrap_or_else(|| panic!("{name} is read by the code but not in docs/operations.md"));
        let expected = (spec.kind.name().to_owned(), envs.clone(), spec.default.to_owned());
        assert_eq!(*row, expected, "docs/operations.md's row of {name}");
    }
    for name in documented.keys() {
        assert!(
            read.contains_key(name.as_str()),
            "docs/operations.md documents {name}, which no worker reads"
        );
    }
}

#[test]
fn make_deploy_sets_each_worker_the_secrets_it_reads() {
    let script = root_file("scripts/deploy.py");
    let line = script
        .lines()
        .find_map(|l| l.strip_prefix("SECRETS = "))
        .expect("scripts/deploy.py has a line `SECRETS = {...}`");
    let deployed: BTreeMap<String, Vec<String>> = serde_json::from_str(line).expect("SECRETS is JSON");
    let wanted: BTreeMap<String, Vec<String>> = workers()
        .into_iter()
        .map(|(env, specs)| {
            let secrets = specs.iter().filter(|s| s.kind == Kind::Secret);
            (env.to_owned(), secrets.map(|s| s.name.to_owned()).collect())
        })
        .collect();
    assert_eq!(deployed, wanted, "scripts/deploy.py's SECRETS");
}

/// A value two workers must agree on is a value kept equal by hand: each worker's own settings
/// are its own (`PAYMENT_DELAY_MS` is the payment worker's alone: each pending order carries its
/// own due time for the consumer's sweep).
#[test]
fn no_setting_of_one_worker_is_read_by_another() {
    let common: BTreeSet<&str> = Common::SPECS.iter().map(|s| s.name).collect();
    let mut readers: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (env, specs) in workers() {
        for spec in specs.iter().filter(|s| !common.contains(s.name)) {
            readers.entry(spec.name).or_default().push(env);
        }
    }
    for (name, envs) in readers {
        // The same guard on every worker that has admin operations, set by the same deploy step.
        let one_guard = ["ADMIN_TOKEN", "ADMIN_AUTH"].contains(&name);
        if !one_guard {
            assert_eq!(envs.len(), 1, "{name} is read by {envs:?}");
        }
    }
}
