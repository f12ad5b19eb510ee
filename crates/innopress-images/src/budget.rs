//! The memory pictures may take while they are decoded. Each picture's decoded size is
//! known from its header before a pixel is read, so a picture over [`MAX_PIXELS`] or
//! [`MAX_DECODED_BYTES`] is refused at its path, and the pictures decoded in parallel share
//! [`SHARED_BYTES`]: a large one waits until the others have given their part back, so the
//! build's peak stays under the sum however many cores there are.

use std::sync::{Condvar, Mutex};

/// The most pixels a picture may have: 64 megapixels, more than any phone photo (48 MP) or
/// most cameras' (61 MP), far more than the 1,600 px wide variants need.
pub const MAX_PIXELS: u64 = 64_000_000;

/// The most bytes a picture may take decoded (its pixels at its own bit depth): 256 MiB, a
/// 64-megapixel picture at 8 bits per channel with transparency. A 16-bit picture halves
/// the pixels allowed.
pub const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

/// The most bytes all pictures decoded at the same moment take together: 512 MiB, so the
/// largest picture allowed (its decoded pixels and their 8-bit copy) is decoded alone.
pub const SHARED_BYTES: u64 = 512 * 1024 * 1024;

/// The largest picture file read at all, checked before reading: 256 MiB.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Why a picture is too large, or `None` when it may be decoded: `width` × `height` pixels
/// of `bytes_per_pixel` bytes each.
pub fn too_large(width: u32, height: u32, bytes_per_pixel: u64) -> Option<String> {
    let pixels = u64::from(width) * u64::from(height);
    let mp = |p: u64| format!("{:.1}", p as f64 / 1e6);
    if pixels > MAX_PIXELS {
        return Some(format!(
            "this picture is {width} × {height} pixels ({} megapixels), more than the {} megapixels innopress decodes",
            mp(pixels),
            mp(MAX_PIXELS)
        ));
    }
    let bytes = pixels.saturating_mul(bytes_per_pixel);
    if bytes > MAX_DECODED_BYTES {
        return Some(format!(
            "this picture takes {} MiB once decoded ({width} × {height} pixels of {bytes_per_pixel} bytes), more than the {} MiB innopress decodes",
            bytes / (1024 * 1024),
            MAX_DECODED_BYTES / (1024 * 1024)
        ));
    }
    None
}

/// What to tell someone whose picture is too large.
pub const RESIZE_HINT: &str = "resize it to at most 4,000 pixels on its longest side (the largest variant published is 1,600 px wide) and save it as an 8-bit JPEG or PNG";

static IN_USE: Mutex<u64> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

/// A part of [`SHARED_BYTES`], given back when dropped.
#[derive(Debug)]
pub struct Share(u64);

/// Waits until `bytes` of the shared budget are free and takes them. A request larger than
/// the whole budget waits until nothing else is decoding, then runs alone.
pub fn take(bytes: u64) -> Share {
    let bytes = bytes.min(SHARED_BYTES);
    // a poisoned lock only means another decoder panicked; the count is still right
    let mut used = IN_USE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    while *used + bytes > SHARED_BYTES {
        used = FREED
            .wait(used)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
    }
    *used += bytes;
    Share(bytes)
}

impl Drop for Share {
    fn drop(&mut self) {
        let mut used = IN_USE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *used -= self.0;
        FREED.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked_from_the_size_alone() {
        assert!(too_large(8000, 6000, 3).is_none());
        assert!(too_large(8000, 8000, 4).is_none());
        let huge = too_large(16_000, 16_000, 8).unwrap();
        assert!(huge.contains("256.0 megapixels"), "{huge}");
        let deep = too_large(6000, 6000, 8).unwrap();
        assert!(deep.contains("274 MiB"), "{deep}");
    }

    #[test]
    fn shares_wait_for_each_other_and_never_exceed_the_budget() {
        let big = take(SHARED_BYTES / 2 + 1);
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = done.clone();
        let waiter = std::thread::spawn(move || {
            let _second = take(SHARED_BYTES / 2 + 1);
            flag.load(std::sync::atomic::Ordering::SeqCst)
        });
        std::thread::sleep(std::time::Duration::from_millis(100));
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        drop(big);
        assert!(
            waiter.join().unwrap(),
            "the second share waited for the first"
        );
        let _whole = take(u64::MAX);
    }
}
