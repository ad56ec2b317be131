use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most one request per `interval` to each host, across threads: each caller reserves
/// the next free slot under the lock and sleeps outside it.
#[derive(Debug)]
pub(crate) struct HostPacer {
    interval: Duration,
    next: Mutex<HashMap<String, Instant>>,
}

impl HostPacer {
    pub(crate) fn new(interval: Duration) -> HostPacer {
        HostPacer {
            interval,
            next: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn wait(&self, host: &str) {
        if self.interval.is_zero() {
            return;
        }
        let now = Instant::now();
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let slot = next.get(host).copied().filter(|t| *t > now).unwrap_or(now);
            next.insert(host.to_string(), slot + self.interval);
            slot
        };
        if slot > now {
            std::thread::sleep(slot - now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_requests_to_one_host_only() {
        let p = HostPacer::new(Duration::from_millis(40));
        let t = Instant::now();
        p.wait("a");
        p.wait("b");
        assert!(t.elapsed() < Duration::from_millis(40));
        p.wait("a");
        p.wait("a");
        assert!(t.elapsed() >= Duration::from_millis(80));
    }
}
