//! Python bindings of voxscreen: the extension module `voxscreen._voxscreen`.
//!
//! Deliberately thin: every decision (decoding, windowing, features, verdicts) stays in the
//! `voxscreen` crate. This module converts Python sources into [`Input`]s, releases the GIL
//! around the work, turns panics and [`Error`]s into `voxscreen.Error` subclasses, and hands
//! reports to Python as the same JSON the CLI writes (so the names cannot drift). The pure-Python
//! package `voxscreen` (python/voxscreen/) wraps these functions in the public API.

use std::any::Any;
use std::ffi::OsString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::OnceLock;

use ndarray::{ArrayViewD, Axis, Ix2};
use numpy::{IntoPyArray, PyReadonlyArrayDyn, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyString};

use voxscreen::features::FeatureExtractor;
use voxscreen::pipeline::{self, Input};
use voxscreen::{Error, Limits, Model, Report, Screener};

/// Error kind used for a Rust panic caught at the boundary (a bug in voxscreen, not the input).
const INTERNAL: &str = "internal";

// ---------------------------------------------------------------------------------------------
// Errors

/// Builds the `voxscreen` exception for an error kind (classes live in `voxscreen/_errors.py`).
fn exception(py: Python<'_>, kind: &str, message: String) -> PyErr {
    let made = py
        .import("voxscreen._errors")
        .and_then(|m| m.getattr("_from_kind"))
        .and_then(|f| f.call1((kind, message.as_str())));
    match made {
        Ok(value) => PyErr::from_value(value),
        Err(_) => PyRuntimeError::new_err(format!("[{kind}] {message}")),
    }
}

fn to_pyerr(py: Python<'_>, error: &Error) -> PyErr {
    exception(py, error.kind(), error.to_string())
}

/// An `InputError` that is also a `TypeError` (wrong dtype or source type).
fn type_error(py: Python<'_>, message: String) -> PyErr {
    exception(py, "invalid_input_type", message)
}

