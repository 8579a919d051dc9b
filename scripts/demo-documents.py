#!/usr/bin/python3
"""Writes the four SOP documents of a demo application into DIR: the request letter, the BSrE
request form and the SK copy as small one-page PDFs (a real xref table, so viewers open them),
and the KTP copy as a PNG "scan". They are what intake accepts: PDF/JPEG/PNG by their bytes.

  demo-documents.py DIR "Full Name" NIK
"""
import os
import struct
import sys
import zlib


def pdf(title, lines):
    text = ["BT /F1 16 Tf 72 760 Td (%s) Tj ET" % title]
    y = 730
    for line in lines:
        text.append("BT /F1 11 Tf 72 %d Td (%s) Tj ET" % (y, line.replace("(", "[").replace(")", "]")))
        y -= 18
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png(width, height):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            border = x < 4 or y < 4 or x >= width - 4 or y >= height - 4
            photo = width * 0.65 < x < width * 0.92 and height * 0.2 < y < height * 0.8
            rows += bytes((40, 60, 140) if border else (150, 150, 150) if photo else (200, 220, 245))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    out, name, nik = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    files = {
        "letter.pdf": pdf("Surat Permohonan Sertifikat Elektronik",
                          ["Kepada Yth. Kepala Dinas Komunikasi dan Informatika",
                           "Dengan hormat, kami mengajukan permohonan sertifikat elektronik",
                           "atas nama %s (NIK %s)." % (name, nik)]),
        "form.pdf": pdf("Formulir Permohonan Sertifikat Elektronik BSrE",
                        ["Nama: %s" % name, "NIK: %s" % nik]),
        "sk.pdf": pdf("Surat Keputusan Pengangkatan", ["Menetapkan: %s" % name]),
        "ktp.png": png(428, 270),
    }
    for fname, data in files.items():
        with open(os.path.join(out, fname), "wb") as f:
            f.write(data)
        print(os.path.join(out, fname))


if __name__ == "__main__":
    main()
