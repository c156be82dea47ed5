//! `cargo xtask site`: builds the static part of the site into `<target>/site/pkg`:
//! the hydrate WASM + JS glue (wasm-bindgen, optionally wasm-opt), the concatenated
//! stylesheet, and brotli/gzip siblings of each so the server can serve them
//! precompressed.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use wasm_bindgen_cli_support::Bindgen;

use crate::util::{self, Workspace, kb};

/// The files `site` writes into `pkg/` (each also gets `.br` and `.gz`).
const CSS: &str = "app.css";
const JS: &str = "frontend.js";
const WASM: &str = "frontend_bg.wasm";

/// Flags that make binaryen accept what current rustc emits for wasm32 by default.
const WASM_OPT_ARGS: &[&str] = &[
    "-Oz",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
];

/// Sizes of the hydrate WASM, reported by `site`, `build` and `bench`.
#[derive(Debug, Clone, Copy)]
pub struct SiteSizes {
    pub wasm_raw: u64,
    pub wasm_brotli: u64,
}

impl SiteSizes {
    /// Prints the `wasm raw_kb=… brotli_kb=…` line.
    pub fn print(&self) {
        println!("wasm raw_kb={} brotli_kb={}", kb(self.wasm_raw), kb(self.wasm_brotli));
    }

    /// Brotli size in KiB with one decimal.
    pub fn brotli_kb(&self) -> String {
        kb(self.wasm_brotli)
    }
}

/// Builds the site and returns the WASM sizes.
///
/// The frontend is always built with the `wasm-release` profile: a debug WASM is
/// several megabytes and slow, and nothing here needs it.
pub fn build(ws: &Workspace) -> Result<SiteSizes> {
    util::ensure_wasm_target()?;
    // binaryen's wasm-opt comes from npm; without it the WASM is served unoptimised.
    if util::probe("npm", &["--version"]).is_some()
        && let Err(e) = util::ensure_node_modules(&ws.root)
    {
        eprintln!("warning: could not install end2end/node_modules ({e:#}); skipping wasm-opt");
    }
    let mut build = ws.cargo([
        "build",
        "-p",
        "frontend",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]);
    util::run(&mut build)?;

    let site_pkg = ws.site_root().join("pkg");
    // Build into an empty staging directory so no stale snippet or compressed file survives;
    // it becomes `pkg/<build id>` once complete.
    let pkg = site_pkg.join(".next");
    if pkg.exists() {
        fs::remove_dir_all(&pkg).with_context(|| format!("removing {}", pkg.display()))?;
    }
    fs::create_dir_all(&pkg).with_context(|| format!("creating {}", pkg.display()))?;
    let (main, chunks) = split(ws, &pkg)?;
    bindgen(&main, &pkg)?;
    wasm_opt(ws, &pkg.join(WASM));
    for chunk in &chunks {
        wasm_opt(ws, chunk);
        precompress(chunk)?;
    }
    concat_css(&ws.root.join("style"), &pkg.join(CSS))?;

    for name in [CSS, JS, SPLIT_LOADER] {
        precompress(&pkg.join(name))?;
    }
    let (wasm_raw, wasm_brotli) = precompress(&pkg.join(WASM))?;
    let sizes = SiteSizes { wasm_raw, wasm_brotli };
    let id = publish(&site_pkg, &pkg)?;
    println!("site written to {}/{id}", site_pkg.display());
    sizes.print();
    Ok(sizes)
}

/// The loader of lazily loaded chunks; its name is the one Leptos' `HydrationScripts`
/// expects when file hashing is off.
const SPLIT_LOADER: &str = "__wasm_split.______________________.js";

/// Splits the `#[lazy]` code (lazy routes) out of the linked WASM into chunk modules in
/// `pkg/`, with their loader and the `__wasm_split_manifest.json` that `HydrationScripts`
/// reads to preload a page's chunks. Returns the main module (still to be bindgen'ed) and
/// the chunk files.
fn split(ws: &Workspace, pkg: &Path) -> Result<(PathBuf, Vec<PathBuf>)> {
    let input = ws.target.join("wasm32-unknown-unknown/wasm-release/frontend.wasm");
    let main = input.with_file_name("frontend_split.wasm");
    let bytes = fs::read(&input).with_context(|| format!("reading {}", input.display()))?;
    let mut opts = wasm_split_cli_support::Options::new(&bytes);
    opts.output_dir = pkg;
    opts.main_out_path = &main;
    opts.main_module = "./frontend.js";
    opts.link_name = "./__wasm_split.______________________.js";
    let out = wasm_split_cli_support::transform(opts).map_err(|e| anyhow::anyhow!("wasm-split: {e:?}"))?;
    // Sorted, so the same code always gives the same file (and the same build id).
    let manifest: std::collections::BTreeMap<_, _> = out.prefetch_map.iter().collect();
    fs::write(pkg.join("__wasm_split_manifest.json"), serde_json::to_string_pretty(&manifest)?)
        .context("writing the split manifest")?;
    println!("wasm-split: {} lazily loaded chunk(s)", out.split_modules.len());
    Ok((main, out.split_modules))
}

