//! A connection whose writes must make progress: when the client stops reading (its buffers
//! full, every write waiting) for longer than the deadline, the write fails and the
//! connection is dropped, so a client that asks for a large file and never reads it cannot
//! hold the server's memory or one of its connections.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// `inner` with a deadline on each stalled write, flush or shutdown.
pub struct Deadline<T> {
    inner: T,
    limit: Duration,
    /// Started when a write first waits; cleared when one goes through.
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<T> Deadline<T> {
    pub fn new(inner: T, limit: Duration) -> Deadline<T> {
        Deadline {
            inner,
            limit,
            stalled: None,
        }
    }

    /// What a waiting write becomes: still waiting, or an error once the deadline passed.
    fn waited<R>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        if poll.is_ready() {
            self.stalled = None;
            return poll;
        }
        let limit = self.limit;
        let timer = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Deadline<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Deadline<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.waited(cx, poll)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.waited(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.waited(cx, poll)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_reader_that_never_reads_is_dropped_after_the_deadline() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let far = tokio::net::TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (near, _) = listener.accept().await.unwrap();
        let mut near = Deadline::new(near, Duration::from_millis(300));
        let chunk = vec![0u8; 64 * 1024];
        let mut stalled_at = None;
        let result = loop {
            let write = std::future::poll_fn(|cx| {
                let poll = Pin::new(&mut near).poll_write(cx, &chunk);
                if poll.is_pending() && stalled_at.is_none() {
                    stalled_at = Some(std::time::Instant::now());
                }
                poll
            });
            if let Err(e) = write.await {
                break e;
            }
        };
        assert_eq!(result.kind(), io::ErrorKind::TimedOut);
        let waited = stalled_at.unwrap().elapsed();
        assert!(waited >= Duration::from_millis(250), "{waited:?}");
        drop(far);
    }
}
