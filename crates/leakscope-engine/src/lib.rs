//! The matching engine. Knows rules and bytes; knows nothing of files, git or the CLI.
//!
//! Cost per byte does not grow with the number of rules: one Aho-Corasick pass finds every
//! rule keyword (and every decoder trigger); a rule's regex then runs only in small windows
//! around its keywords' hits.

mod allow;
mod decode;
mod engine;
mod position;
mod prefilter;
mod window;

pub use decode::Decoder;
pub use engine::{Engine, EngineError, Match, ScanOutput};
pub use position::LineIndex;
