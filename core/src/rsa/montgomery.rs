//! Fixed-size Montgomery arithmetic for the RSA public operation, in safe Rust.
//!
//! Integers are `[u64; N]` little-endian limbs (N = 32, 48, 64 for 2048, 3072, 4096 bits).
//! Everything here works on public values (the modulus, the exponent and the signature of a
//! token), so it runs in variable time; nothing secret ever reaches it.
//!
//! Why not crypto-bigint's generic loop: 16 of the 17 operations of `s^65537 mod n` are
//! squarings, and the cost is the 64×64-bit products and their carry chains. Here a
//! squaring computes each off-diagonal product once (doubled afterwards), and both the
//! product and the Montgomery reduction process [`BLOCK`] rows at a time with a
//! three-word column accumulator, so the steady inner loop has one fixed, fully unrolled
//! shape: `BLOCK` products into registers per output word, one load and one store of the
//! output word per `BLOCK` rows instead of per row. Head and tail columns of a block, and
//! the rows left over when `N` is not a multiple of `BLOCK`, take slower generic paths.
//!
//! Key preparation computes `R² mod n` (`R = 2^(64N)`) by word-wise long division of
//! `2^(128N)` and `-n⁻¹ mod 2⁶⁴` by Newton iteration, both a few microseconds at most.

/// Rows processed per step. Six multipliers, a three-word accumulator, the pointers and
/// `rdx:rax` for `mul` just fit the 16 x86-64 registers; eight spill without BMI2.
const BLOCK: usize = 6;

/// The largest limb count (4096 bits).
pub(crate) const MAX_LIMBS: usize = 64;

/// Scratch for a double-width product plus one carry word.
const WIDE: usize = 2 * MAX_LIMBS + 1;

/// The low 64 bits of a 128-bit value.
#[inline(always)]
#[allow(clippy::cast_possible_truncation)] // Truncation to the low word is the point.
const fn lo(x: u128) -> u64 {
    x as u64
}

/// The high 64 bits of a 128-bit value.
#[inline(always)]
#[allow(clippy::cast_possible_truncation)] // The shifted value fits in 64 bits.
const fn hi(x: u128) -> u64 {
    (x >> 64) as u64
}

/// `a * b` as 128 bits; cannot overflow.
#[inline(always)]
const fn wide_mul(a: u64, b: u64) -> u128 {
    (a as u128).wrapping_mul(b as u128)
}

/// A three-word column accumulator for product scanning: the column's word in `low` (its
/// high half always zero) and the words above it in `high`.
///
/// Adding the low half to the word, then `high half + carry` (which cannot overflow) into
/// `high`, compiles to one `add`, `adc`, `adc 0` chain per product; other shapes compile
/// to slower code (docs/performance.md, "Own Montgomery arithmetic"). A column adds at most
/// [`BLOCK`] + 2 terms, far below overflow.
#[derive(Clone, Copy, Default)]
struct Acc {
    low: u128,
    high: u128,
}

impl Acc {
    #[inline(always)]
    fn add_product(&mut self, a: u64, b: u64) {
        let p = wide_mul(a, b);
        let (word, carry) = lo(self.low).overflowing_add(lo(p));
        self.low = u128::from(word);
        let above = hi(p).wrapping_add(u64::from(carry));
        self.high = self.high.wrapping_add(u128::from(above));
    }

    #[inline(always)]
    fn add_word(&mut self, x: u64) {
        let (word, carry) = lo(self.low).overflowing_add(x);
        self.low = u128::from(word);
        self.high = self.high.wrapping_add(u128::from(carry));
    }

    /// The column's word so far.
    #[inline(always)]
    fn low_word(&self) -> u64 {
        lo(self.low)
    }

    /// Returns the column's output word and carries the rest into the next column.
    #[inline(always)]
    fn shift_out(&mut self) -> u64 {
        let out = lo(self.low);
        self.low = u128::from(lo(self.high));
        self.high = u128::from(hi(self.high));
        out
    }

    /// The pending carry as one 128-bit value.
    #[inline(always)]
    fn carry(&self) -> u128 {
        self.low.wrapping_add(self.high << 64)
    }
}

/// Adds the two-word `carry` into `t` from its first word, rippling as far as needed.
///
/// The callers size `t` so the running sum never exceeds it (see [`Modulus::reduce`]).
#[inline]
fn propagate(t: &mut [u64], carry: u128) {
    let mut carry = carry;
    for word in t.iter_mut() {
        if carry == 0 {
            return;
        }
        let sum = u128::from(*word).wrapping_add(carry);
        *word = lo(sum);
        carry = u128::from(hi(sum));
    }
    debug_assert!(carry == 0, "carry out of the scratch buffer");
}

