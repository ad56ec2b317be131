//! One file per credential issuer, each implementing its documented read-only identity
//! call.

mod aws;
mod azure;
mod common;
mod github;
mod gitlab;
mod huggingface;
mod npm;
mod openai;
mod sendgrid;
mod slack;
mod stripe;

pub use aws::Aws;
pub use azure::{Azure, AzureCheck};
pub use github::GitHub;
pub use gitlab::GitLab;
pub use huggingface::HuggingFace;
pub use npm::Npm;
pub use openai::OpenAi;
pub use sendgrid::SendGrid;
pub use slack::Slack;
pub use stripe::Stripe;
