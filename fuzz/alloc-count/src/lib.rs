//! Empty: the allocation counts are in `tests/allocations.rs`.