/// `t += x * y` for `K`-word `x` and `y` of at least `K` words, by product scanning:
/// every column of the product gets its (up to) `K` products summed in registers, then is
/// added to `t` once. `t` must reach at least `K + y.len()` words past its start; the final
/// carry ripples into the rest of `t`. (Not `inline(always)`, for debug-build stack size.)
fn mul_add_block<const K: usize>(t: &mut [u64], x: &[u64; K], y: &[u64]) {
    let len = y.len();
    if len < K || t.len() < K.saturating_add(len) {
        debug_assert!(false, "mul_add_block: operand shorter than the block");
        return;
    }
    let mut acc = Acc::default();
    let (head, rest) = t.split_at_mut(K.saturating_sub(1));
    // Head columns c < K - 1: products x[k] * y[c - k] for k <= c.
    for (c, word) in head.iter_mut().enumerate() {
        acc.add_word(*word);
        let ys = y.iter().take(c.saturating_add(1)).rev();
        for (&a, &b) in x.iter().zip(ys) {
            acc.add_product(a, b);
        }
        *word = acc.shift_out();
    }
    // Steady columns: exactly K products, x[k] * y[c - k].
    let steady = len.saturating_sub(K).saturating_add(1);
    let (body, rest) = rest.split_at_mut(steady);
    for (word, window) in body.iter_mut().zip(y.windows(K)) {
        acc.add_word(*word);
        for (&a, &b) in x.iter().zip(window.iter().rev()) {
            acc.add_product(a, b);
        }
        *word = acc.shift_out();
    }
    // Tail columns: x[k] * y[c - k] for k > c - len.
    let tail_y = y
        .get(len.saturating_sub(K).saturating_add(1)..)
        .unwrap_or(&[]);
    let (tail, rest) = rest.split_at_mut(K.saturating_sub(1));
    for (skip, word) in tail.iter_mut().enumerate() {
        acc.add_word(*word);
        let ys = tail_y.iter().skip(skip).rev();
        for (&a, &b) in x.iter().skip(skip.saturating_add(1)).zip(ys) {
            acc.add_product(a, b);
        }
        *word = acc.shift_out();
    }
    propagate(rest, acc.carry());
}

/// `t += x * y` for a single word `x`; the carry ripples into the rest of `t`.
#[inline(always)]
fn mul_add_row(t: &mut [u64], x: u64, y: &[u64]) {
    let mut carry = 0u64;
    let (body, rest) = t.split_at_mut(y.len().min(t.len()));
    for (word, &b) in body.iter_mut().zip(y) {
        let sum = wide_mul(x, b)
            .wrapping_add(u128::from(*word))
            .wrapping_add(u128::from(carry));
        *word = lo(sum);
        carry = hi(sum);
    }
    propagate(rest, u128::from(carry));
}

/// `t += x * y` for `x` of any length, `BLOCK` rows at a time where `y` is long enough.
fn mul_add(t: &mut [u64], x: &[u64], y: &[u64]) {
    let mut blocks = x.chunks_exact(BLOCK);
    let mut offset = 0usize;
    for block in blocks.by_ref() {
        let Some(t) = t.get_mut(offset..) else { return };
        match <&[u64; BLOCK]>::try_from(block) {
            Ok(block) if y.len() >= BLOCK => mul_add_block(t, block, y),
            _ => rows(t, block, y),
        }
        offset = offset.saturating_add(BLOCK);
    }
    if let Some(t) = t.get_mut(offset..) {
        rows(t, blocks.remainder(), y);
    }
}

/// `t += x * y` one row of `x` at a time.
fn rows(t: &mut [u64], x: &[u64], y: &[u64]) {
    for (i, &a) in x.iter().enumerate() {
        if let Some(t) = t.get_mut(i..) {
            mul_add_row(t, a, y);
        }
    }
}

/// `t = a²` (`t` zeroed, `2 * a.len() + 1` words): off-diagonal products once, doubled,
/// plus the diagonal.
fn square_into(t: &mut [u64], a: &[u64]) {
    let n = a.len();
    let mut start = 0usize;
    while start < n {
        let size = BLOCK.min(n.saturating_sub(start));
        let end = start.saturating_add(size);
        let (Some(block), Some(rest)) = (a.get(start..end), a.get(end..)) else {
            return;
        };
        // Inside the block: a[start + r] * a[start + r + 1 .. end].
        for (r, &x) in block.iter().enumerate() {
            let position = start.saturating_add(r).saturating_mul(2).saturating_add(1);
            let (Some(t), Some(y)) = (t.get_mut(position..), block.get(r.saturating_add(1)..))
            else {
                return;
            };
            mul_add_row(t, x, y);
        }
        // The block's rows against every later word: a[start + r] * a[end + j] lands at
        // start + r + end + j.
        let Some(t) = t.get_mut(start.saturating_add(end)..) else {
            return;
        };
        match <&[u64; BLOCK]>::try_from(block) {
            Ok(block) if rest.len() >= BLOCK => mul_add_block(t, block, rest),
            _ => rows(t, block, rest),
        }
        start = end;
    }
    // Double the off-diagonal sum and add the diagonal a[i]² at 2i.
    let mut shifted_in = 0u64;
    let mut carry = 0u128;
    for (pair, &x) in t.chunks_exact_mut(2).zip(a) {
        let [low, high] = pair else { return };
        // The shift frees the low bit, so adding the bit shifted in sets it.
        let doubled_low = (*low << 1).wrapping_add(shifted_in);
        let doubled_high = (*high << 1).wrapping_add(*low >> 63);
        shifted_in = *high >> 63;
        let sum = wide_mul(x, x)
            .wrapping_add(u128::from(doubled_low))
            .wrapping_add(carry);
        *low = lo(sum);
        // x² + doubled_low + carry < 2^128, and the high half plus doubled_high < 2^65.
        let sum = u128::from(hi(sum)).wrapping_add(u128::from(doubled_high));
        *high = lo(sum);
        carry = u128::from(hi(sum));
    }
    if let Some(top) = t.get_mut(n.saturating_mul(2)) {
        *top = lo(carry).wrapping_add(shifted_in);
    }
}

