#!/usr/bin/env python3
"""msoffcrypto-tool for the encrypted-workbook tests (agile encryption, [MS-OFFCRYPTO] §2.3.4.10).

    office_crypto.py encrypt IN.xlsx OUT.xlsx PASSWORD [HASH KEYBITS [SPINCOUNT]]
        encrypts with msoffcrypto-tool; by default as it does (SHA512, AES-256, 100,000 spins);
        HASH/KEYBITS (e.g. SHA1 128, as Excel 2010 could be told to) patch its cipher parameters
    office_crypto.py decrypt IN.xlsx OUT.xlsx PASSWORD
        decrypts, checking the data-integrity HMAC; exit 3 on a wrong password, 4 when the
        integrity check fails
    office_crypto.py read IN.xlsx PASSWORD
        decrypts in memory and prints every sheet's rows as JSON, read by openpyxl
"""
import io, json, sys, datetime

import msoffcrypto
from msoffcrypto.method import ecma376_agile


def encrypt(src, dst, password, hash_name=None, key_bits=None, spin=None):
    if hash_name:
        original = ecma376_agile.ECMA376AgileCipherParams.__init__

        def patched(self):
            original(self)
            self.hashName = hash_name
            self.keyBits = int(key_bits)
            self.hashSize = {"SHA1": 20, "SHA256": 32, "SHA384": 48, "SHA512": 64}[hash_name]

        ecma376_agile.ECMA376AgileCipherParams.__init__ = patched
        # A SHA-1 hash (20 bytes) is not whole AES blocks: pad with zeros as §2.3.4.13 asks
        # (msoffcrypto-tool, written for SHA-512 only, does not).
        cbc = ecma376_agile._encrypt_aes_cbc
        ecma376_agile._encrypt_aes_cbc = lambda data, key, iv: cbc(data + b"\0" * (-len(data) % 16), key, iv)
    with open(src, "rb") as f:
        out = ecma376_agile.ECMA376Agile.encrypt(password, f, spin_count=int(spin) if spin else 100000)
    with open(dst, "wb") as f:
        f.write(out)


def decrypt_bytes(path, password):
    with open(path, "rb") as f:
        office = msoffcrypto.OfficeFile(f)
        try:
            office.load_key(password=password, verify_password=True)
        except Exception as e:  # a wrong password
            print("password refused: %s" % e, file=sys.stderr)
            sys.exit(3)
        out = io.BytesIO()
        try:
            office.decrypt(out, verify_integrity=True)
        except msoffcrypto.exceptions.InvalidKeyError as e:
            print("password refused: %s" % e, file=sys.stderr)
            sys.exit(3)
        except Exception as e:
            print("integrity: %s" % e, file=sys.stderr)
            sys.exit(4)
        return out.getvalue()


def main():
    mode = sys.argv[1]
    if mode == "encrypt":
        encrypt(*sys.argv[2:])
    elif mode == "decrypt":
        data = decrypt_bytes(sys.argv[2], sys.argv[4])
        with open(sys.argv[3], "wb") as f:
            f.write(data)
    elif mode == "read":
        import openpyxl
        wb = openpyxl.load_workbook(io.BytesIO(decrypt_bytes(sys.argv[2], sys.argv[3])))
        sheets = {}
        for ws in wb.worksheets:
            rows = []
            for row in ws.iter_rows(values_only=True):
                rows.append([v.isoformat() if isinstance(v, (datetime.date, datetime.datetime)) else v for v in row])
            sheets[ws.title] = rows
        print(json.dumps(sheets, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
