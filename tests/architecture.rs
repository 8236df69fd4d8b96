//! The layer order of `src/` (see ARCHITECTURE.md), checked on the source itself: every import
//! goes to a lower layer or stays inside its own module, and no file imports, directly or not,
//! a file that imports it. The source is parsed with `syn`; `#[cfg(test)]` modules are skipped
//! (tests may reach anywhere).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// Bottom to top. A module may import the modules of the layers below its own, never above, and
/// never another module of its own layer.
const LAYERS: &[&[&str]] = &[
    &["error", "finding", "bytes"],
    &["git", "rules"],
    &["engine"],
    &["config"],
    &["input"],
    &["hygiene"],
    &["report"],
    &["baseline", "hook"],
    &["cli"],
];

type ModPath = Vec<String>;

#[test]
fn src_imports_only_go_down_and_form_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = check(&src);
    assert!(
        problems.is_empty(),
        "layering problems in src/ (see ARCHITECTURE.md):\n{}",
        problems.join("\n")
    );
}

#[test]
fn an_upward_import_a_cycle_and_an_unplaced_module_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("lib.rs", "pub mod error; pub mod cli; pub mod extra;");
    write("error.rs", "use crate::cli::Cli;\npub struct E;");
    write(
        "cli/mod.rs",
        "pub mod args;\npub use args::Cli;\npub fn run() {}\n#[cfg(test)]\nmod tests { use crate::extra::X; }",
    );
    write("cli/args.rs", "pub struct Cli;\nfn f() { super::run() }");
    write("extra.rs", "pub struct X;");
    let problems = check(dir.path());
    let has = |needle: &str| problems.iter().any(|p| p.contains(needle));
    assert!(has("error imports cli"), "{problems:?}");
    assert!(has("cycle: cli -> cli::args -> cli"), "{problems:?}");
    assert!(has("`extra` is in no layer"), "{problems:?}");
    assert_eq!(problems.len(), 3, "test modules are skipped: {problems:?}");
}

/// Every problem with the layering of the crate whose source is in `src`.
fn check(src: &Path) -> Vec<String> {
    let files = module_files(src);
    let known: BTreeSet<ModPath> = files.keys().cloned().collect();
    let mut problems = Vec::new();
    let tops: BTreeSet<&String> = known.iter().map(|m| &m[0]).collect();
    for top in tops {
        if layer(top).is_none() {
            problems.push(format!(
                "`{top}` is in no layer: add it to LAYERS and ARCHITECTURE.md"
            ));
        }
    }
    let mut graph: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    for (module, file) in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let syntax = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("{}: does not parse: {e}", file.display()));
        let mut paths = Paths::default();
        paths.visit_file(&syntax);
        let targets: BTreeSet<ModPath> = paths
            .0
            .iter()
            .filter_map(|p| resolve(module, p, &known))
            .filter(|t| t != module)
            .collect();
        for target in &targets {
            if let (Some(from), Some(to)) = (layer(&module[0]), layer(&target[0])) {
                if module[0] != target[0] && from <= to {
                    problems.push(format!(
                        "{} imports {}: a module may import only lower layers",
                        name(module),
                        name(target)
                    ));
                }
            }
        }
        graph.insert(module.clone(), targets);
    }
    problems.extend(cycles(&graph));
    problems
}

fn layer(top: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&top))
}

fn name(module: &ModPath) -> String {
    module.join("::")
}

/// Each module of the crate and its file; `lib.rs` and `main.rs` are the crate root, above every
/// layer, and not checked.
fn module_files(src: &Path) -> BTreeMap<ModPath, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut module: ModPath = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|l| l == "mod") {
                module.pop();
            }
            if module.len() == 1 && (module[0] == "lib" || module[0] == "main") {
                continue;
            }
            out.insert(module, path);
        }
    }
    out
}

/// The module a path used in `module` points into, when it is one of the crate's.
fn resolve(module: &ModPath, path: &[String], known: &BTreeSet<ModPath>) -> Option<ModPath> {
    let mut segments = path.iter().peekable();
    let mut absolute: ModPath = match segments.peek()?.as_str() {
        "crate" => {
            segments.next();
            Vec::new()
        }
        "self" => {
            segments.next();
            module.clone()
        }
        "super" => {
            let mut base = module.clone();
            while segments.peek().is_some_and(|s| *s == "super") {
                segments.next();
                base.pop();
            }
            base
        }
        first => {
            // A child module named by its bare name; anything else is a local item or a crate.
            let mut child = module.clone();
            child.push(first.to_string());
            if !known.contains(&child) {
                return None;
            }
            module.clone()
        }
    };
    absolute.extend(segments.cloned());
    (1..=absolute.len())
        .rev()
        .map(|n| absolute[..n].to_vec())
        .find(|prefix| known.contains(prefix))
}

/// Every path a file names: in `use` trees, expressions, types and patterns, outside
/// `#[cfg(test)]` modules.
#[derive(Default)]
struct Paths(Vec<Vec<String>>);

impl<'ast> Visit<'ast> for Paths {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        let is_test = item.attrs.iter().any(|a| {
            a.path().is_ident("cfg")
                && a.parse_args::<syn::Ident>()
                    .is_ok_and(|ident| ident == "test")
        });
        if !is_test {
            syn::visit::visit_item_mod(self, item);
        }
    }

    /// `pub(super)` and `pub(in path)` name who may see an item, not what it uses.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        use_paths(&item.tree, &mut Vec::new(), &mut self.0);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.0
            .push(path.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, path);
    }
}

fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => out.push(with(prefix, &n.ident)),
        syn::UseTree::Rename(r) => out.push(with(prefix, &r.ident)),
        syn::UseTree::Glob(_) => out.push(prefix.clone()),
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                use_paths(tree, prefix, out);
            }
        }
    }
}

fn with(prefix: &[String], last: &syn::Ident) -> Vec<String> {
    let mut path = prefix.to_vec();
    if last != "self" {
        path.push(last.to_string());
    }
    path
}

/// One line per import cycle among the files, as the chain of modules that closes it.
fn cycles(graph: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<String> {
    // Depth-first search; a back edge to a module on the current path closes a cycle.
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    fn visit(
        node: &ModPath,
        graph: &BTreeMap<ModPath, BTreeSet<ModPath>>,
        state: &mut BTreeMap<ModPath, State>,
        path: &mut Vec<ModPath>,
        out: &mut Vec<String>,
    ) {
        state.insert(node.clone(), State::OnPath);
        path.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next).copied().unwrap_or(State::New) {
                State::New => visit(next, graph, state, path, out),
                State::OnPath => {
                    let start = path.iter().position(|m| m == next).unwrap();
                    let chain: Vec<String> = path[start..].iter().chain([next]).map(name).collect();
                    out.push(format!("cycle: {}", chain.join(" -> ")));
                }
                State::Done => {}
            }
        }
        path.pop();
        state.insert(node.clone(), State::Done);
    }
    let mut state = BTreeMap::new();
    let mut out = Vec::new();
    for node in graph.keys() {
        if state.get(node).copied().unwrap_or(State::New) == State::New {
            visit(node, graph, &mut state, &mut Vec::new(), &mut out);
        }
    }
    out
}
