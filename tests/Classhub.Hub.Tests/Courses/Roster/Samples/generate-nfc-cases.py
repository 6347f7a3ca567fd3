#!/usr/bin/env python3
"""Writes nfc-cases.txt: reference NFC results from Python's unicodedata for UnicodeNfcTests.

Run: python3 generate-nfc-cases.py (deterministic: fixed seed).
"""
import random
import unicodedata as ud

random.seed(15)
bases = [chr(c) for c in list(range(0x41, 0x5B)) + list(range(0x61, 0x7B)) + list(range(0x391, 0x3AA)) + list(range(0x410, 0x450))
         + [0x915, 0x1100, 0x1161, 0xAC00, 0x05D0, 0x0F40]]
marks = [chr(c) for c in list(range(0x300, 0x316)) + [0x323, 0x327, 0x328, 0x31B, 0x345, 0x93C, 0x11A8, 0x1161, 0x0F71, 0x0F72, 0x05B8, 0x344, 0x340]]
precomposed = [chr(c) for c in range(0x20, 0x30000) if not 0xD800 <= c <= 0xDFFF and ud.normalize("NFD", chr(c)) != chr(c)]
lines = ["# source code points;NFC code points (from Python unicodedata " + ud.unidata_version + ")"]


def add(s):
    n = ud.normalize("NFC", s)
    lines.append(" ".join(f"{ord(c):04X}" for c in s) + ";" + " ".join(f"{ord(c):04X}" for c in n))


for _ in range(400):  # decomposed text with shuffled marks: reordering and blocking
    add("".join(random.choice(bases) + "".join(random.sample(marks, random.randint(0, 3))) for _ in range(random.randint(1, 3))))
for _ in range(400):  # real decomposable characters (exclusions and singletons included), precomposed and as NFD
    s = "".join(random.choice(precomposed) for _ in range(random.randint(1, 3)))
    add(s)
    add(ud.normalize("NFD", s))
open("nfc-cases.txt", "w").write("\n".join(lines) + "\n")
