#!/usr/bin/python3
"""Known answers for src/data/rng.test.ts, transcribed from the published algorithms and not from
kensa's code:

- xoshiro128** 1.1: Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c (next());
- fmix32, the 32-bit finaliser of MurmurHash3 (Appleby, smhasher, MurmurHash3.cpp): shifts 16, 13,
  16 and multipliers 0x85ebca6b, 0xc2b2ae35;
- 0x9e3779b9 = floor(2^32 / golden ratio), the 32-bit golden-gamma increment of SplitMix
  (Steele, Lea & Flood, OOPSLA 2014);
- doubles in [0, 1) from two 32-bit words, (a >> 5) * 2^26 + (b >> 6) over 2^53 (genrand_res53 of
  MT19937, Matsumoto & Nishimura).

kensa's seeding (src/data/rng.ts) composes them as follows, which this script writes out:
  mix(x)  = fmix32(x + 0x9e3779b9 mod 2^32)            ("splitmix32" in rng.ts)
  h       = mix(seed)                                   (hashSeed(seed), seed < 2^32)
  s0..s3  = mix(h), mix(s0), mix(s1), mix(s2)           (each word is mix of the previous word)
That expansion is NOT the SplitMix generator: SplitMix advances a Weyl counter, state += gamma, and
outputs fmix(state), so the words would be fmix(seed + k*gamma), k = 1..4 (printed below as
"splitmix32 Weyl seeding" for comparison). kensa feeds each output back as the next input and
hashes the seed once more first. The test pins kensa's construction as written above.

Run: python3 scripts/transcribe-rng.py   (any Python 3; no packages)"""

M = 0xFFFFFFFF


def fmix32(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M
    h ^= h >> 16
    return h


def mix(x):
    return fmix32((x + 0x9E3779B9) & M)


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M


class Xoshiro128StarStar:
    def __init__(self, s):
        self.s = list(s)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 9) & M
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def res53(self):
        a = self.next() >> 5
        b = self.next() >> 6
        return (a * 67108864 + b) / 9007199254740992


def kensa_state(seed):
    x = mix(seed & M)
    words = []
    for _ in range(4):
        x = mix(x)
        words.append(x)
    return words


def main():
    g = Xoshiro128StarStar([1, 2, 3, 4])
    print('xoshiro128** from state [1, 2, 3, 4]:', [g.next() for _ in range(6)])
    st = kensa_state(42)
    print('seed 42 state (kensa seeding):', st)
    g = Xoshiro128StarStar(st)
    print('seed 42 nextU32 x4:', [g.next() for _ in range(4)])
    g = Xoshiro128StarStar(st)
    print('seed 42 next() x2 (res53):', [repr(g.res53()) for _ in range(2)])
    print('splitmix32 Weyl seeding of 42, for comparison:', [fmix32((42 + k * 0x9E3779B9) & M) for k in range(1, 5)])


if __name__ == '__main__':
    main()