/// A modulus with its Montgomery constants, `N` 64-bit limbs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Modulus<const N: usize> {
    /// `n`, odd, little-endian limbs.
    n: [u64; N],
    /// `-n⁻¹ mod 2⁶⁴`.
    n0_inv: u64,
    /// `R² mod n` with `R = 2^(64N)`.
    r2: [u64; N],
}

impl<const N: usize> Modulus<N> {
    /// Prepares an odd modulus above one. `None` otherwise, or if `N` is not a supported
    /// size.
    pub(crate) fn new(n: [u64; N]) -> Option<Self> {
        if N < BLOCK || N > MAX_LIMBS || !is_odd_above_one(&n) {
            return None;
        }
        let n0_inv = neg_inverse(*n.first()?);
        let r2 = pow2_words_mod(&n, N.checked_mul(2)?)?;
        Some(Self { n, n0_inv, r2 })
    }

    /// Takes a modulus with constants computed elsewhere (by `embed_product_key!`, on the
    /// build host, with [`Modulus::new`]) after checking that they belong to it, in about
    /// one Montgomery reduction (`N²` word products, where `s^65537` takes about `28 N²`)
    /// instead of the long division [`Modulus::new`] makes.
    ///
    /// `quotient` is `k = ⌊R / n⌋` (`R = 2^(64N)`), little-endian, as short as it may be
    /// (one word, `1`, for a modulus of exactly `64N` bits). The checks, all exact:
    ///
    /// 1. `n₀ · n0_inv ≡ −1 (mod 2⁶⁴)`: `n0_inv` is `−n⁻¹ mod 2⁶⁴` (and `n` is odd), so
    ///    the reduction below computes `REDC(t) = t · R⁻¹ mod n`, fully reduced, for any
    ///    `t < n · R`.
    /// 2. `n > 1` (with 1., `n` is a modulus Montgomery arithmetic works with) and `r2 < n`.
    /// 3. `y = REDC(r2)`, so `y < n` and `y ≡ r2 · R⁻¹ (mod n)`.
    /// 4. `y + k · n = R` exactly (for `k = 1`, `y + n = R`, without a multiplication).
    ///    With `0 ≤ y < n`, this makes `y = R mod n` (and `k = ⌊R / n⌋`), whatever `k` was
    ///    given; so `r2 · R⁻¹ ≡ R`, that is `r2 ≡ R² (mod n)`, and with 2., `r2 = R² mod n`.
    ///
    /// The product `k · n` costs `N` word products per word of `k`: none for the key sizes
    /// AWS Marketplace uses (`k = 1`), `N²/3` at most (a 2049-bit modulus in the 3072-bit
    /// class).
    ///
    /// `None` if any check fails, or if a slice is not `N` limbs long. The result is boxed
    /// straight from the slices, so the limbs are copied once.
    pub(crate) fn from_parts(
        n: &[u64],
        n0_inv: u64,
        r2: &[u64],
        quotient: &[u64],
    ) -> Option<alloc::boxed::Box<Self>> {
        let modulus = alloc::boxed::Box::new(Self {
            n: n.try_into().ok()?,
            n0_inv,
            r2: r2.try_into().ok()?,
        });
        modulus.constants_hold(quotient).then_some(modulus)
    }

    /// The checks of [`Modulus::from_parts`].
    fn constants_hold(&self, quotient: &[u64]) -> bool {
        self.constants_hold_or_none(quotient).unwrap_or(false)
    }

    /// [`Modulus::constants_hold`], `None` for a failed check before the reduction.
    fn constants_hold_or_none(&self, quotient: &[u64]) -> Option<bool> {
        let (n, n0_inv, r2) = (&self.n, self.n0_inv, &self.r2);
        if N < BLOCK || N > MAX_LIMBS || !is_odd_above_one(n) {
            return None;
        }
        if n.first()?.wrapping_mul(n0_inv) != u64::MAX || !less_than(r2, n) {
            return None;
        }
        if quotient.is_empty() || quotient.len() > N {
            return None;
        }
        let modulus = self;
        // y = REDC(r2): r2 in the low words of the scratch, the rest zero.
        let mut scratch = [0u64; WIDE];
        let t = scratch.get_mut(..N.checked_mul(2)?.checked_add(1)?)?;
        t.get_mut(..N)?.copy_from_slice(&modulus.r2);
        let y = modulus.reduce(t);
        // k · n + y, which must be R. For the usual k = 1 (a modulus of exactly 64N bits),
        // n + y = R with no multiplication.
        let is_r = if quotient == [1] {
            sums_to_power_of_two(&modulus.n, &y)
        } else {
            // k · n < 2^(64 (N + len k)); its words from N up must be zero.
            let mut product = [0u64; WIDE];
            let product = product.get_mut(..N.checked_add(quotient.len())?)?;
            mul_add(product, quotient, &modulus.n);
            let (low, high) = product.split_at(N);
            high.iter().all(|&w| w == 0) && sums_to_power_of_two(low, &y)
        };
        Some(is_r)
    }

    /// `−n⁻¹ mod 2⁶⁴`, as [`Modulus::new`] computed it.
    pub(crate) fn n0_inv(&self) -> u64 {
        self.n0_inv
    }