/// Runs wasm-bindgen (as a library, pinned to the workspace's wasm-bindgen version) on the
/// main module; the split chunks call into it through the exports it keeps.
fn bindgen(input: &Path, pkg: &Path) -> Result<()> {
    println!("wasm-bindgen {} -> {}", input.display(), pkg.display());
    Bindgen::new()
        .input_path(input)
        .keep_lld_exports(true)
        .demangle(false)
        .web(true)?
        .out_name("frontend")
        .typescript(false)
        .generate(pkg)
        .with_context(|| format!("wasm-bindgen on {}", input.display()))
}

/// Optimises the WASM in place with npm binaryen's `wasm-opt`, if installed.
///
/// Only `end2end/node_modules/.bin/wasm-opt` is used, never one from PATH: Debian's
/// binaryen 108 emits a module that silently breaks hydration. Any failure keeps the
/// un-optimised (but correct) file and only warns.
fn wasm_opt(ws: &Workspace, wasm: &Path) {
    let tool = ws.root.join("end2end/node_modules/.bin/wasm-opt");
    if !tool.exists() {
        println!("note: {} not found; skipping wasm-opt (run `npm ci` in end2end/ for a smaller WASM)", tool.display());
        return;
    }
    // Write to a sibling and rename, so a crash never leaves a truncated file.
    let tmp = wasm.with_extension("opt.wasm");
    let mut cmd = Command::new(&tool);
    cmd.args(WASM_OPT_ARGS).arg(wasm).arg("-o").arg(&tmp);
    let result = util::run(&mut cmd)
        .and_then(|()| fs::rename(&tmp, wasm).with_context(|| format!("replacing {}", wasm.display())));
    if let Err(err) = result {
        eprintln!("warning: wasm-opt failed, keeping the un-optimised WASM: {err:#}");
        let _ = fs::remove_file(&tmp);
    }
}

/// Builds kept besides the current one, for pages a browser loaded before a deploy.
const KEEP_PREVIOUS_BUILDS: usize = 2;

