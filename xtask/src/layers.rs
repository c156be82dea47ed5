//! The app's modules form layers: no two modules depend on each other, directly or through
//! others (`auth::session` → `state` → `jobs` → `auth::session` was such a cycle). A test here
//! reads `app/src`, takes every `crate::…` and `super::…` path of a module (outside comments
//! and `#[cfg(test)]` tests) as a dependency on the innermost module it names, and fails on any
//! cycle. A module's own submodules and parents are not dependencies (Rust's module tree).
#![cfg(test)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Module path (`auth::session`) → source, for every `.rs` file under `src`.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            out.insert(parts.join("::"), fs::read_to_string(&path).unwrap());
        }
    }
    out
}

/// The source without line comments and without a trailing `#[cfg(test)] mod tests`.
fn code(src: &str) -> String {
    let src = src.split("#[cfg(test)]\nmod tests").next().unwrap_or(src);
    src.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// The paths following `prefix` (`crate::`, `super::`): `a::b::c` of `crate::a::b::c`.
fn paths<'a>(code: &'a str, prefix: &str) -> Vec<&'a str> {
    code.match_indices(prefix)
        .filter(|(i, _)| !code[..*i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':'))
        .map(|(i, _)| {
            let rest = &code[i + prefix.len()..];
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
            rest[..end].trim_end_matches(':')
        })
        .collect()
}

/// The innermost known module a path names.
fn resolve(mods: &BTreeMap<String, String>, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len()).rev().map(|n| parts[..n].join("::")).find(|m| mods.contains_key(m))
}

fn graph(mods: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges = BTreeMap::new();
    for (m, src) in mods {
        let code = code(src);
        let parent = m.rsplit_once("::").map(|(p, _)| p).unwrap_or("");
        let mut deps = BTreeSet::new();
        // `crate::x` naming no module (an item of the crate root) is no edge; `super::x` naming
        // no module is the parent itself.
        let crate_targets = paths(&code, "crate::").into_iter().filter_map(|p| resolve(mods, p));
        let super_targets = paths(&code, "super::").into_iter().filter_map(|p| {
            let full = if parent.is_empty() { p.to_string() } else { format!("{parent}::{p}") };
            resolve(mods, full.trim_end_matches(':')).or_else(|| mods.contains_key(parent).then(|| parent.to_string()))
        });
        for t in crate_targets.chain(super_targets) {
            if t != *m && !m.starts_with(&format!("{t}::")) && !t.starts_with(&format!("{m}::")) {
                deps.insert(t);
            }
        }
        edges.insert(m.clone(), deps);
    }
    edges
}

/// The cycles: strongly connected components of more than one module (Tarjan).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let i = t.index.len();
        t.index.insert(v, i);
        t.low.insert(v, i);
        t.stack.push(v);
        for w in &t.edges[v] {
            if !t.index.contains_key(w.as_str()) {
                visit(t, w);
                let lw = t.low[w.as_str()];
                t.low.entry(v).and_modify(|l| *l = (*l).min(lw));
            } else if t.stack.contains(&w.as_str()) {
                let iw = t.index[w.as_str()];
                t.low.entry(v).and_modify(|l| *l = (*l).min(iw));
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = vec![];
            while let Some(w) = t.stack.pop() {
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T { edges, index: BTreeMap::new(), low: BTreeMap::new(), stack: vec![], out: vec![] };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn the_app_modules_have_no_dependency_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
    let mods = modules(&src);
    assert!(mods.contains_key("auth::session") && mods.contains_key("jobs"), "read {}", src.display());
    let edges = graph(&mods);
    assert!(edges["auth::session"].contains("state"), "the scan sees dependencies");
    let found = cycles(&edges);
    let text: Vec<String> = found
        .iter()
        .map(|c| {
            let links: Vec<String> = c
                .iter()
                .map(|m| format!("{m} -> {:?}", edges[m].iter().filter(|d| c.contains(d)).collect::<Vec<_>>()))
                .collect();
            links.join("; ")
        })
        .collect();
    assert!(found.is_empty(), "module cycles:\n{}", text.join("\n"));
}

#[test]
fn a_cycle_is_found() {
    let mods: BTreeMap<String, String> = [
        ("a", "use crate::b::thing;"),
        ("b", "fn f() { crate::c::g() }"),
        ("c", "// crate::a is only mentioned\nuse super::a::X;"),
        ("d", "use crate::a;"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(cycles(&graph(&mods)), vec![vec!["a".to_string(), "b".into(), "c".into()]]);
}
