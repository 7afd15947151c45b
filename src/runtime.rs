//! Finding and loading the ONNX Runtime shared library (never downloaded).
//!
//! The library is looked up, in order, at `ORT_DYLIB_PATH`, inside the `onnxruntime` Python
//! package of an active virtualenv, of a `.venv` in a folder holding the running executable
//! (so `target/release/voxscreen` finds the project's `.venv`), of `python3`, and in the system
//! library paths. ONNX Runtime allows one
//! environment per process, so it is created once and kept for the life of the process.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::error::{Error, Result};

/// The ONNX Runtime release voxscreen is built and tested against.
pub const ORT_VERSION: &str = "1.31.1";

static ENVIRONMENT: OnceLock<
    std::result::Result<(ort::environment::Environment, PathBuf), String>,
> = OnceLock::new();

/// What to do when the library cannot be found, shown in every runtime error.
pub const INSTALL_HINT: &str =
    "install voxscreen with `pipx install ./python` (its `voxscreen` command brings ONNX Runtime), \
or install it with `pip install onnxruntime==1.31.1` (voxscreen finds the library inside that \
Python package through `python3`, an active virtualenv, or a `.venv` in a folder above the \
executable), or point ORT_DYLIB_PATH at libonnxruntime.so.1.31.1 (for example the file in \
site-packages/onnxruntime/capi/)";

/// Loads ONNX Runtime from `path`, or from the first library found by [`find_library`] when
/// `path` is `None`, and creates the process-wide environment. Later calls return the same
/// environment whatever they pass.
pub fn init(path: Option<&Path>) -> Result<&'static ort::environment::Environment> {
    let entry = ENVIRONMENT.get_or_init(|| {
        let library = match path {
            Some(p) => p.to_path_buf(),
            None => find_library().ok_or_else(|| {
                format!("the ONNX Runtime shared library was not found; {INSTALL_HINT}")
            })?,
        };
        let builder = ort::init_from(&library)
            .map_err(|e| format!("cannot load {}: {e}; {INSTALL_HINT}", library.display()))?;
        let env = builder
            .with_name("voxscreen")
            .build()
            .map_err(|e| format!("cannot start ONNX Runtime from {}: {e}", library.display()))?;
        Ok((env, library))
    });
    match entry {
        Ok((env, _)) => Ok(env),
        Err(msg) => Err(Error::Runtime(msg.clone())),
    }
}

/// The path of the loaded library, once [`init`] has succeeded.
pub fn loaded_library() -> Option<&'static Path> {
    match ENVIRONMENT.get() {
        Some(Ok((_, path))) => Some(path.as_path()),
        _ => None,
    }
}

/// Looks for `libonnxruntime` at `ORT_DYLIB_PATH`, in the `onnxruntime` package of an active
/// virtualenv, of a `.venv` beside the executable or in a folder above it, of `python3`, then
/// in the usual system library folders. The current directory is never searched: screening
/// files in a folder someone else prepared must not load a library from it.
pub fn find_library() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH") {
        let p = PathBuf::from(p);
        if p.is_file() {
            return Some(p);
        }
    }
    let venv = std::env::var_os("VIRTUAL_ENV").map(|v| PathBuf::from(v).join("bin").join("python"));
    venv.into_iter()
        .flat_map(|python| python_package_dir(&python))
        .chain(executable_venv_dirs())
        .chain(python_package_dir(Path::new("python3")))
        .chain(system_dirs())
        .find_map(|dir| library_in(&dir))
}

/// The folder `onnxruntime/capi` of the package that `python` imports, if it has one.
fn python_package_dir(python: &Path) -> Option<PathBuf> {
    let script = "import os, onnxruntime; print(os.path.join(os.path.dirname(onnxruntime.__file__), 'capi'))";
    let out = Command::new(python).args(["-c", script]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(PathBuf::from(text.trim()))
}

/// `.venv/lib/python*/site-packages/onnxruntime/capi` of every `.venv` in a folder holding the
/// running executable (nearest first): `target/release/voxscreen` finds the project's `.venv`.
fn executable_venv_dirs() -> Vec<PathBuf> {
    let Some(exe) = std::env::current_exe()
        .ok()
        .and_then(|e| e.canonicalize().ok())
    else {
        return Vec::new();
    };
    exe.ancestors()
        .skip(1)
        .flat_map(|dir| venv_capi_dirs(&dir.join(".venv")))
        .collect()
}

/// The `onnxruntime/capi` folders inside a virtualenv (one per Python version it holds).
fn venv_capi_dirs(venv: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(venv.join("lib")) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("python"))
        })
        .map(|p| p.join("site-packages").join("onnxruntime").join("capi"))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn system_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("LD_LIBRARY_PATH")
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    for d in [
        "/usr/local/lib",
        "/usr/lib",
        "/usr/lib/x86_64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
        "/opt/onnxruntime/lib",
    ] {
        dirs.push(PathBuf::from(d));
    }
    dirs
}

/// The best-matching `libonnxruntime.so*` in `dir`: the exact tested version first.
fn library_in(dir: &Path) -> Option<PathBuf> {
    let exact = dir.join(format!("libonnxruntime.so.{ORT_VERSION}"));
    if exact.is_file() {
        return Some(exact);
    }
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("libonnxruntime.so") || n == "libonnxruntime.dylib")
        })
        .collect();
    candidates.sort();
    candidates.pop()
}