fn input_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    exception(py, "invalid_input", message.into())
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// Runs `work` with the GIL released, catching panics; errors become Python exceptions.
fn run_detached<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    F: FnOnce() -> voxscreen::Result<T> + Send,
    T: Send,
{
    let outcome = py.detach(move || catch_unwind(AssertUnwindSafe(work)));
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(to_pyerr(py, &e)),
        Err(payload) => Err(exception(
            py,
            INTERNAL,
            format!(
                "internal error in voxscreen (please report): {}",
                panic_message(&*payload)
            ),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Sources

/// A Python source converted to owned Rust data, so the GIL can be released while it is used.
enum Source {
    Path(PathBuf),
    Bytes(Vec<u8>),
    Samples(Vec<f32>, u32),
}

impl Source {
    fn input(&self) -> Input<'_> {
        match self {
            Source::Path(p) => Input::Path(p),
            Source::Bytes(b) => Input::Bytes(b, None),
            Source::Samples(s, rate) => Input::Samples(s, *rate),
        }
    }
}

/// Converts `source` (path, bytes or numpy array) and `sample_rate` into a [`Source`].
fn source_from(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    sample_rate: Option<&Bound<'_, PyAny>>,
) -> PyResult<Source> {
    let sample_rate = sample_rate.filter(|r| !r.is_none());
    if let Ok(array) = source.cast::<PyUntypedArray>() {
        let Some(rate) = sample_rate else {
            return Err(input_error(
                py,
                "sample_rate= is required when screening an array",
            ));
        };
        let rate = sample_rate_from(py, rate)?;
        let samples = mono_samples(py, array)?;
        return Ok(Source::Samples(samples, rate));
    }
    let file = if let Ok(bytes) = source.cast::<PyBytes>() {
        Source::Bytes(bytes.as_bytes().to_vec())
    } else if let Ok(bytes) = source.cast::<PyByteArray>() {
        Source::Bytes(bytes.to_vec())
    } else if source.is_instance_of::<PyString>() || source.hasattr("__fspath__")? {
        Source::Path(source.extract::<PathBuf>()?)
    } else {
        return Err(type_error(
            py,
            format!(
                "source must be a path, bytes or a numpy array, not {}",
                source.get_type().name()?
            ),
        ));
    };
    if sample_rate.is_some() {
        return Err(input_error(
            py,
            "sample_rate= applies only to arrays; files carry their own rate",
        ));
    }
    Ok(file)
}

/// A positive sample rate that fits in u32 (huge values break the sample-rate limit).
fn sample_rate_from(py: Python<'_>, rate: &Bound<'_, PyAny>) -> PyResult<u32> {
    // Python ints and integer-like objects (numpy integers: `__index__`), never floats.
    let index;
    let rate = if rate.is_instance_of::<PyInt>() {
        rate
    } else if !rate.is_instance_of::<PyFloat>() && rate.hasattr("__index__")? {
        index = rate.call_method0("__index__")?;
        &index
    } else {
        return Err(type_error(
            py,
            format!(
                "sample_rate must be an int, not {}",
                rate.get_type().name()?
            ),
        ));
    };
    let error = match rate.extract::<i64>() {
        Ok(r) if r <= 0 => Error::InvalidInput(format!("sample rate must be positive, got {r}")),
        Ok(r) => match u32::try_from(r) {
            Ok(r) => return Ok(r),
            Err(_) => Error::LimitExceeded(format!(
                "sample rate {r} Hz is above the limit of {} Hz",
                Limits::default().max_sample_rate
            )),
        },
        Err(_) => {
            // Not an i64: a Python int beyond 64 bits, negative or positive.
            if rate.lt(0)? {
                Error::InvalidInput("sample rate must be positive".into())
            } else {
                Error::LimitExceeded(format!(
                    "sample rate is above the limit of {} Hz",
                    Limits::default().max_sample_rate
                ))
            }
        }
    };
    Err(to_pyerr(py, &error))
}

/// Mono f32 samples from a 1-D array, or a 2-D array whose shorter axis is channels (averaged).
/// int16 is scaled by 1/32768; float32 and float64 are used as they are.
fn mono_samples(py: Python<'_>, array: &Bound<'_, PyUntypedArray>) -> PyResult<Vec<f32>> {
    let ndim = array.ndim();
    if ndim == 0 || ndim > 2 {
        return Err(input_error(
            py,
            format!(
                "expected a 1-D array (samples) or a 2-D array (samples and channels), got {ndim}-D shape {:?}",
                array.shape()
            ),
        ));
    }
    let any = array.as_any();
    let mono = if let Ok(a) = any.extract::<PyReadonlyArrayDyn<'_, f32>>() {
        downmix(a.as_array(), |x| x)
    } else if let Ok(a) = any.extract::<PyReadonlyArrayDyn<'_, f64>>() {
        downmix(a.as_array(), |x| x as f32)
    } else if let Ok(a) = any.extract::<PyReadonlyArrayDyn<'_, i16>>() {
        downmix(a.as_array(), |x| x as f32 / 32768.0)
    } else {
        return Err(type_error(
            py,
            format!(
                "unsupported sample dtype {}: use int16, float32 or float64",
                array.dtype().str()?
            ),
        ));
    };
    Ok(mono)
}

