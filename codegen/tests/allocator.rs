//! The library never sets a global allocator: only the binaries
//! (src/main.rs, command/src/main.rs) choose mimalloc, so a build.rs that
//! links the library keeps its own. A program with two global allocators
//! fails to link, so this test program (which sets one) building at all is
//! the main check; the test also shows the library's allocations reach it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts allocations and hands them to the system allocator.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the counter has no effect on the memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same layout as given to us, forwarded.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn the_library_uses_the_allocator_of_the_program_that_links_it() {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let (spec, diagnostics) = feishu_codegen::load::load_str(
        "allocator.yaml",
        "service: demo\nversion: v1\nresources: {}\n",
    );
    assert!(
        ALLOCATIONS.load(Ordering::Relaxed) > before,
        "loading a spec allocated nothing through the program's allocator"
    );
    // The spec itself is beside the point; it only has to be processed.
    assert!(spec.is_some() || !diagnostics.is_empty());
}
