//! The departure queue: a binary min-heap of departures keyed by time.
//!
//! A departure is packed into one `u128`: the time's bit pattern (positive
//! `f64`s order like their bits) above the request's slot, so the heap
//! compares one integer instead of a float and a tie-breaker. Departures at
//! exactly the same time come out by slot; releases at one instant commute,
//! so the order among them changes nothing observable.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A min-queue of `(time, slot)`.
#[derive(Default)]
pub struct Departures {
    heap: BinaryHeap<Reverse<u128>>,
}

impl Departures {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn clear(&mut self) {
        self.heap.clear();
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Adds a departure at `time` (a non-negative time).
    #[inline]
    pub fn push(&mut self, time: f64, slot: u32) {
        debug_assert!(time >= 0.0);
        self.heap
            .push(Reverse((u128::from(time.to_bits()) << 32) | u128::from(slot)));
    }

    /// The earliest departure's time, if any.
    #[inline]
    pub fn peek_time(&self) -> Option<f64> {
        self.heap.peek().map(|r| f64::from_bits((r.0 >> 32) as u64))
    }

    /// Removes and returns the earliest departure.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, u32)> {
        self.heap
            .pop()
            .map(|r| (f64::from_bits((r.0 >> 32) as u64), r.0 as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_order_with_interleaved_pushes() {
        let mut rng = crate::rng::Mt19937::new(3);
        let mut q = Departures::new();
        let mut reference: Vec<f64> = Vec::new();
        let mut now = 0.0f64;
        let mut popped = Vec::new();
        for i in 0..20_000u32 {
            now += rng.uniform() * 0.01;
            // Pop everything due by now, as the event loop does.
            while q.peek_time().is_some_and(|t| t <= now) {
                popped.push(q.pop().unwrap().0);
            }
            let t = now + rng.uniform();
            q.push(t, i);
            reference.push(t);
        }
        while let Some((t, _)) = q.pop() {
            popped.push(t);
        }
        assert!(q.is_empty());
        reference.sort_by(f64::total_cmp);
        assert_eq!(popped, reference);
    }
}
