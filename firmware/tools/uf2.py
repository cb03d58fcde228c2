#!/usr/bin/env python3
"""Converts a flat flash image (objcopy -O binary) into a UF2 file for the RP2040 bootrom.

    uf2.py firmware.bin firmware.uf2 [--base 0x10000000] [--family 0xE48BFF56]

Every block is 512 bytes: the UF2 header (magic 0x0A324655, 0x9E5D5157; flags 0x2000 = family ID
present; target address; payload size 256; block number; block count; family), 256 bytes of payload, zero
padding to 476 bytes of data area, and the final magic 0x0AB16F30. The image is cut into 256-byte pages
at 256-byte-aligned addresses; the last page is padded with zeros. Python standard library only.
"""
import argparse
import struct
import sys

MAGIC_START0 = 0x0A324655
MAGIC_START1 = 0x9E5D5157
MAGIC_END = 0x0AB16F30
FLAG_FAMILY_ID_PRESENT = 0x00002000
RP2040_FAMILY_ID = 0xE48BFF56
PAYLOAD_BYTES = 256
DATA_AREA_BYTES = 476
FLASH_BASE = 0x10000000
FLASH_BYTES = 2 * 1024 * 1024


def uf2_blocks(image: bytes, base: int, family: int) -> bytes:
    if base % PAYLOAD_BYTES != 0:
        raise ValueError(f"base address 0x{base:08x} is not 256-byte aligned")
    pages = [image[i:i + PAYLOAD_BYTES] for i in range(0, len(image), PAYLOAD_BYTES)]
    out = bytearray()
    for number, page in enumerate(pages):
        payload = page + bytes(PAYLOAD_BYTES - len(page))
        header = struct.pack("<8I", MAGIC_START0, MAGIC_START1, FLAG_FAMILY_ID_PRESENT,
                             base + number * PAYLOAD_BYTES, PAYLOAD_BYTES, number, len(pages), family)
        out += header + payload + bytes(DATA_AREA_BYTES - PAYLOAD_BYTES) + struct.pack("<I", MAGIC_END)
    return bytes(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", help="flat binary image")
    parser.add_argument("output", help="UF2 file to write")
    parser.add_argument("--base", type=lambda s: int(s, 0), default=FLASH_BASE, help="address of the image's first byte")
    parser.add_argument("--family", type=lambda s: int(s, 0), default=RP2040_FAMILY_ID)
    parser.add_argument("--flash-bytes", type=lambda s: int(s, 0), default=FLASH_BYTES,
                        help="flash size the image must fit (default 2 MiB, a Raspberry Pi Pico's W25Q16)")
    args = parser.parse_args()
    with open(args.image, "rb") as f:
        image = f.read()
    if not image:
        print(f"error: {args.image} is empty", file=sys.stderr)
        return 1
    if args.base == FLASH_BASE and len(image) > args.flash_bytes:
        print(f"error: {args.image} is {len(image)} bytes, larger than the {args.flash_bytes}-byte flash; "
              "shrink the firmware (or the model store) before flashing", file=sys.stderr)
        return 1
    with open(args.output, "wb") as f:
        f.write(uf2_blocks(image, args.base, args.family))
    return 0


if __name__ == "__main__":
    sys.exit(main())
