#!/usr/bin/python3
"""Drives LibreOffice (headless, through Python-UNO) for the encrypted-workbook tests.

    lo_password.py encrypt IN.xlsx OUT.xlsx PASSWORD PROFILE_DIR
        opens IN and saves it as OUT with the password: LibreOffice 7.4 writes "standard"
        encryption ([MS-OFFCRYPTO] §2.3.4.5: AES-128-ECB, SHA-1), as Excel 2007 did
    lo_password.py encrypt-xls IN.xlsx OUT.xls PASSWORD PROFILE_DIR
        saves IN as an Excel 97-2003 workbook with the password (RC4 CryptoAPI inside the .xls)
    lo_password.py to-csv IN.xlsx OUT.csv PASSWORD PROFILE_DIR
        opens the encrypted IN with the password and saves its first sheet as UTF-8 CSV

`soffice --convert-to` cannot do either in 7.4 (its JSON filter options do not reach the
password), hence UNO. Needs Debian's python3-uno (run with /usr/bin/python3). Exit status 3
when the password is refused, 2 when LibreOffice cannot be started.
"""
import os, subprocess, sys, time, uuid

import uno
from com.sun.star.beans import NamedValue, PropertyValue


def props(**kw):
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


def main():
    mode, src, dst, password, profile = sys.argv[1:6]
    pipe = "svlo" + uuid.uuid4().hex
    office = subprocess.Popen(["soffice", "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.abspath(profile)),
                               "--headless", "--norestore", "--nologo", "--nodefault",
                               "--accept=pipe,name=%s;urp;" % pipe],
                              stdout=subprocess.DEVNULL, stderr=None if os.environ.get("SVLO_DEBUG") else subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(600):
            try:
                ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
                break
            except Exception:
                if office.poll() is not None:
                    break
                time.sleep(0.1)
        if ctx is None:
            print("cannot start or reach soffice", file=sys.stderr)
            return 2
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        src_url = uno.systemPathToFileUrl(os.path.abspath(src))
        dst_url = uno.systemPathToFileUrl(os.path.abspath(dst))
        if mode == "encrypt-xls":
            doc = desktop.loadComponentFromURL(src_url, "_blank", 0, props(Hidden=True))
            doc.storeToURL(dst_url, props(FilterName="MS Excel 97", Password=password))
        elif mode == "encrypt":
            doc = desktop.loadComponentFromURL(src_url, "_blank", 0, props(Hidden=True))
            # The OOXML export encrypts when the media descriptor's EncryptionData holds
            # "OOXPassword" (oox XmlFilterBase); a plain Password property is ignored for .xlsx.
            secret = NamedValue()
            secret.Name, secret.Value = "OOXPassword", password
            kind = NamedValue()
            kind.Name, kind.Value = "CryptoType", "StrongEncryptionDataSpace"
            encryption = uno.Any("[]com.sun.star.beans.NamedValue", (secret, kind))
            uno.invoke(doc, "storeAsURL", (dst_url, props(FilterName="Calc MS Excel 2007 XML", EncryptionData=encryption)))
        else:
            doc = desktop.loadComponentFromURL(src_url, "_blank", 0, props(Hidden=True, Password=password))
            if doc is None:
                print("the password was refused", file=sys.stderr)
                return 3
            doc.storeToURL(dst_url, props(FilterName="Text - txt - csv (StarCalc)", FilterOptions="44,34,76,1"))
        doc.close(True)
        return 0
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        try:
            office.wait(timeout=20)
        except Exception:
            office.kill()


if __name__ == "__main__":
    sys.exit(main())