fn downmix<T: Copy>(view: ArrayViewD<'_, T>, convert: impl Fn(T) -> f32) -> Vec<f32> {
    if view.ndim() == 1 {
        return view.iter().map(|&x| convert(x)).collect();
    }
    let view = view
        .into_dimensionality::<Ix2>()
        .expect("2-D checked by caller");
    let (rows, cols) = view.dim();
    // The shorter axis holds channels; a square array is read as (samples, channels).
    let channel_axis = if rows < cols { 0 } else { 1 };
    let channels = view.len_of(Axis(channel_axis));
    if channels == 0 {
        return Vec::new();
    }
    view.lanes(Axis(channel_axis))
        .into_iter()
        .map(|lane| {
            let sum: f64 = lane.iter().map(|&x| convert(x) as f64).sum();
            (sum / channels as f64) as f32
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Runtime and models

/// Loads ONNX Runtime from `library` (the file inside the `onnxruntime` Python package) and
/// returns the path actually loaded. One runtime per process: later calls return the first.
#[pyfunction]
#[pyo3(signature = (library=None))]
fn init_runtime(py: Python<'_>, library: Option<PathBuf>) -> PyResult<String> {
    run_detached(py, move || {
        voxscreen::runtime::init(library.as_deref())?;
        Ok(voxscreen::runtime::loaded_library()
            .map(|p| p.display().to_string())
            .unwrap_or_default())
    })
}

/// The path of the loaded ONNX Runtime library, or None before it is loaded.
#[pyfunction]
fn runtime_library() -> Option<String> {
    voxscreen::runtime::loaded_library().map(|p| p.display().to_string())
}

/// The ONNX Runtime version voxscreen is built and tested against.
#[pyfunction]
fn ort_version() -> &'static str {
    voxscreen::runtime::ORT_VERSION
}

/// The voxscreen crate version (written as `tool_version` in reports).
#[pyfunction]
fn tool_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Columns of the flat one-row-per-file report (the CLI's `--csv` header).
#[pyfunction]
fn csv_columns() -> Vec<&'static str> {
    voxscreen::report::CSV_COLUMNS.to_vec()
}

fn load_model(path: Option<PathBuf>) -> voxscreen::Result<Model> {
    match path {
        Some(p) => Model::from_path(&p),
        None => Model::shipped(),
    }
}

/// The shipped model and its front-end, loaded once (features need no ONNX Runtime).
fn shipped_front_end() -> voxscreen::Result<&'static (Model, FeatureExtractor)> {
    static SHIPPED: OnceLock<std::result::Result<(Model, FeatureExtractor), String>> =
        OnceLock::new();
    let entry = SHIPPED.get_or_init(|| {
        let model = Model::shipped().map_err(|e| e.to_string())?;
        let extractor =
            FeatureExtractor::new(&model.manifest().features).map_err(|e| e.to_string())?;
        Ok((model, extractor))
    });
    entry.as_ref().map_err(|m| Error::Model(m.clone()))
}

/// The manifest (JSON text) of the shipped model, or of the model at `model`.
#[pyfunction]
#[pyo3(signature = (model=None))]
fn manifest_json(py: Python<'_>, model: Option<PathBuf>) -> PyResult<String> {
    run_detached(py, move || {
        let text = match model {
            None => serde_json::to_string(shipped_front_end()?.0.manifest()),
            Some(p) => serde_json::to_string(Model::from_path(&p)?.manifest()),
        };
        text.map_err(|e| Error::Model(format!("cannot serialise the manifest: {e}")))
    })
}

// ---------------------------------------------------------------------------------------------
// Features

/// Features of a clip, computed exactly as screening computes them (no ONNX Runtime needed).
///
/// kind "model": dict with `windows` float32 (n, rows, frames), `speech` bool (n,), `spans_s`
/// float64 (n, 2), `sample_rate` and `audio` (what decoding measured).
#[pyfunction]
#[pyo3(signature = (source, sample_rate=None, kind="model", model=None))]
fn features<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
    sample_rate: Option<&Bound<'py, PyAny>>,
    kind: &str,
    model: Option<PathBuf>,
) -> PyResult<Bound<'py, PyAny>> {
    const KINDS: [&str; 4] = ["model", "lfcc", "log_spectrogram", "power_spectrogram"];
    if !KINDS.contains(&kind) {
        return Err(input_error(
            py,
            format!("unknown feature kind {kind:?}; expected one of {KINDS:?}"),
        ));
    }
    let source = source_from(py, source, sample_rate)?;
    let kind = kind.to_string();
    let computed = run_detached(py, move || {
        let owned;
        let (model, extractor) = match model {
            None => {
                let (m, e) = shipped_front_end()?;
                (m, e)
            }
            Some(p) => {
                let m = load_model(Some(p))?;
                let e = FeatureExtractor::new(&m.manifest().features)?;
                owned = (m, e);
                (&owned.0, &owned.1)
            }
        };
        let manifest = model.manifest();
        let limits = Limits::default();
        if kind == "model" {
            let wf = pipeline::window_features(source.input(), manifest, extractor, &limits)?;
            Ok(Computed::Windows(wf, manifest.sample_rate))
        } else {
            let samples = pipeline::decode_to_rate(source.input(), manifest.sample_rate, &limits)?;
            let matrix = clip_features(extractor, &kind, &samples)?;
            Ok(Computed::Matrix(matrix))
        }
    })?;
    match computed {
        Computed::Windows(wf, rate) => {
            let dict = PyDict::new(py);
            let n = wf.spans_s.len();
            let spans = ndarray::Array2::from_shape_fn((n, 2), |(i, j)| {
                if j == 0 {
                    wf.spans_s[i].0
                } else {
                    wf.spans_s[i].1
                }
            });
            dict.set_item("windows", wf.inputs.into_pyarray(py))?;
            dict.set_item("speech", ndarray::Array1::from(wf.speech).into_pyarray(py))?;
            dict.set_item("spans_s", spans.into_pyarray(py))?;
            dict.set_item("sample_rate", rate)?;
            let audio = serde_json::to_string(&wf.audio)
                .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
            let json = py.import("json")?;
            dict.set_item("audio", json.call_method1("loads", (audio,))?)?;
            Ok(dict.into_any())
        }
        Computed::Matrix(m) => Ok(m.into_pyarray(py).into_any()),
    }
}