/// Makes the finished `staging` directory the current build: renames it to `pkg/<build id>`
/// (the id hashes every file's name and content, so any change gives new URLs), points
/// `pkg/BUILD` at it (written atomically: the server reads it at start-up) and removes all
/// but the newest older builds. Returns the id.
fn publish(site_pkg: &Path, staging: &Path) -> Result<String> {
    let id = build_id(staging)?;
    let dir = site_pkg.join(&id);
    if dir.exists() {
        // The same content was built before: keep that copy.
        fs::remove_dir_all(staging).with_context(|| format!("removing {}", staging.display()))?;
    } else {
        fs::rename(staging, &dir).with_context(|| format!("renaming {} to {}", staging.display(), dir.display()))?;
    }
    let tmp = site_pkg.join("BUILD.tmp");
    fs::write(&tmp, format!("{id}\n")).context("writing pkg/BUILD")?;
    fs::rename(&tmp, site_pkg.join("BUILD")).context("replacing pkg/BUILD")?;
    // Older builds, newest first; files of the flat layout used before build ids go too.
    let mut old: Vec<(std::time::SystemTime, PathBuf)> = vec![];
    for entry in fs::read_dir(site_pkg).with_context(|| format!("listing {}", site_pkg.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == id || name == "BUILD" {
            continue;
        }
        if is_build_id(&name) && entry.path().is_dir() {
            old.push((entry.metadata()?.modified()?, entry.path()));
        } else if entry.path().is_file() {
            fs::remove_file(entry.path())?;
        }
    }
    old.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (_, path) in old.into_iter().skip(KEEP_PREVIOUS_BUILDS) {
        fs::remove_dir_all(&path).with_context(|| format!("removing {}", path.display()))?;
    }
    Ok(id)
}

/// Same rule as the server's `assets::is_build_id`.
fn is_build_id(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The first 16 hex digits of SHA-256 over every file of `dir` (sorted names and contents).
fn build_id(dir: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut files: Vec<PathBuf> = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).with_context(|| format!("listing {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() { stack.push(path) } else { files.push(path) }
        }
    }
    files.sort();
    let mut hash = Sha256::new();
    for path in files {
        let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().into_owned();
        hash.update(rel.as_bytes());
        hash.update([0]);
        hash.update(fs::read(&path).with_context(|| format!("reading {}", path.display()))?);
        hash.update([0]);
    }
    let digest = hash.finalize();
    Ok(digest.iter().take(8).map(|b| format!("{b:02x}")).collect())
}

/// Concatenates `style/*.css` in file-name order into one stylesheet, each part
/// preceded by a `/* name */` header so the origin of a rule is easy to find.
fn concat_css(style_dir: &Path, out: &Path) -> Result<()> {
    let mut files: Vec<PathBuf> = match fs::read_dir(style_dir) {
        Ok(entries) => entries
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .with_context(|| format!("listing {}", style_dir.display()))?,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(err) => return Err(err).context(format!("listing {}", style_dir.display())),
    };
    files.retain(|p| p.is_file() && p.extension().is_some_and(|e| e == "css"));
    files.sort();
    if files.is_empty() {
        eprintln!("warning: no CSS in {}; writing an empty {CSS}", style_dir.display());
    }

    let mut css = String::new();
    for path in &files {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let body = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        css.push_str(&format!("/* {name} */\n"));
        css.push_str(&body);
        if !body.ends_with('\n') {
            css.push('\n');
        }
        css.push('\n');
    }
    fs::write(out, css).with_context(|| format!("writing {}", out.display()))
}

/// Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, best) next to
/// `path`; returns the raw and brotli sizes in bytes.
fn precompress(path: &Path) -> Result<(u64, u64)> {
    let data = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let sibling = |ext: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(ext);
        PathBuf::from(name)
    };

    let br_path = sibling(".br");
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11, // maximum: slow to encode, but done once per build
        lgwin: 22,   // brotli's default window (4 MiB)
        size_hint: data.len(),
        ..Default::default()
    };
    let mut br = BufWriter::new(File::create(&br_path)?);
    brotli::BrotliCompress(&mut data.as_slice(), &mut br, &params)
        .with_context(|| format!("brotli for {}", path.display()))?;
    br.flush()?;

    let gz_path = sibling(".gz");
    let file = File::create(&gz_path)?;
    let mut gz = flate2::write::GzEncoder::new(BufWriter::new(file), flate2::Compression::best());
    gz.write_all(&data)?;
    gz.finish()?.flush()?;

    let br_len = fs::metadata(&br_path)?.len();
    Ok((data.len() as u64, br_len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::TempDir;

    #[test]
    fn css_is_concatenated_in_name_order_with_headers() {
        let dir = TempDir::new("xtask-css-test").unwrap();
        let style = dir.path().join("style");
        fs::create_dir(&style).unwrap();
        fs::write(style.join("b.css"), "b{}").unwrap();
        fs::write(style.join("a.css"), "a{}\n").unwrap();
        fs::write(style.join("notes.txt"), "ignored").unwrap();
        let out = dir.path().join("app.css");
        concat_css(&style, &out).unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "/* a.css */\na{}\n\n/* b.css */\nb{}\n\n");
    }

    #[test]
    fn a_build_is_published_under_the_hash_of_its_files() {
        let dir = TempDir::new("xtask-publish-test").unwrap();
        let site_pkg = dir.path().join("pkg");
        let stage = |body: &str| {
            let staging = site_pkg.join(".next");
            fs::create_dir_all(staging.join("snippets")).unwrap();
            fs::write(staging.join("frontend.js"), body).unwrap();
            fs::write(staging.join("snippets/x.js"), "x").unwrap();
            staging
        };
        fs::create_dir_all(&site_pkg).unwrap();
        fs::write(site_pkg.join("frontend.js"), "flat layout").unwrap();
        let first = publish(&site_pkg, &stage("one")).unwrap();
        assert!(is_build_id(&first));
        assert_eq!(fs::read_to_string(site_pkg.join("BUILD")).unwrap().trim(), first);
        assert_eq!(fs::read_to_string(site_pkg.join(&first).join("frontend.js")).unwrap(), "one");
        assert!(!site_pkg.join("frontend.js").exists(), "files of the flat layout are removed");
        // Same files, same id; another file content, another id.
        assert_eq!(publish(&site_pkg, &stage("one")).unwrap(), first);
        let mut ids = vec![first];
        for body in ["two", "three", "four"] {
            std::thread::sleep(std::time::Duration::from_millis(20));
            let id = publish(&site_pkg, &stage(body)).unwrap();
            assert!(!ids.contains(&id));
            ids.push(id);
        }
        // The current build and the two before it stay; the oldest is gone.
        assert!(!site_pkg.join(&ids[0]).exists());
        for id in &ids[1..] {
            assert!(site_pkg.join(id).exists(), "{id}");
        }
        assert!(!site_pkg.join(".next").exists());
    }

    #[test]
    fn precompressed_files_round_trip() {
        let dir = TempDir::new("xtask-compress-test").unwrap();
        let path = dir.path().join("x.js");
        let data = "console.log('诚商网');\n".repeat(200);
        fs::write(&path, &data).unwrap();
        let (raw, br) = precompress(&path).unwrap();
        assert_eq!(raw, data.len() as u64);
        assert!(br < raw);

        let mut out = Vec::new();
        let br_bytes = fs::read(dir.path().join("x.js.br")).unwrap();
        brotli::BrotliDecompress(&mut br_bytes.as_slice(), &mut out).unwrap();
        assert_eq!(out, data.as_bytes());

        let gz = File::open(dir.path().join("x.js.gz")).unwrap();
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(gz), &mut out).unwrap();
        assert_eq!(out, data);
    }
}
