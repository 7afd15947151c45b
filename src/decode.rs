// TEMP STUB (helper delivers the real one)
use crate::{Result, Limits};
#[derive(Debug, Clone)]
pub struct StreamInfo { pub codec: String, pub container: String, pub sample_rate: u32, pub channels: u32, pub lossy: bool }
pub struct Decoder { info: StreamInfo }
impl Decoder {
    pub fn open_path(_path: &std::path::Path, _limits: Limits) -> Result<Decoder> { todo!() }
    pub fn open_bytes(_bytes: Vec<u8>, _extension: Option<&str>, _limits: Limits) -> Result<Decoder> { todo!() }
    pub fn info(&self) -> &StreamInfo { &self.info }
    pub fn read_mono(&mut self, _out: &mut Vec<f32>) -> Result<bool> { todo!() }
    pub fn frames_decoded(&self) -> u64 { 0 }
}
