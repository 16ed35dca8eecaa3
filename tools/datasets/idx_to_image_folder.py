#!/usr/bin/env python3
"""Writes the first N images of an MNIST-format dataset (MNIST, Fashion-MNIST) as an image folder:
OUT/train/<class>/<index>.png and OUT/test/<class>/<index>.png, one PNG per image.

An image folder lists its images class by class, the order that once made the search fit pi to classes the
weights never saw; this turns a real dataset into that layout so the search and `parsec study` can be measured on it:

    python3 tools/datasets/idx_to_image_folder.py /usr/share/datasets/fashion-mnist runs/fmnist-folder --train 2000 --test 2000
    parsec study --dataset image-folder --data-dir runs/fmnist-folder --image-size 28 ...

Needs only the Python standard library (PNG written with zlib).
"""
import argparse
import gzip
import os
import struct
import zlib

FASHION_CLASSES = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"]


def read_idx(folder, stem):
    for name in (stem, stem + ".gz"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rb") as f:
                data = f.read()
            zero, dtype, dims = struct.unpack(">HBB", data[:4])
            if zero != 0 or dtype != 0x08:
                raise SystemExit(f"{path}: not an unsigned-byte IDX file")
            shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
            return shape, data[4 + 4 * dims:]
    raise SystemExit(f"{folder}: no {stem}[.gz]")


def png_grey(width, height, pixels):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def write_split(folder, prefix, out, count, names):
    (n, height, width), images = read_idx(folder, f"{prefix}-images-idx3-ubyte")
    (labels_n,), labels = read_idx(folder, f"{prefix}-labels-idx1-ubyte")
    if labels_n != n:
        raise SystemExit(f"{folder}: {n} {prefix} images but {labels_n} labels")
    count = min(count, n)
    plane = height * width
    for i in range(count):
        label = labels[i]
        target = os.path.join(out, names[label] if label < len(names) else str(label))
        os.makedirs(target, exist_ok=True)
        with open(os.path.join(target, f"{i:05d}.png"), "wb") as f:
            f.write(png_grey(width, height, images[i * plane:(i + 1) * plane]))
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="folder holding train-images-idx3-ubyte[.gz] and the other three files")
    parser.add_argument("out", help="image folder to write (train/ and test/ inside)")
    parser.add_argument("--train", type=int, default=2000, help="first N training images")
    parser.add_argument("--test", type=int, default=2000, help="first N test images")
    parser.add_argument("--digits", action="store_true", help="name the classes 0-9 (MNIST) instead of Fashion-MNIST's names")
    args = parser.parse_args()
    names = [str(d) for d in range(10)] if args.digits else [f"{i}-{n}" for i, n in enumerate(FASHION_CLASSES)]
    train = write_split(args.source, "train", os.path.join(args.out, "train"), args.train, names)
    test = write_split(args.source, "t10k", os.path.join(args.out, "test"), args.test, names)
    print(f"wrote {train} training and {test} test images to {args.out}")


if __name__ == "__main__":
    main()
