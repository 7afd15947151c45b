//! voxscreen screens audio clips for synthetic speech (deepfake audio).
//!
//! The pipeline has one module per stage: [`decode`] → [`resample`] → [`segment`] →
//! [`features`] → [`model`] → [`scores`] → [`report`], glued by [`pipeline`] and driven by the
//! [`Screener`]. [`conditions`] measures what weakens a verdict (bandwidth, clipping, level).
//!
//! ```no_run
//! let screener = voxscreen::Screener::from_default()?;
//! let report = screener.screen_path(std::path::Path::new("clip.mp3"))?;
//! println!("{}", serde_json::to_string(&report).unwrap());
//! # Ok::<(), voxscreen::Error>(())
//! ```

pub mod conditions;
pub mod decode;
pub mod error;
pub mod eval;
pub mod features;
pub mod limits;
pub mod metrics;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod resample;
pub mod runtime;
pub mod scores;
pub mod screener;
pub mod segment;

pub use error::{Error, Result};
pub use limits::Limits;
pub use model::{Manifest, Model};
pub use report::{Flag, Reason, Report, Verdict};
pub use screener::Screener;
