//! Connection slots: at most [`PER_SERVER`] requests of one scan in flight
//! to one server at once, what browsers allow per host over HTTP/1.1.
//!
//! The auxiliary wave after the document is up to 12 requests to the page's
//! own server. Opened all at once they overflow the accept queue of servers
//! that accept one connection at a time (Python's `http.server` listens with
//! a backlog of 5, and busy servers behave alike): the kernel drops the SYNs
//! past it and the client sends them again a second later, so every page
//! with more than a few same-origin subresources took about a second longer
//! (tests/integration/timings.test.mjs). Six at a time costs a far-away
//! origin no extra round trip: the probes and the first subresources go in
//! the first six, the http:// probe's redirect and the rest in the next.
//!
//! Single-threaded by design: the isolate's one thread polls every future.
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::task::{Poll, Waker};

pub const PER_SERVER: usize = 6;

/// One server's slots.
#[derive(Default)]
pub struct Slots {
    taken: Cell<usize>,
    waiting: RefCell<Vec<Waker>>,
}

/// One taken slot; dropping it frees the slot and wakes the waiters.
pub struct Slot(Rc<Slots>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.taken.set(self.0.taken.get().saturating_sub(1));
        // Every waiter polls again and one wins. There are a handful at
        // most, and waking all cannot lose a wake-up to a stale waker.
        let waiting = std::mem::take(&mut *self.0.waiting.borrow_mut());
        for w in waiting {
            w.wake();
        }
    }
}

impl Slots {
    /// Waits for a free slot.
    pub fn take(slots: Rc<Slots>) -> impl Future<Output = Slot> {
        std::future::poll_fn(move |cx| {
            if slots.taken.get() < PER_SERVER {
                slots.taken.set(slots.taken.get() + 1);
                Poll::Ready(Slot(slots.clone()))
            } else {
                slots.waiting.borrow_mut().push(cx.waker().clone());
                Poll::Pending
            }
        })
    }

    /// Slots taken now.
    pub fn taken(&self) -> usize {
        self.taken.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::pin;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::{Context, Wake};

    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn the_seventh_waits_until_one_of_six_is_given_back() {
        let slots = Rc::new(Slots::default());
        let woken = Arc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(woken.clone());
        let mut cx = Context::from_waker(&waker);
        let mut held = Vec::new();
        for _ in 0..PER_SERVER {
            let mut f = pin!(Slots::take(slots.clone()));
            match f.as_mut().poll(&mut cx) {
                Poll::Ready(s) => held.push(s),
                Poll::Pending => panic!("a free slot was refused"),
            }
        }
        assert_eq!(slots.taken(), PER_SERVER);
        let mut seventh = pin!(Slots::take(slots.clone()));
        assert!(seventh.as_mut().poll(&mut cx).is_pending());
        assert_eq!(woken.0.load(Ordering::SeqCst), 0);
        held.pop();
        assert_eq!(woken.0.load(Ordering::SeqCst), 1, "giving a slot back wakes the waiter");
        let Poll::Ready(_seventh) = seventh.as_mut().poll(&mut cx) else { panic!("the freed slot was not given") };
        assert_eq!(slots.taken(), PER_SERVER);
    }

    #[test]
    fn dropped_slots_are_given_back() {
        let slots = Rc::new(Slots::default());
        let waker = Waker::from(Arc::new(Count(AtomicUsize::new(0))));
        let mut cx = Context::from_waker(&waker);
        for _ in 0..3 * PER_SERVER {
            let mut f = pin!(Slots::take(slots.clone()));
            assert!(matches!(f.as_mut().poll(&mut cx), Poll::Ready(_)));
        }
        assert_eq!(slots.taken(), 0);
    }
}
