//! Which imported globals are legitimate, which are known code-execution primitives.
//!
//! The lists are data (`policy/builtin.toml`, embedded at build time) so that users can
//! extend them with a file of the same schema instead of patching code.

use serde::Deserialize;

use crate::error::PolicyError;

const BUILTIN: &str = include_str!("../policy/builtin.toml");

/// How a single imported global is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// On the allowlist: rebuilds data, runs nothing of the file's choosing.
    Allowed,
    /// Not on either list: the loader would import and possibly call it.
    Unknown,
    /// A known code-execution, file or network primitive.
    Denied,
}

/// Allow/deny lists of dotted `module.name` patterns.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    allow: Vec<Pattern>,
    deny: Vec<Pattern>,
}

#[derive(Debug, Clone)]
struct Pattern {
    /// Dotted segments; for a wildcard pattern the trailing `*` is dropped.
    segments: Vec<String>,
    wildcard: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default)]
    allow: Section,
    #[serde(default)]
    deny: Section,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    #[serde(default)]
    globals: Vec<String>,
}

impl Policy {
    /// The built-in lists shipped with leakscope.
    pub fn builtin() -> Policy {
        // Parsed once per process; callers may ask for it per file.
        static CACHE: std::sync::OnceLock<Policy> = std::sync::OnceLock::new();
        // The embedded file is checked by a unit test; an empty policy (everything
        // unknown ⇒ suspicious) is the safe fallback should it ever fail to parse.
        CACHE
            .get_or_init(|| Policy::from_toml(BUILTIN).unwrap_or_default())
            .clone()
    }

    /// Parse a policy file (`[allow] globals = [...]`, `[deny] globals = [...]`).
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let file: PolicyFile =
            toml::from_str(text).map_err(|e| PolicyError::Parse(e.to_string()))?;
        let mut policy = Policy::default();
        for g in &file.allow.globals {
            policy.allow.push(Pattern::parse(g)?);
        }
        for g in &file.deny.globals {
            let p = Pattern::parse(g)?;
            if p.wildcard {
                // A deny prefix already covers everything below it; `x.*` is just `x`.
                policy.deny.push(Pattern {
                    segments: p.segments,
                    wildcard: false,
                });
            } else {
                policy.deny.push(p);
            }
        }
        Ok(policy)
    }

    /// Add the entries of `other` to this policy (user config on top of the built-in).
    pub fn extend(&mut self, other: Policy) {
        self.allow.extend(other.allow);
        self.deny.extend(other.deny);
    }

    /// The built-in policy extended by a user file.
    pub fn builtin_with(text: &str) -> Result<Policy, PolicyError> {
        let mut p = Policy::builtin();
        p.extend(Policy::from_toml(text)?);
        Ok(p)
    }

    /// The built-in policy extended by the policy file at `path`.
    pub fn builtin_with_file(path: &std::path::Path) -> Result<Policy, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Policy::builtin_with(&text)
    }

    /// Number of (allow, deny) entries, for diagnostics.
    pub fn len(&self) -> (usize, usize) {
        (self.allow.len(), self.deny.len())
    }

    /// Whether both lists are empty.
    pub fn is_empty(&self) -> bool {
        self.allow.is_empty() && self.deny.is_empty()
    }

    /// Classify `module` + `name` as a pickle `find_class` would resolve them.
    pub fn classify(&self, module: &str, name: &str) -> (Class, Option<String>) {
        let normalised = normalise_module(module);
        let module_segs: Vec<&str> = normalised.split('.').collect();
        let name_segs: Vec<&str> = name.split('.').collect();
        let mut all: Vec<&str> = module_segs.clone();
        all.extend(name_segs.iter().copied());

        for d in &self.deny {
            if d.matches_deny(&all, module_segs.len()) {
                return (
                    Class::Denied,
                    Some(format!("{} is a known dangerous import", d.display())),
                );
            }
        }
        if self.allow.iter().any(|a| a.matches_allow(&all)) {
            return (Class::Allowed, None);
        }
        // Reaching a dunder attribute through a global (`x.__globals__`,
        // `x.__subclasses__`, `x.__builtins__`) is how sandboxes are escaped; no
        // serializer emits it for real data.
        if name_segs
            .iter()
            .any(|s| s.len() > 4 && s.starts_with("__") && s.ends_with("__"))
        {
            return (
                Class::Denied,
                Some(format!("{}.{} reaches a dunder attribute", module, name)),
            );
        }
        (Class::Unknown, None)
    }
}

