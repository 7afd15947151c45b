// TEMP STUB
use crate::Result;
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureKind { Lfcc, LogSpectrogram }
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FeatureSpec { pub kind: FeatureKind, pub sample_rate: u32, pub n_fft: usize, pub win_length: usize, pub hop_length: usize, pub n_filters: usize, pub n_coeffs: usize, pub deltas: bool, pub cmn: bool }
pub struct FeatureExtractor { spec: FeatureSpec }
impl FeatureExtractor {
    pub fn new(spec: &FeatureSpec) -> Result<FeatureExtractor> { Ok(FeatureExtractor{spec: spec.clone()}) }
    pub fn spec(&self) -> &FeatureSpec { &self.spec }
    pub fn n_frames(&self, n: usize) -> usize { if n < self.spec.win_length {0} else {1 + (n-self.spec.win_length)/self.spec.hop_length} }
    pub fn n_rows(&self) -> usize { 60 }
    pub fn model_input_into(&self, _window: &[f32], _out: ndarray::ArrayViewMut2<f32>) {}
    pub fn model_input(&self, _window: &[f32]) -> ndarray::Array2<f32> { todo!() }
}