    /// `R² mod n`, little-endian limbs, as [`Modulus::new`] computed it.
    pub(crate) fn r2(&self) -> &[u64; N] {
        &self.r2
    }

    /// `k = ⌊R / n⌋` (`R = 2^(64N)`), little-endian, without high zero words: what
    /// [`Modulus::from_parts`] takes to check `R² mod n`. By exact division of `R − (R mod
    /// n)` by `n`, one quotient word at a time from the bottom (each word `t₀ · n⁻¹ mod 2⁶⁴`).
    /// For the build host (`embed_product_key!`); `None` only if the arithmetic is wrong.
    pub(crate) fn r_quotient(&self) -> Option<alloc::vec::Vec<u64>> {
        // t = R - (R mod n), below R since n > 1 is odd (so R mod n is not zero).
        let r1 = pow2_words_mod(&self.n, N)?;
        let mut t = [0u64; N];
        sub_assign(&mut t, &r1);
        let n_inv = self.n0_inv.wrapping_neg();
        let mut k = alloc::vec![0u64; N];
        for (i, digit) in k.iter_mut().enumerate() {
            let rest = t.get_mut(i..)?;
            *digit = rest.first()?.wrapping_mul(n_inv);
            // rest -= digit · n, modulo 2^(64 (N - i)): the low word becomes zero.
            let mut product = [0u64; WIDE];
            let product = product.get_mut(..rest.len().checked_add(1)?)?;
            rows(product, &[*digit], self.n.get(..rest.len())?);
            sub_assign(rest, product.get(..rest.len())?);
        }
        if t.iter().any(|&w| w != 0) {
            return None;
        }
        let len = k.iter().rposition(|&w| w != 0)?.checked_add(1)?;
        k.truncate(len);
        Some(k)
    }

    /// The modulus, little-endian limbs.
    pub(crate) fn limbs(&self) -> &[u64; N] {
        &self.n
    }

    /// Montgomery reduction of `t` (`2N + 1` words, value below `n · R`): returns
    /// `t · R⁻¹ mod n`, fully reduced.
    ///
    /// Each block of rows adds `m_k · n · 2^(64(i + k))` for `K` reduction digits `m_k`,
    /// computed one after another in the block's head columns; the steady columns then
    /// sum `K` products each. The running sum only grows towards its final value, which is
    /// below `2n · R < 2^(128N + 1)`, so `2N + 1` words always hold it.
    fn reduce(&self, t: &mut [u64]) -> [u64; N] {
        let mut start = 0usize;
        while start.saturating_add(BLOCK) <= N {
            if let Some(t) = t.get_mut(start..) {
                self.reduce_block::<BLOCK>(t);
            }
            start = start.saturating_add(BLOCK);
        }
        if let Some(t) = t.get_mut(start..) {
            match N.saturating_sub(start) {
                1 => self.reduce_block::<1>(t),
                2 => self.reduce_block::<2>(t),
                3 => self.reduce_block::<3>(t),
                4 => self.reduce_block::<4>(t),
                5 => self.reduce_block::<5>(t),
                _ => {}
            }
        }
        let mut out = [0u64; N];
        let (Some(high), Some(&top)) = (t.get(N..N.saturating_mul(2)), t.get(N.saturating_mul(2)))
        else {
            return out;
        };
        out.copy_from_slice(high);
        if top != 0 || !less_than(&out, &self.n) {
            sub_assign(&mut out, &self.n);
        }
        out
    }

    /// One block of `K` reduction rows at the start of `t`.
    ///
    /// Not `inline(always)`: in debug builds every inlined copy keeps its own stack slots,
    /// and six copies in `reduce` overflowed the 64 KiB stack the README promises.
    fn reduce_block<const K: usize>(&self, t: &mut [u64]) {
        let n = &self.n;
        let mut m = [0u64; K];
        let mut acc = Acc::default();
        if t.len() < N.saturating_add(K) {
            debug_assert!(false, "reduce_block: scratch too short");
            return;
        }
        let (head, rest) = t.split_at_mut(K);
        // Head: column c gets m[k] * n[c - k] for k < c, then m[c] makes it zero.
        for (c, word) in head.iter_mut().enumerate() {
            acc.add_word(*word);
            let ns = n.iter().take(c.saturating_add(1)).rev();
            for (&a, &b) in m.iter().take(c).zip(ns) {
                acc.add_product(a, b);
            }
            let digit = acc.low_word().wrapping_mul(self.n0_inv);
            if let Some(slot) = m.get_mut(c) {
                *slot = digit;
            }
            acc.add_product(digit, *n.first().unwrap_or(&0));
            *word = 0;
            let _ = acc.shift_out();
        }
        // Steady columns K..N: K products each, m[k] * n[c - k].
        let (body, rest) = rest.split_at_mut(N.saturating_sub(K));
        for (word, window) in body.iter_mut().zip(n.get(1..).unwrap_or(&[]).windows(K)) {
            acc.add_word(*word);
            for (&a, &b) in m.iter().zip(window.iter().rev()) {
                acc.add_product(a, b);
            }
            *word = acc.shift_out();
        }
        // Tail columns N..N+K-1: m[k] * n[c - k] for k > c - N.
        let tail_n = n
            .get(N.saturating_sub(K).saturating_add(1)..)
            .unwrap_or(&[]);
        let (tail, rest) = rest.split_at_mut(K.saturating_sub(1).min(rest.len()));
        for (skip, word) in tail.iter_mut().enumerate() {
            acc.add_word(*word);
            let ns = tail_n.iter().skip(skip).rev();
            for (&a, &b) in m.iter().skip(skip.saturating_add(1)).zip(ns) {
                acc.add_product(a, b);
            }
            *word = acc.shift_out();
        }
        propagate(rest, acc.carry());
    }

