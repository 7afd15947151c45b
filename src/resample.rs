// TEMP STUB
use crate::Result;
pub struct Resampler;
impl Resampler {
    pub fn new(_f: u32, _t: u32) -> Result<Resampler> { Ok(Resampler) }
    pub fn process(&mut self, input: &[f32], out: &mut Vec<f32>) -> Result<()> { out.extend_from_slice(input); Ok(()) }
    pub fn finish(&mut self, _out: &mut Vec<f32>) -> Result<()> { Ok(()) }
}
