//! Criterion benchmarks of each pipeline stage and of the whole pipeline.
//! Run with `cargo bench --bench pipeline` (needs ONNX Runtime, see DEVELOPERS.md).

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ndarray::Array3;
use voxscreen::decode::Decoder;
use voxscreen::features::FeatureExtractor;
use voxscreen::model::{Classifier, Model};
use voxscreen::resample::Resampler;
use voxscreen::{Limits, Screener};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/clips")
        .join(name)
}

/// Ten seconds of a speech-like signal at `rate`.
fn signal(rate: u32) -> Vec<f32> {
    (0..rate as usize * 10)
        .map(|i| {
            let t = i as f32 / rate as f32;
            0.2 * (2.0 * std::f32::consts::PI * 140.0 * t).sin() * (1.0 + (6.0 * t).sin())
        })
        .collect()
}

fn decode_all(path: &Path) -> usize {
    let mut decoder = Decoder::open_path(path, Limits::default()).unwrap();
    let mut out = Vec::new();
    let mut n = 0;
    while decoder.read_mono(&mut out).unwrap() {
        n += out.len();
        out.clear();
    }
    n
}

fn bench_decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    for name in [
        "genuine_congrats.flac",
        "genuine_options.mp3",
        "genuine_voicenote.ogg",
        "synthetic_espeak.wav",
    ] {
        let path = example(name);
        group.bench_function(name, |b| b.iter(|| decode_all(&path)));
    }
    group.finish();
}

fn bench_resample(c: &mut Criterion) {
    let input = signal(44100);
    let mut group = c.benchmark_group("resample");
    group.throughput(Throughput::Elements(input.len() as u64));
    group.bench_function("44100_to_16000_10s", |b| {
        b.iter(|| {
            let mut r = Resampler::new(44100, 16000).unwrap();
            let mut out = Vec::new();
            r.process(&input, &mut out).unwrap();
            r.finish(&mut out).unwrap();
            out.len()
        })
    });
    group.finish();
}

fn bench_features(c: &mut Criterion) {
    let model = Model::shipped().unwrap();
    let extractor = FeatureExtractor::new(&model.manifest().features).unwrap();
    let window = &signal(16000)[..model.manifest().window_samples()];
    c.bench_function("features/model_input_one_window", |b| {
        b.iter(|| extractor.model_input(window))
    });
}

fn bench_inference(c: &mut Criterion) {
    let model = Model::shipped().unwrap();
    let extractor = FeatureExtractor::new(&model.manifest().features).unwrap();
    let window = &signal(16000)[..model.manifest().window_samples()];
    let input = extractor.model_input(window);
    let classifier = Classifier::new(model, 1).unwrap();
    let mut group = c.benchmark_group("inference");
    for batch in [1usize, 16] {
        let mut x = Array3::<f32>::zeros((batch, input.nrows(), input.ncols()));
        for mut row in x.outer_iter_mut() {
            row.assign(&input);
        }
        group.throughput(Throughput::Elements(batch as u64));
        group.bench_function(format!("batch_{batch}"), |b| {
            b.iter(|| classifier.logits(x.view()).unwrap())
        });
    }
    group.finish();
}

fn bench_end_to_end(c: &mut Criterion) {
    let screener = Screener::from_default().unwrap();
    let path = example("genuine_congrats.flac");
    let mut group = c.benchmark_group("end_to_end");
    group.sample_size(20);
    group.bench_function("genuine_congrats.flac_20s", |b| {
        b.iter(|| screener.screen_path(&path).unwrap())
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_decode,
    bench_resample,
    bench_features,
    bench_inference,
    bench_end_to_end
);
criterion_main!(benches);