    /// Montgomery multiplication: `a · b · R⁻¹ mod n` for `a, b < n`.
    pub(crate) fn mul(&self, a: &[u64; N], b: &[u64; N]) -> [u64; N] {
        let mut scratch = [0u64; WIDE];
        let Some(t) = scratch.get_mut(..N.saturating_mul(2).saturating_add(1)) else {
            return [0; N];
        };
        mul_add(t, a, b);
        self.reduce(t)
    }

    /// Montgomery squaring: `a² · R⁻¹ mod n` for `a < n`.
    pub(crate) fn square(&self, a: &[u64; N]) -> [u64; N] {
        let mut scratch = [0u64; WIDE];
        let Some(t) = scratch.get_mut(..N.saturating_mul(2).saturating_add(1)) else {
            return [0; N];
        };
        square_into(t, a);
        self.reduce(t)
    }

    /// `base^exponent mod n` for `base < n`, by left-to-right square-and-multiply in
    /// variable time (the exponent and the base are public).
    ///
    /// The last step of an odd exponent is a multiplication; multiplying by the plain base
    /// there, `REDC(base^(e-1)·R · base) = base^e mod n`, leaves Montgomery form without a
    /// separate conversion.
    pub(crate) fn pow(&self, base: &[u64; N], exponent: u64) -> [u64; N] {
        let mut one = [0u64; N];
        if let Some(first) = one.first_mut() {
            *first = 1;
        }
        if exponent == 0 {
            return one;
        }
        let base_monty = self.mul(base, &self.r2);
        let mut acc = base_monty;
        let top = u64::BITS.saturating_sub(exponent.leading_zeros());
        for bit in (0..top.saturating_sub(1)).rev() {
            acc = self.square(&acc);
            if (exponent >> bit) & 1 == 1 {
                acc = if bit == 0 {
                    return self.mul(&acc, base);
                } else {
                    self.mul(&acc, &base_monty)
                };
            }
        }
        // Even exponent: leave Montgomery form.
        self.mul(&acc, &one)
    }
}

/// The bit length of a little-endian number (0 for zero).
pub(crate) fn bit_length(x: &[u64]) -> usize {
    match x.iter().rposition(|&w| w != 0) {
        None => 0,
        Some(top) => top
            .saturating_mul(64)
            .saturating_add(64)
            .saturating_sub(x.get(top).map_or(0, |w| w.leading_zeros() as usize)),
    }
}

/// Whether `a + b = 2^(64 · len)` exactly, for `a` and `b` of the same length `len`: every
/// word of the sum zero, and a carry out of the top.
fn sums_to_power_of_two(a: &[u64], b: &[u64]) -> bool {
    let mut carry = false;
    for (&x, &y) in a.iter().zip(b) {
        let (sum, c1) = x.overflowing_add(y);
        let (sum, c2) = sum.overflowing_add(u64::from(carry));
        if sum != 0 {
            return false;
        }
        carry = c1 || c2;
    }
    a.len() == b.len() && carry
}

/// Whether `n` is odd and above one (Montgomery arithmetic needs an odd modulus; one is
/// not a modulus).
fn is_odd_above_one(n: &[u64]) -> bool {
    match n.split_first() {
        Some((&low, rest)) => low & 1 == 1 && (low > 1 || rest.iter().any(|&w| w != 0)),
        None => false,
    }
}

/// `-x⁻¹ mod 2⁶⁴` for odd `x`, by Newton iteration: `y ← y(2 - xy)` doubles the number of
/// correct low bits; `y = 3x ⊕ 2` is right to five bits, so four steps reach 64.
fn neg_inverse(x: u64) -> u64 {
    let mut y = x.wrapping_mul(3) ^ 2;
    for _ in 0..4 {
        y = y.wrapping_mul(2u64.wrapping_sub(x.wrapping_mul(y)));
    }
    y.wrapping_neg()
}

/// Whether `a < b`, both little-endian and of equal length.
pub(crate) fn less_than(a: &[u64], b: &[u64]) -> bool {
    a.iter().rev().cmp(b.iter().rev()) == core::cmp::Ordering::Less
}

/// `a -= b` modulo `2^(64·len)`; returns the borrow out.
fn sub_assign(a: &mut [u64], b: &[u64]) -> bool {
    let mut borrow = false;
    for (x, &y) in a.iter_mut().zip(b) {
        let (d, b1) = x.overflowing_sub(y);
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        *x = d;
        borrow = b1 || b2;
    }
    borrow
}

/// `a += b` modulo `2^(64·len)`; returns the carry out.
fn add_assign(a: &mut [u64], b: &[u64]) -> bool {
    let mut carry = false;
    for (x, &y) in a.iter_mut().zip(b) {
        let (s, c1) = x.overflowing_add(y);
        let (s, c2) = s.overflowing_add(u64::from(carry));
        *x = s;
        carry = c1 || c2;
    }
    carry
}

