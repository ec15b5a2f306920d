//! Waiting, in a test, for a state that is reached in the background (a
//! run submitted, running, ended): poll, check, and fail with what was
//! last seen once the time is up.

use std::fmt::Debug;
use std::future::Future;
use std::time::{Duration, Instant};

/// How often the state is looked at.
const POLL: Duration = Duration::from_millis(100);

/// Polls `look` until `ok` holds for what it returns, and returns that;
/// panics after `within` with `never` (what did not happen) and the last
/// value seen.
pub async fn wait_for<T, F>(
    within: Duration,
    never: &str,
    mut look: impl FnMut() -> F,
    ok: impl Fn(&T) -> bool,
) -> T
where
    T: Debug,
    F: Future<Output = T>,
{
    let deadline = Instant::now() + within;
    loop {
        let value = look().await;
        if ok(&value) {
            return value;
        }
        assert!(Instant::now() < deadline, "{never} within {within:?}: {value:#?}");
        tokio::time::sleep(POLL).await;
    }
}