/// Python 2 module names that `pickle` maps to their Python 3 homes (fix_imports).
fn normalise_module(module: &str) -> String {
    let (root, rest) = match module.split_once('.') {
        Some((r, rest)) => (r, Some(rest)),
        None => (module, None),
    };
    let mapped = match root {
        "__builtin__" | "exceptions" => "builtins",
        "copy_reg" => "copyreg",
        "cPickle" => "pickle",
        "__main__" => "__main__",
        "urllib2" => "urllib",
        "httplib" => "http",
        "SocketServer" => "socketserver",
        "Queue" => "queue",
        other => other,
    };
    match rest {
        Some(rest) => format!("{mapped}.{rest}"),
        None => mapped.to_string(),
    }
}

impl Pattern {
    fn parse(text: &str) -> Result<Pattern, PolicyError> {
        let t = text.trim();
        let (body, wildcard) = match t.strip_suffix(".*") {
            Some(b) => (b, true),
            None => (t, false),
        };
        if body.is_empty() || body.split('.').any(|s| s.is_empty() || s.contains('*')) {
            return Err(PolicyError::Pattern(text.to_string()));
        }
        Ok(Pattern {
            segments: body.split('.').map(str::to_string).collect(),
            wildcard,
        })
    }

    fn display(&self) -> String {
        let s = self.segments.join(".");
        if self.wildcard {
            format!("{s}.*")
        } else {
            s
        }
    }

    fn prefix_at(&self, all: &[&str], start: usize) -> bool {
        all.len() >= start + self.segments.len()
            && self.segments.iter().zip(&all[start..]).all(|(p, s)| p == s)
    }

    /// Allow: exact match, or anything under a wildcard prefix. Never a suffix match:
    /// `collections.OrderedDict.__init__.__globals__` must not ride on an allow entry.
    fn matches_allow(&self, all: &[&str]) -> bool {
        if self.wildcard {
            all.len() > self.segments.len() && self.prefix_at(all, 0)
        } else {
            all.len() == self.segments.len() && self.prefix_at(all, 0)
        }
    }

    /// Deny: the pattern as a prefix of the path (`os` covers `os.system`) at the
    /// root, or anywhere a module can be reached by attribute traversal. A single
    /// segment pattern (`os`, `code`) only matches the root module or inside the
    /// *name* part, so legitimate packages with a sub-module called `code` or
    /// `types` are not denied; multi-segment patterns match at any boundary.
    fn matches_deny(&self, all: &[&str], module_len: usize) -> bool {
        if self.prefix_at(all, 0) {
            return true;
        }
        let first_start = if self.segments.len() == 1 {
            module_len
        } else {
            1
        };
        (first_start.max(1)..all.len()).any(|i| self.prefix_at(all, i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses() {
        let p = Policy::from_toml(BUILTIN).expect("builtin policy parses");
        let (a, d) = p.len();
        assert!(a > 100 && d > 100, "{a} {d}");
    }

    #[test]
    fn classification() {
        let p = Policy::builtin();
        assert_eq!(p.classify("os", "system").0, Class::Denied);
        assert_eq!(p.classify("posix", "system").0, Class::Denied);
        assert_eq!(p.classify("__builtin__", "eval").0, Class::Denied);
        assert_eq!(p.classify("builtins", "set").0, Class::Allowed);
        assert_eq!(
            p.classify("torch._utils", "_rebuild_tensor_v2").0,
            Class::Allowed
        );
        assert_eq!(
            p.classify("torch.nn.modules.linear", "Linear").0,
            Class::Allowed
        );
        assert_eq!(p.classify("torch.hub", "load").0, Class::Denied);
        assert_eq!(p.classify("torch", "hub.load").0, Class::Denied);
        assert_eq!(
            p.classify("numpy.testing._private.utils", "os.system").0,
            Class::Denied
        );
        assert_eq!(
            p.classify("collections", "OrderedDict.__init__.__globals__")
                .0,
            Class::Denied
        );
        assert_eq!(p.classify("mypkg.models", "Net").0, Class::Unknown);
        assert_eq!(
            p.classify("torch.jit._pickle", "restore_type_tag").0,
            Class::Allowed
        );
        assert_eq!(p.classify("torch.jit", "load").0, Class::Denied);
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Policy>();
        // single-segment deny entries do not fire on an inner module of the same name
        assert_eq!(p.classify("transformers.code", "Config").0, Class::Unknown);
    }

    #[test]
    fn user_extension() {
        let p = Policy::builtin_with(
            "[allow]\nglobals = [\"mypkg.models.Net\"]\n[deny]\nglobals = [\"collections.OrderedDict\"]\n",
        )
        .expect("parses");
        assert_eq!(p.classify("mypkg.models", "Net").0, Class::Allowed);
        assert_eq!(p.classify("collections", "OrderedDict").0, Class::Denied);
        assert!(Policy::from_toml("[allow]\nglobals=[\"a..b\"]").is_err());
        assert!(Policy::from_toml("[nope]\n").is_err());
    }
}