/// `2^(64·words) mod n` by schoolbook long division, one quotient word per step (Knuth's
/// algorithm D on a dividend whose words are all zero but the top one): `R² mod n` with
/// `words = 2N`, `R mod n` with `words = N`. `words` must be at least the length of `n`.
///
/// The divisor is normalised (shifted so its top bit is set), which bounds each estimated
/// quotient word to at most two above the true one; each excess costs one add-back.
fn pow2_words_mod<const N: usize>(n: &[u64; N], words: usize) -> Option<[u64; N]> {
    // The significant words of n.
    let len = n.iter().rposition(|&w| w != 0)?.checked_add(1)?;
    let shift = n.get(len.checked_sub(1)?)?.leading_zeros();
    let mut divisor = [0u64; N];
    let divisor = divisor.get_mut(..len)?;
    shl_into(divisor, n.get(..len)?, shift);
    let d_top = *divisor.last()?;
    // Dividend 2^(64·words + shift): word `words` is 2^shift, the rest zero. Start the
    // remainder with its top `len` words, then bring down the remaining words + 1 - len
    // zero words.
    let mut remainder = [0u64; N];
    let remainder = remainder.get_mut(..len)?;
    *remainder.last_mut()? = 1u64 << shift;
    if !less_than(remainder, divisor) {
        sub_assign(remainder, divisor);
    }
    let steps = words.checked_add(1)?.checked_sub(len)?;
    for _ in 0..steps {
        // u = remainder · 2^64: the top word moves out, a zero comes in.
        let top = *remainder.last()?;
        remainder.copy_within(..len.checked_sub(1)?, 1);
        *remainder.first_mut()? = 0;
        // Estimate q from the top two words of u over the top word of the divisor.
        let next = *remainder.last()?;
        let q = if top >= d_top {
            u64::MAX
        } else {
            let numerator = (u128::from(top) << 64).wrapping_add(u128::from(next));
            lo(numerator.checked_div(u128::from(d_top))?)
        };
        // u -= q · divisor.
        let mut product_carry = 0u64;
        let mut borrow = false;
        for (word, &d) in remainder.iter_mut().zip(divisor.iter()) {
            let p = wide_mul(q, d).wrapping_add(u128::from(product_carry));
            product_carry = hi(p);
            let (x, b1) = word.overflowing_sub(lo(p));
            let (x, b2) = x.overflowing_sub(u64::from(borrow));
            *word = x;
            borrow = b1 || b2;
        }
        let mut top = top
            .wrapping_sub(product_carry)
            .wrapping_sub(u64::from(borrow));
        // At most two add-backs while the partial remainder is negative.
        for _ in 0..2 {
            if top == 0 {
                break;
            }
            let carry = add_assign(remainder, divisor);
            top = top.wrapping_add(u64::from(carry));
        }
        if top != 0 {
            return None;
        }
    }
    // Undo the normalisation.
    let mut out = [0u64; N];
    shr_into(out.get_mut(..len)?, remainder, shift);
    Some(out)
}

/// `out = x << shift` (same length, `shift < 64`, no bits lost by construction).
fn shl_into(out: &mut [u64], x: &[u64], shift: u32) {
    let mut below = 0u64;
    for (o, &w) in out.iter_mut().zip(x) {
        *o = if shift == 0 {
            w
        } else {
            // The two parts have no bit in common.
            (w << shift).wrapping_add(below >> 64u32.wrapping_sub(shift))
        };
        below = w;
    }
}

/// `out = x >> shift` (same length, `shift < 64`).
fn shr_into(out: &mut [u64], x: &[u64], shift: u32) {
    let mut above = 0u64;
    for (o, &w) in out.iter_mut().zip(x).rev() {
        *o = if shift == 0 {
            w
        } else {
            (w >> shift).wrapping_add(above << 64u32.wrapping_sub(shift))
        };
        above = w;
    }
}

/// Reads big-endian bytes into little-endian limbs; `None` if they do not fit.
pub(crate) fn from_be_bytes<const N: usize>(bytes: &[u8]) -> Option<[u64; N]> {
    if bytes.len() > N.checked_mul(8)? {
        return None;
    }
    let mut limbs = [0u64; N];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.rchunks(8)) {
        let mut word = [0u8; 8];
        word.get_mut(8usize.checked_sub(chunk.len())?..)?
            .copy_from_slice(chunk);
        *limb = u64::from_be_bytes(word);
    }
    Some(limbs)
}

/// Writes `limbs` big-endian into `out`, which must hold the value: every byte of the value
/// above `out.len()` must be zero. Returns `false` (and leaves `out` partly written) if not.
pub(crate) fn to_be_bytes_exact<const N: usize>(limbs: &[u64; N], out: &mut [u8]) -> bool {
    let mut bytes = limbs.iter().flat_map(|w| w.to_le_bytes());
    for slot in out.iter_mut().rev() {
        *slot = bytes.next().unwrap_or(0);
    }
    bytes.all(|b| b == 0)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)] // Test arithmetic on small, known values.
mod tests {
    //! Everything against crypto-bigint 0.7 (`FixedMontyParams`, `FixedMontyForm`): the
    //! constants, single operations and whole exponentiations, for moduli of every size
    //! class including moduli much shorter than their class and edge-shaped words.
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;
    use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
    use crypto_bigint::{Odd, U64, Uint};
    use proptest::prelude::*;

    const EXPONENTS: [u64; 12] = [
        0,
        1,
        2,
        3,
        4,
        5,
        17,
        257,
        65536,
        65537,
        (1 << 33) - 1,
        u64::MAX,
    ];

