//! Deterministic 64-bit hashing of words and shingles.
//!
//! Values derived from these hashes (MinHash estimates, band keys) are printed, so they must be
//! the same on every machine and every build. `ahash` makes no such promise, so it only keys
//! in-memory tables; everything that can reach the output goes through this module.

const P0: u64 = 0xa076_1d64_78bd_642f;
const P1: u64 = 0xe703_7ed1_a0b4_28db;
const P2: u64 = 0x8ebc_6af0_9c88_c6e3;

/// Multiplies as 128 bits and folds the halves (the wyhash mixer).
#[inline]
pub fn mum(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    (r as u64) ^ ((r >> 64) as u64)
}

/// A strong 64-bit finaliser (MurmurHash3's fmix64).
#[inline]
pub fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Hashes a byte string with a fixed seed.
#[inline]
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    hash_bytes_with(bytes, |v| v)
}

/// Hashes a byte string as [`hash_bytes`] would hash it after `map` transformed each
/// little-endian eight-byte word (the tail is zero-padded first; `map` must keep zero bytes
/// zero).
#[inline]
pub fn hash_bytes_with(bytes: &[u8], map: impl Fn(u64) -> u64) -> u64 {
    let mut h = seed_for_len(bytes.len());
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let v = u64::from_le_bytes(chunk.try_into().expect("chunk of 8"));
        h = mix_chunk(h, map(v));
    }
    let rest = chunks.remainder();
    if rest.is_empty() {
        return mum(h, P2);
    }
    let mut buf = [0u8; 8];
    buf[..rest.len()].copy_from_slice(rest);
    finish_tail(h, map(u64::from_le_bytes(buf)))
}

/// The state [`hash_bytes`] starts from for `len` bytes.
#[inline]
pub fn seed_for_len(len: usize) -> u64 {
    P0 ^ (len as u64).wrapping_mul(P1)
}

/// One full eight-byte step of [`hash_bytes`].
#[inline]
pub fn mix_chunk(h: u64, v: u64) -> u64 {
    mum(h ^ v, P1)
}

/// The last, zero-padded partial step of [`hash_bytes`], which also finishes it: one
/// multiply-fold (as wyhash finishes), no further finaliser, since every use mixes word hashes
/// again (shingles, seeds, line keys) and words are the hottest loop.
#[inline]
pub fn finish_tail(h: u64, v: u64) -> u64 {
    mum(h ^ v, P2)
}

/// Combines two hashes, order-sensitively.
#[inline]
pub fn combine(a: u64, b: u64) -> u64 {
    mum(a ^ P0, b ^ P2)
}

/// An order-sensitive hash of a sequence of hashes (its length included). Four lanes each fold
/// every fourth item, then the lanes are folded together: one chain of multiplies through every
/// item would wait on each multiply in turn (3% of the doc-level mode's CPU time, where every
/// document's words are fingerprinted), while the lanes run side by side.
pub fn combine_all(mut items: impl ExactSizeIterator<Item = u64>) -> u64 {
    let mut lanes = [items.len() as u64, 1, 2, 3];
    'items: loop {
        for lane in &mut lanes {
            let Some(item) = items.next() else {
                break 'items;
            };
            *lane = combine(*lane, item);
        }
    }
    lanes.into_iter().reduce(combine).expect("four lanes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combine_all_tells_orders_and_lengths_apart() {
        let items: Vec<u64> = (1..=11u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .collect();
        let of = |v: &[u64]| combine_all(v.iter().copied());
        assert_eq!(of(&items), of(&items.clone()));
        let swapped = |i: usize, j: usize| {
            let mut v = items.clone();
            v.swap(i, j);
            of(&v)
        };
        // Items of one lane, of two lanes, and of the last, partial round.
        for (i, j) in [(0, 4), (0, 1), (3, 8), (8, 9)] {
            assert_ne!(swapped(i, j), of(&items), "swap {i} {j}");
        }
        assert_ne!(of(&items[..10]), of(&items));
        assert_ne!(of(&[0]), of(&[0, 0]));
        assert_ne!(of(&[]), of(&[0]));
    }

    /// `hash_bytes(b"dedupe")` as first released: a change here changes every printed estimate.
    const PINNED: u64 = 1_282_858_447_761_648_682;

    #[test]
    fn hashes_are_fixed_across_builds() {
        // Printed values depend on these; a change here changes every estimate in the output.
        assert_eq!(hash_bytes(b""), hash_bytes(b""));
        assert_ne!(hash_bytes(b"a"), hash_bytes(b"b"));
        assert_ne!(hash_bytes(b"abcdefgh1"), hash_bytes(b"abcdefgh2"));
        assert_ne!(combine(1, 2), combine(2, 1));
        assert_eq!(hash_bytes(b"dedupe"), PINNED);
    }
}