enum Computed {
    Windows(pipeline::WindowFeatures, u32),
    Matrix(ndarray::Array2<f32>),
}

/// The whole clip's 2-D feature matrix `(rows, frames)` of one kind.
fn clip_features(
    extractor: &FeatureExtractor,
    kind: &str,
    samples: &[f32],
) -> voxscreen::Result<ndarray::Array2<f32>> {
    Ok(match kind {
        "lfcc" => extractor.lfcc(samples),
        "log_spectrogram" => extractor.log_spectrogram(samples),
        "power_spectrogram" => extractor.power_spectrogram(samples),
        other => {
            return Err(Error::InvalidInput(format!(
                "unknown feature kind {other:?}"
            )))
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Screener

/// A loaded model ready to screen clips; thread-safe (share one between Python threads).
#[pyclass(frozen, name = "_Screener", module = "voxscreen._voxscreen")]
struct PyScreener {
    inner: Screener,
}

fn report_json(report: &Report) -> PyResult<String> {
    serde_json::to_string(report).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

#[pymethods]
impl PyScreener {
    /// Loads the model (shipped one when `model` is None) and ONNX Runtime from `library`.
    #[new]
    #[pyo3(signature = (model=None, library=None))]
    fn new(py: Python<'_>, model: Option<PathBuf>, library: Option<PathBuf>) -> PyResult<Self> {
        let inner = run_detached(py, move || {
            voxscreen::runtime::init(library.as_deref())?;
            Screener::new(load_model(model)?)
        })?;
        Ok(PyScreener { inner })
    }

    /// Screens a path, bytes or array; returns the report as JSON text. Raises on failure.
    #[pyo3(signature = (source, sample_rate=None))]
    fn screen(
        &self,
        py: Python<'_>,
        source: &Bound<'_, PyAny>,
        sample_rate: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let source = source_from(py, source, sample_rate)?;
        let screener = &self.inner;
        let report = run_detached(py, || match &source {
            Source::Path(p) => screener.screen_path(p),
            Source::Bytes(b) => screener.screen_bytes(b, None),
            Source::Samples(s, rate) => screener.screen_samples(s, *rate),
        })?;
        report_json(&report)
    }

    /// Screens every path on `threads` worker threads (0 = all cores) with the GIL released.
    /// Returns a JSON array of reports in input order; failures are error reports.
    /// `on_done()` is called (with the GIL) as each file finishes.
    #[pyo3(signature = (paths, threads=0, on_done=None))]
    fn screen_many(
        &self,
        py: Python<'_>,
        paths: Vec<PathBuf>,
        threads: usize,
        on_done: Option<Py<PyAny>>,
    ) -> PyResult<String> {
        let screener = &self.inner;
        let notify = |_: &Report| {
            if let Some(callback) = &on_done {
                Python::attach(|py| {
                    if let Err(e) = callback.call0(py) {
                        e.write_unraisable(py, None);
                    }
                });
            }
        };
        let reports = py.detach(|| {
            let all = catch_unwind(AssertUnwindSafe(|| {
                screener.screen_many(&paths, threads, &notify)
            }));
            match all {
                Ok(reports) => reports,
                // A panic while screening one file: redo file by file so that only the culprit
                // becomes an error row (progress is not reported again).
                Err(_) => paths
                    .iter()
                    .map(|p| {
                        catch_unwind(AssertUnwindSafe(|| screener.report_for_path(p)))
                            .unwrap_or_else(|payload| {
                                let error = Error::Decode(format!(
                                    "internal error in voxscreen (please report): {}",
                                    panic_message(&*payload)
                                ));
                                screener.error_report(Some(p.display().to_string()), &error)
                            })
                    })
                    .collect::<Vec<Report>>(),
            }
        });
        serde_json::to_string(&reports).map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// Screens the bytes of an encoded file read from `name` (reported as its path; its
    /// extension is the format hint). Returns the report as JSON text; a failure is an error
    /// report, never an exception.
    fn report_for_bytes(&self, py: Python<'_>, bytes: &[u8], name: &str) -> PyResult<String> {
        let screener = &self.inner;
        let report = py.detach(|| screener.report_for_bytes(bytes, name));
        report_json(&report)
    }

    /// The largest input accepted, in bytes (larger files are `limit_exceeded` errors).
    fn max_file_size(&self) -> u64 {
        self.inner.limits().max_file_size
    }

    /// Runs the evaluation of `voxscreen eval` on a labels CSV or ASVspoof protocol and returns
    /// its JSON document. `on_done()` is called (with the GIL) as each file finishes.
    #[pyo3(signature = (labels, by=Vec::new(), cache=None, threads=0, root=None, ext="flac".to_string(), c_miss=1.0, c_fa=10.0, p_spoof=0.05, on_done=None))]
    #[allow(clippy::too_many_arguments)]
    fn evaluate(
        &self,
        py: Python<'_>,
        labels: PathBuf,
        by: Vec<String>,
        cache: Option<PathBuf>,
        threads: usize,
        root: Option<PathBuf>,
        ext: String,
        c_miss: f64,
        c_fa: f64,
        p_spoof: f64,
        on_done: Option<Py<PyAny>>,
    ) -> PyResult<String> {
        let opts = voxscreen::eval::RunOptions {
            labels: label_options(root, ext),
            eval: eval_options(py, by, c_miss, c_fa, p_spoof)?,
            cache,
            threads,
        };
        let notify = |_: &Report| {
            if let Some(callback) = &on_done {
                Python::attach(|py| {
                    if let Err(e) = callback.call0(py) {
                        e.write_unraisable(py, None);
                    }
                });
            }
        };
        let screener = &self.inner;
        let out = run_detached(py, || {
            voxscreen::eval::run(screener, &labels, &opts, &mut |_, _| {}, &notify)
        })?;
        serde_json::to_string(&out.report).map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// Name, version and sha256 of the model, as JSON text.
    fn model_info(&self) -> PyResult<String> {
        serde_json::to_string(self.inner.model_info())
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// The model's manifest, as JSON text.
    fn manifest(&self) -> PyResult<String> {
        serde_json::to_string(self.inner.manifest())
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation of results screened elsewhere (voxscreen.dask.evaluate)

fn label_options(root: Option<PathBuf>, ext: String) -> voxscreen::eval::LabelOptions {
    voxscreen::eval::LabelOptions {
        root,
        ext,
        ..Default::default()
    }
}

fn eval_options(
    py: Python<'_>,
    by: Vec<String>,
    c_miss: f64,
    c_fa: f64,
    p_spoof: f64,
) -> PyResult<voxscreen::eval::EvalOptions> {
    let dcf = voxscreen::metrics::DcfParams {
        c_miss,
        c_fa,
        p_spoof,
    };
    dcf.validate().map_err(|e| input_error(py, e))?;
    Ok(voxscreen::eval::EvalOptions { by, dcf })
}

/// Reads a labels file as `voxscreen eval` does and runs its checks before screening; returns
/// the files to screen, in label order.
#[pyfunction]
#[pyo3(signature = (labels, by, root, ext))]
fn eval_files(
    py: Python<'_>,
    labels: PathBuf,
    by: Vec<String>,
    root: Option<PathBuf>,
    ext: String,
) -> PyResult<Vec<String>> {
    run_detached(py, move || {
        let set = voxscreen::eval::load_checked_labels(&labels, &label_options(root, ext), &by)?;
        Ok(set
            .clips
            .iter()
            .map(|c| c.path.display().to_string())
            .collect())
    })
}

/// The `voxscreen eval` JSON document for a labels file and `results`, a JSON array holding one
/// `{verdict, probability_synthetic, error_kind}` per file of [`eval_files`], screened by
/// `model` (JSON `{name, version, sha256}`).
#[pyfunction]
#[pyo3(signature = (labels, by, root, ext, c_miss, c_fa, p_spoof, results, model))]
#[allow(clippy::too_many_arguments)]
fn eval_report(
    py: Python<'_>,
    labels: PathBuf,
    by: Vec<String>,
    root: Option<PathBuf>,
    ext: String,
    c_miss: f64,
    c_fa: f64,
    p_spoof: f64,
    results: &str,
    model: &str,
) -> PyResult<String> {
    let opts = eval_options(py, by, c_miss, c_fa, p_spoof)?;
    let results: Vec<voxscreen::eval::ClipResult> =
        serde_json::from_str(results).map_err(|e| input_error(py, format!("bad results: {e}")))?;
    let model: voxscreen::report::ModelInfo =
        serde_json::from_str(model).map_err(|e| input_error(py, format!("bad model info: {e}")))?;
    let report = run_detached(py, move || {
        let set = voxscreen::eval::load_labels(&labels, &label_options(root, ext))?;
        voxscreen::eval::evaluate(&set, &results, &model, &opts)
    })?;
    serde_json::to_string(&report).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

// ---------------------------------------------------------------------------------------------
// The command line and the HTML report

/// Runs the `voxscreen` command line (crate `voxscreen-cli`, the same code as the Rust binary)
/// with `argv` (argv[0] is the program name) and returns its exit status. ONNX Runtime is
/// loaded from `library` (the package's `onnxruntime`), so no environment variable is needed.
#[pyfunction]
#[pyo3(signature = (argv, library=None))]
fn cli_main(py: Python<'_>, argv: Vec<OsString>, library: Option<PathBuf>) -> PyResult<i32> {
    let outcome = py.detach(move || {
        catch_unwind(AssertUnwindSafe(|| {
            if let Some(lib) = library {
                // A failure is kept by the runtime and reported (exit status 3) by the command
                // that needs the model.
                let _ = voxscreen::runtime::init(Some(&lib));
            }
            voxscreen_cli::run(argv)
        }))
    });
    outcome.map_err(|payload| {
        exception(
            py,
            INTERNAL,
            format!(
                "internal error in voxscreen (please report): {}",
                panic_message(&*payload)
            ),
        )
    })
}

/// The HTML report of a report given as JSON text: the full document, or with `fragment` the
/// card alone (for a notebook). `model` is the manifest (or .onnx) of the model that screened
/// it (None: the shipped model); `screened_at` the screening time (UTC) to print.
#[pyfunction]
#[pyo3(signature = (report_json, model=None, screened_at=None, fragment=false))]
fn report_html(
    py: Python<'_>,
    report_json: &str,
    model: Option<PathBuf>,
    screened_at: Option<String>,
    fragment: bool,
) -> PyResult<String> {
    let report: Report = serde_json::from_str(report_json)
        .map_err(|e| input_error(py, format!("not a voxscreen report: {e}")))?;
    let manifest = run_detached(py, move || match model {
        None => voxscreen::model::shipped_manifest(),
        Some(p) => Model::from_path(&p).map(|m| m.manifest().clone()),
    })?;
    let render = if fragment {
        voxscreen_cli::html::clip_fragment
    } else {
        voxscreen_cli::html::clip_document
    };
    render(&report, Some(&manifest), screened_at.as_deref())
        .map_err(|e| exception(py, INTERNAL, e.to_string()))
}

#[pymodule]
fn _voxscreen(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyScreener>()?;
    m.add_function(wrap_pyfunction!(init_runtime, m)?)?;
    m.add_function(wrap_pyfunction!(runtime_library, m)?)?;
    m.add_function(wrap_pyfunction!(ort_version, m)?)?;
    m.add_function(wrap_pyfunction!(tool_version, m)?)?;
    m.add_function(wrap_pyfunction!(csv_columns, m)?)?;
    m.add_function(wrap_pyfunction!(manifest_json, m)?)?;
    m.add_function(wrap_pyfunction!(features, m)?)?;
    m.add_function(wrap_pyfunction!(eval_files, m)?)?;
    m.add_function(wrap_pyfunction!(eval_report, m)?)?;
    m.add_function(wrap_pyfunction!(cli_main, m)?)?;
    m.add_function(wrap_pyfunction!(report_html, m)?)?;
    Ok(())
}