    fn params<const N: usize>(n: &[u64; N]) -> FixedMontyParams<N> {
        FixedMontyParams::new_vartime(Odd::new(Uint::from_words(*n)).unwrap())
    }

    /// Constants, one squaring, one multiplication and `base^e` for each of `exponents`.
    fn check<const N: usize>(n: [u64; N], bases: &[[u64; N]], exponents: &[u64]) {
        let ours = Modulus::new(n).unwrap();
        let reference = params(&n);
        assert_eq!(&ours.r2, reference.r2().as_words(), "R² mod n");
        assert_eq!(ours.n0_inv, reference.mod_neg_inv().0, "-n⁻¹ mod 2⁶⁴");
        check_parts(&ours);
        for base in bases {
            let b = FixedMontyForm::from_montgomery(Uint::from_words(*base), &reference);
            assert_eq!(
                &ours.square(base),
                b.square().as_montgomery().as_words(),
                "square"
            );
            let other = bases.first().unwrap();
            let o = FixedMontyForm::from_montgomery(Uint::from_words(*other), &reference);
            assert_eq!(
                &ours.mul(base, other),
                (b * o).as_montgomery().as_words(),
                "mul"
            );
            for &e in exponents {
                let expected = FixedMontyForm::new(&Uint::from_words(*base), &reference)
                    .pow_vartime(&U64::from_u64(e))
                    .retrieve();
                assert_eq!(&ours.pow(base, e), expected.as_words(), "e = {e}");
            }
        }
    }

    /// The constants the build host embeds are accepted by the run-time check and make the
    /// same modulus; changed in any one place, they are refused.
    fn check_parts<const N: usize>(ours: &Modulus<N>) {
        let k = ours.r_quotient().unwrap();
        // k = ⌊R / n⌋ exactly: k · n ≤ R < (k + 1) · n, by the reference arithmetic.
        let mut r_minus_kn = [0u64; N];
        let mut kn = [0u64; WIDE];
        mul_add(&mut kn[..N + k.len() + 1], &k, &ours.n);
        assert!(kn[N..].iter().all(|&w| w == 0), "k · n < R");
        sub_assign(&mut r_minus_kn, &kn[..N]);
        assert!(less_than(&r_minus_kn, &ours.n), "R - k·n < n");
        assert_eq!(k.last().map(|&w| w != 0), Some(true), "no high zero word");
        let back = Modulus::<N>::from_parts(&ours.n, ours.n0_inv, &ours.r2, &k);
        assert_eq!(back.as_deref(), Some(ours));
        // Tampered: each constant off by a little, and R² off by n.
        let mut r2 = ours.r2;
        r2[N / 2] ^= 1;
        assert!(
            Modulus::<N>::from_parts(&ours.n, ours.n0_inv, &r2, &k).is_none(),
            "R² bit"
        );
        let mut r2 = ours.r2;
        if !add_assign(&mut r2, &ours.n) {
            assert!(
                Modulus::<N>::from_parts(&ours.n, ours.n0_inv, &r2, &k).is_none(),
                "R² + n"
            );
        }
        let mut r2 = ours.r2;
        r2[0] = r2[0].wrapping_sub(1);
        assert!(
            Modulus::<N>::from_parts(&ours.n, ours.n0_inv, &r2, &k).is_none(),
            "R² - 1"
        );
        assert!(
            Modulus::<N>::from_parts(&ours.n, ours.n0_inv ^ 4, &ours.r2, &k).is_none(),
            "n0_inv"
        );
        let mut k1 = k.clone();
        k1[0] = k1[0].wrapping_add(1);
        assert!(
            Modulus::<N>::from_parts(&ours.n, ours.n0_inv, &ours.r2, &k1).is_none(),
            "k + 1"
        );
        let mut k1 = k.clone();
        k1[0] = k1[0].wrapping_sub(1);
        assert!(
            Modulus::<N>::from_parts(&ours.n, ours.n0_inv, &ours.r2, &k1).is_none(),
            "k - 1"
        );
        assert!(
            Modulus::<N>::from_parts(&ours.n, ours.n0_inv, &ours.r2, &[]).is_none(),
            "no k"
        );
        let mut n = ours.n;
        n[N - 1] ^= 1 << 7;
        assert!(
            Modulus::<N>::from_parts(&n, ours.n0_inv, &ours.r2, &k).is_none(),
            "n"
        );
    }

    /// `n` with `bits` bits (odd, top bit set) from `words`, and bases below it: the given
    /// words cut below `n`, zero, one and `n - 1`.
    fn modulus_and_bases<const N: usize>(
        words: &[u64],
        bits: usize,
        base_words: &[Vec<u64>],
    ) -> ([u64; N], Vec<[u64; N]>) {
        let cut = |v: &[u64], bits: usize| {
            let mut out = [0u64; N];
            for (i, (o, &w)) in out.iter_mut().zip(v).enumerate() {
                let low = i * 64;
                *o = if low + 64 <= bits {
                    w
                } else if low < bits {
                    w & ((1u64 << (bits - low)) - 1)
                } else {
                    0
                };
            }
            out
        };
        let mut n = cut(words, bits);
        n[0] |= 1;
        n[(bits - 1) / 64] |= 1 << ((bits - 1) % 64);
        let mut minus_one = n;
        minus_one[0] ^= 1;
        let mut one = [0u64; N];
        one[0] = 1;
        let mut bases = vec![minus_one, [0u64; N], one];
        bases.extend(base_words.iter().map(|v| cut(v, bits - 1)));
        (n, bases)
    }

    /// Words biased towards the shapes that stress carries and quotient estimates.
    fn word() -> impl Strategy<Value = u64> {
        prop_oneof![
            4 => any::<u64>(),
            1 => Just(u64::MAX),
            1 => Just(0u64),
            1 => Just(1u64 << 63),
            1 => Just(1u64),
        ]
    }

    fn case<const N: usize>(
        bits: impl Strategy<Value = usize>,
    ) -> impl Strategy<Value = (Vec<u64>, usize, Vec<Vec<u64>>)> {
        (
            proptest::collection::vec(word(), N),
            bits,
            proptest::collection::vec(proptest::collection::vec(word(), N), 1..3),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

        /// 2048-bit class: full-size moduli and any shorter odd modulus.
        #[test]
        fn class_2048((words, bits, bases) in case::<32>(prop_oneof![Just(2048usize), 1980..=2048usize, 2..=2048usize])) {
            let (n, bases) = modulus_and_bases::<32>(&words, bits, &bases);
            check(n, &bases, &[65537, 3]);
        }

        /// 3072-bit class, including the 2049..3071-bit moduli that use it.
        #[test]
        fn class_3072((words, bits, bases) in case::<48>(prop_oneof![Just(3072usize), Just(2049usize), Just(2056usize), 2049..=3072usize, 2..=3072usize])) {
            let (n, bases) = modulus_and_bases::<48>(&words, bits, &bases);
            check(n, &bases, &[65537, 3]);
        }

        /// 4096-bit class, including the 3073..4095-bit moduli that use it.
        #[test]
        fn class_4096((words, bits, bases) in case::<64>(prop_oneof![Just(4096usize), Just(3073usize), 3073..=4096usize, 2..=4096usize])) {
            let (n, bases) = modulus_and_bases::<64>(&words, bits, &bases);
            check(n, &bases, &[65537]);
        }
    }

    /// Every exponent shape, at one modulus per class.
    #[test]
    fn exponents_of_every_shape() {
        let words: Vec<u64> = (0..64u64)
            .map(|i| 0x0123_4567_89ab_cdefu64.rotate_left(i as u32) ^ i)
            .collect();
        let bases = vec![words.iter().rev().copied().collect::<Vec<_>>()];
        let (n, b) = modulus_and_bases::<32>(&words, 2048, &bases);
        check(n, &b, &EXPONENTS);
        let (n, b) = modulus_and_bases::<48>(&words, 2049, &bases);
        check(n, &b, &EXPONENTS);
        let (n, b) = modulus_and_bases::<64>(&words, 4096, &bases);
        check(n, &b, &EXPONENTS);
    }

    /// Every size from one block of the reduction to two: each remainder of `N` modulo
    /// `BLOCK` takes its own tail in `reduce` (the key sizes reach only some of them).
    #[test]
    fn every_tail_of_the_reduction() {
        let words: Vec<u64> = (0..16u64)
            .map(|i| 0x9e37_79b9_7f4a_7c15u64.rotate_left(i as u32 * 5) ^ i)
            .collect();
        let bases = vec![words.iter().rev().copied().collect::<Vec<_>>()];
        fn full_size<const N: usize>(words: &[u64], bases: &[Vec<u64>]) {
            let (n, b) = modulus_and_bases::<N>(words, N * 64, bases);
            check(n, &b, &EXPONENTS);
        }
        full_size::<6>(&words, &bases);
        full_size::<7>(&words, &bases);
        full_size::<8>(&words, &bases);
        full_size::<9>(&words, &bases);
        full_size::<10>(&words, &bases);
        full_size::<11>(&words, &bases);
    }

    /// Moduli whose words are all ones or all zeros below the top: the quotient estimates
    /// of the division hit their bounds.
    #[test]
    fn extreme_moduli() {
        for bits in [2, 3, 63, 64, 65, 127, 128, 129, 1000, 2047, 2048] {
            let (n, b) = modulus_and_bases::<32>(&[u64::MAX; 32], bits, &[vec![u64::MAX; 32]]);
            check(n, &b, &[65537]);
            let (n, b) = modulus_and_bases::<32>(&[0; 32], bits.max(3), &[vec![u64::MAX; 32]]);
            check(n, &b, &[65537]);
        }
    }

    #[test]
    fn refuses_bad_moduli() {
        assert!(Modulus::<32>::new([0; 32]).is_none());
        let mut one = [0u64; 32];
        one[0] = 1;
        assert!(Modulus::new(one).is_none());
        let mut even = [u64::MAX; 32];
        even[0] = 2;
        assert!(Modulus::new(even).is_none());
    }

    #[test]
    fn bytes_round_trip() {
        let bytes: Vec<u8> = (1..=255u8).collect();
        let limbs = from_be_bytes::<32>(&bytes).unwrap();
        let mut out = [0u8; 255];
        assert!(to_be_bytes_exact(&limbs, &mut out));
        assert_eq!(out.as_slice(), bytes.as_slice());
        let mut short = [0u8; 254];
        assert!(!to_be_bytes_exact(&limbs, &mut short));
        assert!(from_be_bytes::<32>(&[1u8; 257]).is_none());
    }
}
