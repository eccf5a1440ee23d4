#!/usr/bin/env python3
"""Crash harness for the real `salesvault` binary (driven by Scripts/crashtest).

Each round starts one write on an archive, SIGKILLs it at a random moment spread over the
operation's measured duration, and checks what is left (FORMAT.md §8, THREAT-MODEL.md §8):

  * the archive opens (`verify`; after a killed `passwd` with exactly one of the old and the new
    password); exit 6 (an interrupted save) is repaired with `repair`, itself killed at random
    moments first: that is the `repair` row of the table;
  * its logical state (`status --json` without the volatile fields, plus `history --json`) is
    exactly the state before the command or exactly the state the same command reaches when it
    runs to the end on a copy taken just before (same SALESVAULT_NOW: the reference run);
  * a command that exited 0 before the kill (acknowledged) is never undone;
  * no file is left beside the archive except the documented ones (the archive, its
    `.backup-DATE` copies, `rekey` temporaries that the next writer removes), no export is partial,
    no temporary file of an export is left, an export file exists only if the archive records it,
    nothing appears in $TMPDIR, and at the end no file of the work area except the exports asked
    for and the test's own inputs holds a plaintext marker or a password.

Operations: append (customer add / log add), passwd, rekey, escrow (escrow update in a department,
alternating an added manager, a threshold change with its rekey, and a removed manager), import (a
CSV of a few thousand customers, all or nothing), export (xlsx/csv/json --out F) and repair.

--sweep then kills each operation on entry to the 1st, 2nd, … call of each write system call
(strace fault injection), with the same checks. Results and findings: Docs/CRASHTEST.md.

Usage: crashtest.py --bin SALESVAULT --work DIR [--kills N] [--seed S] [--ops a,b] [--min-each K]
                    [--sweep] [--json FILE] [--warn-only CATEGORY,...]
Prints a table per operation and `RESULT kills=N failures=F ...`; exit status 1 on any failure.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time

MARK_ASCII = "SVCTMARK"          # in every customer name, note and log text the harness writes
MARK_ZH = "崩溃测试标记"           # the same, in Chinese (scanned as UTF-8, GB18030, UTF-16)
OPS = ["append", "passwd", "rekey", "escrow", "import", "export", "repair"]
WEIGHTS = {"append": 22, "passwd": 14, "rekey": 16, "escrow": 16, "import": 10, "export": 16}
IMPORT_ROWS = 2000
# The system calls that change files (or print): --sweep kills on entry to the 1st, 2nd, … call of
# each (strace counts each system call separately, per thread).
WRITE_CALLS = ["pwrite64", "write", "fsync", "fdatasync", "ftruncate", "rename", "link", "linkat", "unlink", "fchmod"]
T0 = 1_796_000_000  # 2026-12-01, advanced a minute per command

class Failure(Exception):
    pass

class Harness:
    def __init__(self, a):
        self.a = a
        self.bin = os.path.abspath(a.bin)
        self.rng = random.Random(a.seed)
        self.work = os.path.abspath(a.work)
        self.clock = T0
        self.stats = {op: dict(kills=0, old=0, new=0, repair=0, finished=0, failures=0, noop=0) for op in OPS}
        self.at_write = None
        self.last_finished = False
        self.partial_backups = 0
        self.recorded_unplaced = 0
        self.failures = []   # (op, round, message)
        self.notes = []
        self.durations = {op: [] for op in OPS}
        self.total_kills = 0
        self.round = 0
        self.passwords = []  # every password used (scanned for at the end)
        self.exports = set()  # export files the harness asked for (plaintext by design)
        self.warn_only = set(filter(None, (a.warn_only or "").split(",")))

    # ---------------------------------------------------------------- running the binary
    def env(self, now=None):
        e = dict(os.environ)
        e.update(LANG="C.UTF-8", TZ="UTC", NO_COLOR="1", TMPDIR=self.tmpdir, HOME=self.home)
        e.pop("LC_ALL", None)
        e.pop("SALESVAULT_ARCHIVE", None)
        e["SALESVAULT_NOW"] = str(now if now is not None else self.tick())
        e["SALESVAULT_TESTING"] = "1"  # the test clock is honoured only with the switch
        return e

    def tick(self):
        self.clock += 60
        return self.clock

    def sv(self, args, now=None, ok=(0,), cwd=None, timeout=300):
        r = subprocess.run([self.bin] + args, env=self.env(now), cwd=cwd or self.work, capture_output=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        if ok is not None and r.returncode not in ok:
            raise Failure(f"`salesvault {' '.join(args)}` exited {r.returncode}: {r.stderr.decode(errors='replace').strip()[-400:]}")
        return r

    # ---------------------------------------------------------------- archives
    def write_secret(self, name, text):
        path = os.path.join(self.secrets, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        os.chmod(path, 0o600)
        self.passwords.append(text)
        return path

    def new_password(self):
        words = ["copper", "lantern", "granite", "river", "orchid", "harbour", "willow", "ember", "quartz", "meadow"]
        text = f"{self.rng.choice(words)} {self.rng.choice(words)} {self.rng.randrange(10**6)} {self.rng.choice(words)} 密{self.rng.randrange(100)}"
        return text, self.write_secret(f"pw-{len(self.passwords)}", text)

    def make_plain(self, key, customers=3, logs=0, imported=0):
        d = os.path.join(self.work, key)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, f"{key}.svault")
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
        pw_text, pw = self.new_password()
        self.sv(["init", path, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"])
        arch = dict(key=key, dir=d, path=path, pw=pw, pending_tmp={}, fp=None, imports=0)
        self.seed(arch, customers, logs, imported)
        return arch

    def seed(self, arch, customers, logs, imported):
        lines = [f"customer add \"{MARK_ASCII}基准客户{i}{MARK_ZH}\" --grade B --force" for i in range(customers)]
        lines += [f"log add \"{MARK_ASCII}基准客户0{MARK_ZH}\" call \"{MARK_ASCII} 跟进 {i} {MARK_ZH}\"" for i in range(logs)]
        if lines:
            r = subprocess.run([self.bin, "shell", arch["path"], "--password-file", arch["pw"]], env=self.env(),
                               input=("\n".join(lines) + "\nexit\n").encode(), capture_output=True, timeout=600, cwd=self.work)
            if r.returncode != 0:
                raise Failure(f"seeding {arch['key']}: {r.stderr.decode(errors='replace')[-400:]}")
        if imported:
            csv = self.import_csv(f"seed-{arch['key']}", imported)
            self.sv(["import", csv, "--yes", "-a", arch["path"], "--password-file", arch["pw"]])
        arch["fp"] = self.fingerprint(arch["path"], arch["pw"])

    def import_csv(self, tag, rows):
        """New customers only (names and phone numbers never used before: a duplicate would make
        the whole import refused, and the round would test nothing)."""
        path = os.path.join(self.inputs, f"import-{tag}.csv")
        self.import_files = getattr(self, "import_files", 0) + 1
        with open(path, "w", encoding="utf-8") as f:
            f.write("客户名称,客户等级,行业,联系电话,备注\n")
            for i in range(rows):
                f.write(f"{MARK_ASCII}导入{tag}-{i:05d}{MARK_ZH}有限公司,{'ABCD'[i % 4]},制造,13{self.import_files % 10000:04d}{i:05d},{MARK_ZH}备注{i}\n")
        return path

    def make_department(self):
        d = os.path.join(self.work, "dept")
        os.makedirs(d, exist_ok=True)
        self.dept = os.path.join(d, "D")
        keys = os.path.join(self.work, "keys")
        os.makedirs(keys, exist_ok=True)
        self.admin_args = ["--admin-key", os.path.join(keys, "admin.key"), "--admin-passphrase-file", self.write_secret("ap", "admin pass phrase crash 2026")]
        self.sv(["dept", "init", self.dept, "--name", "崩溃测试部", "--insecure-kdf-cost", "10"] + self.admin_args)
        for name, pub in (("li", "李经理"), ("wang", "王总")):
            self.sv(["keys", "generate", name, "--dir", keys, "--passphrase-file", self.write_secret(f"kp-{name}", f"manager {name} passphrase crash"), "--insecure-kdf-cost", "10"])
        self.sv(["dept", "add-manager", self.dept, "李经理", "--pub", os.path.join(keys, "li.pub"), "--role", "department manager"] + self.admin_args)
        self.sv(["dept", "add-salesperson", self.dept, "张伟"] + self.admin_args)
        pw_text, pw = self.new_password()
        # The owner confirms the administrator's fingerprint (DEPARTMENT.md §4): the one the
        # administrator reads from their own key.
        shown = self.sv(["--lang", "en", "keys", "show", self.admin_args[1], "--passphrase-file", self.admin_args[3]]).stdout.decode()
        fingerprint = next(line.split(":", 1)[1].strip() for line in shown.splitlines() if line.startswith("Fingerprint:"))
        self.sv(["init", "--department", self.dept, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10", "--admin-fingerprint", fingerprint])
        adir = os.path.join(self.dept, "archives")
        arch = dict(key="escrow", dir=adir, path=os.path.join(adir, "张伟.svault"), pw=pw, pending_tmp={}, fp=None, step=0)
        self.seed(arch, 20, 20, 0)
        return arch

    ESCROW_STEPS = [
        ("add-manager", ["王总", "--pub", "KEYS/wang.pub", "--role", "general manager"]),  # new slot, header only
        ("policy", ["--threshold", "2"]),                                                  # shares: a rekey
        ("policy", ["--threshold", "1"]),                                                  # back: a rekey
        ("remove-manager", ["王总"]),                                                       # slot removed
    ]

    def escrow_setup(self, arch):
        cmd, rest = self.ESCROW_STEPS[arch["step"] % 4]
        arch["step"] += 1
        rest = [x.replace("KEYS", os.path.join(self.work, "keys")) for x in rest]
        self.sv(["dept", cmd, self.dept] + rest + self.admin_args)

    # ---------------------------------------------------------------- state
    VOLATILE = {"path", "headerCopies", "unfinishedBytes", "passwordAgeDays", "truncated", "jsonVersion"}

    def status(self, path, now=None):
        st = json.loads(self.sv(["status", path, "--json"], now=now or self.clock).stdout)
        return {k: v for k, v in st.items() if k not in self.VOLATILE}

    def fingerprint(self, path, pw, now=None, status=None):
        """The header's state (`status --json`, read without the password) and the SHA-256 of
        `history --json`. `status` is taken first because an owner's unlock can write too (it pins
        a handed-over administrator key, DEPARTMENT.md §3.7), so the header is read before any
        unlock of the round."""
        now = now or self.clock
        st = status if status is not None else self.status(path, now)
        hist = self.sv(["history", "--json", "-a", path, "--password-file", pw], now=now).stdout
        entries = json.loads(hist)
        return dict(status=st, history=hashlib.sha256(hist).hexdigest(), entries=len(entries))

    def open_check(self, path, candidates):
        """Returns (password file that opens it, verify exit status); fails unless exactly one opens."""
        opened = []
        for pw in candidates:
            r = self.sv(["verify", path, "--password-file", pw], ok=None)
            if r.returncode != 3:
                opened.append((pw, r.returncode, r.stderr.decode(errors="replace").strip()[-300:]))
        if len(opened) != 1:
            raise Failure(f"{len(opened)} of {len(candidates)} passwords open the archive: {opened}")
        pw, rc, err = opened[0]
        if rc not in (0, 6):
            raise Failure(f"verify exited {rc}: {err}")
        return pw, rc

    # ---------------------------------------------------------------- a killed command
    def key(self, op):
        """The table row: `op`, or `op @write` for the kills at the k-th write system call."""
        k = op if self.at_write is None or op == "repair" else f"{op} @syscall"
        return self.stats.setdefault(k, dict(kills=0, old=0, new=0, repair=0, finished=0, failures=0, noop=0))

    def kill_run(self, op, args, now, cwd=None):
        if self.at_write is not None and op != "repair":
            # strace delivers SIGKILL on entry to the k-th write-like system call (the call is not made).
            name, n = self.at_write
            cmd = ["strace", "-f", "-o", "/dev/null", "-e", f"trace={name}", "-e", f"inject={name}:signal=KILL:when={n}", self.bin]
            p = subprocess.Popen(cmd + args, env=self.env(now), cwd=cwd or self.work, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        else:
            # 40% of the kills anywhere in the command's run (start-up and the KDF included), 30%
            # in its second half, 30% around its end, where the commits are.
            dur = self.duration(op)
            x = self.rng.random()
            delay = self.rng.uniform(0.0, dur * 1.1) if x < 0.4 else self.rng.uniform(dur * 0.5, dur) if x < 0.7 else self.rng.uniform(dur * 0.85, dur * 1.05)
            p = subprocess.Popen([self.bin] + args, env=self.env(now), cwd=cwd or self.work, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(delay)
            try:
                p.send_signal(signal.SIGKILL)
            except ProcessLookupError:
                pass
        err = p.communicate()[1]
        self.total_kills += 1
        self.key(op)["kills"] += 1
        if p.returncode == -signal.SIGKILL:
            return False
        self.key(op)["finished"] += 1
        if p.returncode != 0:
            raise Failure(f"`salesvault {' '.join(args)}` failed before the kill (exit {p.returncode}): {err.decode(errors='replace').strip()[-400:]}")
        return True

    def timed(self, op, args, now, cwd=None, ok=(0,)):
        start = time.monotonic()
        r = self.sv(args, now=now, cwd=cwd, ok=ok)
        self.durations[op].append(time.monotonic() - start)
        return r

    def duration(self, op):
        xs = self.durations[op][-15:]
        return statistics.median(xs) if xs else 0.15

    # ---------------------------------------------------------------- files left behind
    def audit_dir(self, arch, acked_writer):
        base = os.path.basename(arch["path"])
        for f in sorted(os.listdir(arch["dir"])):
            full = os.path.join(arch["dir"], f)
            if f == base or f.startswith(base + ".backup-") or f.startswith("_crashref"):
                continue
            if f.startswith(base + ".rekey-") and f.endswith(".tmp"):
                arch["pending_tmp"].setdefault(f, self.round)
                continue
            # The copy a killed repair was making of its backup: removed, as a rekey's, by the
            # next writer that runs to the end.
            if f.startswith("." + base + ".backup-") and ".partial-" in f:
                arch["pending_tmp"].setdefault(f, self.round)
                continue
            if arch["key"] == "escrow" and f.startswith(".") is False and f.endswith(".svault"):
                raise Failure(f"unexpected archive beside the department's: {f}")
            raise Failure(f"stray file beside the archive: {full} ({os.path.getsize(full)} bytes)")
        # Temporaries of killed rekeys: removed by the next writer that runs to the end.
        for f, seen in list(arch["pending_tmp"].items()):
            if not os.path.exists(os.path.join(arch["dir"], f)):
                del arch["pending_tmp"][f]
            elif acked_writer and seen < self.round:
                raise Failure(f"temporary {f} of a killed rekey or repair (round {seen}) still there after a later writer ran to the end")

    def audit_tmpdir(self):
        left = []
        for root, dirs, files in os.walk(self.tmpdir):
            left += [os.path.join(root, f) for f in files]
        if left:
            for f in left:
                shutil.move(f, os.path.join(self.quarantine, f"r{self.round}-" + os.path.basename(f)))
            raise Failure(f"files left in $TMPDIR: {left}")

    # ---------------------------------------------------------------- repair (killed, then for real)
    def repair(self, arch, pw, origin):
        """The archive needs repair: kill `repair` at random moments (up to 3 times), then run it."""
        self.key(origin)["repair"] += 1
        for _ in range(3):
            if self.total_kills >= self.target and self.at_write is None:
                break
            self.round += 1
            now = self.tick()
            try:
                with open(arch["path"], "rb") as f:
                    before = f.read()
                backups = set(os.listdir(arch["dir"]))
                finished = self.kill_run("repair", ["repair", arch["path"], "--yes", "--password-file", pw], now)
                for f in sorted(set(os.listdir(arch["dir"])) - backups):
                    if f.startswith(os.path.basename(arch["path"]) + ".backup-"):
                        with open(os.path.join(arch["dir"], f), "rb") as fh:
                            got = fh.read()
                        if got != before:
                            # The archive is untouched until the backup is complete, so nothing is
                            # lost; but a file named as a backup is not one (FORMAT.md §8.3).
                            self.partial_backups += 1
                            self.notes.append(f"round {self.round}: a killed repair left an incomplete backup {f} ({len(got)} of {len(before)} bytes)")
                _, rc = self.open_check(arch["path"], [pw])
                if finished and rc != 0:
                    raise Failure("repair exited 0 but verify still says repair is needed")
                self.key("repair")["new" if rc == 0 else "old"] += 1
                self.audit_dir(arch, False)
                if rc == 0:
                    return
            except Failure as e:
                self.fail("repair", str(e), arch)
        now = self.tick()
        self.timed("repair", ["repair", arch["path"], "--yes", "--password-file", pw], now)
        _, rc = self.open_check(arch["path"], [pw])
        if rc != 0:
            raise Failure("still needs repair after a complete `repair`")

    # ---------------------------------------------------------------- one round
    def fail(self, op, message, arch=None):
        category = message.split(":")[0]
        if category in self.warn_only:
            self.notes.append(f"round {self.round} {op}: {message}")
            return
        self.key(op)["failures"] += 1
        self.failures.append((op, self.round, message))
        print(f"FAIL round {self.round} {op}: {message}", flush=True)
        if arch is not None:
            keep = os.path.join(self.quarantine, f"r{self.round}-{op}")
            os.makedirs(keep, exist_ok=True)
            shutil.copytree(arch["dir"], keep, dirs_exist_ok=True)

    def one(self, op):
        arch = self.archives[op]
        self.round += 1
        r = self.round
        extra = {}
        if op == "escrow":
            # A registry change; it reaches the archive only through `escrow update` (a removal
            # too: without a terminal the owner's unlock only reports it, DEPARTMENT.md §4), so the
            # state before is the last one checked.
            self.escrow_setup(arch)
        now = self.tick()
        pw = arch["pw"]
        if op == "append":
            if self.rng.random() < 0.5:
                args = ["customer", "add", f"{MARK_ASCII}客户R{r}{MARK_ZH}", "--grade", "C", "--force"]
            else:
                args = ["log", "add", f"{MARK_ASCII}基准客户0{MARK_ZH}", "visit", f"{MARK_ASCII} 拜访 R{r} {MARK_ZH}"]
            args += ["-a", arch["path"], "--password-file", pw]
        elif op == "passwd":
            _, extra["new"] = self.new_password()
            args = ["passwd", arch["path"], "--password-file", pw, "--new-password-file", extra["new"], "--insecure-kdf-cost", "10"]
        elif op == "rekey":
            args = ["rekey", arch["path"], "--password-file", pw]
        elif op == "escrow":
            args = ["escrow", "update", arch["path"], "--yes", "--password-file", pw]
        elif op == "import":
            csv = self.import_csv(f"R{r}", IMPORT_ROWS)
            args = ["import", csv, "--yes", "-a", arch["path"], "--password-file", pw]
        elif op == "export":
            fmt = self.rng.choice(["xlsx", "csv", "json"])
            # A third of the exports replace an earlier one (--force): the file must then be the
            # old export or the new one, whole.
            force = self.rng.random() < 1 / 3
            out = os.path.join(self.outdir, f"export-force.{fmt}" if force else f"export-R{r}.{fmt}")
            extra["out"] = out
            extra["previous"] = None
            if force and os.path.exists(out):
                with open(out, "rb") as f:
                    extra["previous"] = f.read()
            args = ["export", "--format", fmt, "--out", out, "-a", arch["path"], "--password-file", pw] + (["--force"] if force else [])
            if fmt == "csv":
                args += ["--kind", "customers"]
        # The copy the reference run will start from.
        snapshot = self.snapshot(arch)
        try:
            acked = self.kill_run(op, args, now)
            self.last_finished = acked
            header = self.status(arch["path"])
            candidates = [pw] + ([extra["new"]] if op == "passwd" else [])
            opened, rc = self.open_check(arch["path"], candidates)
            if rc == 6:
                self.repair(arch, opened, op)
            fp = self.fingerprint(arch["path"], opened, status=header)
            if op == "import":
                # Every import round must be one that changes the archive when it runs to the end.
                ref = self.reference(op, arch, snapshot, args, now, extra)
                if ref == arch["fp"]:
                    raise Failure("harness: the import would change nothing (refused rows?)")
            if fp == arch["fp"] and opened == pw and not acked:
                outcome = "old"
            else:
                if op != "import":
                    ref = self.reference(op, arch, snapshot, args, now, extra)
                if fp != ref or (op == "passwd" and opened != extra["new"]):
                    if acked and fp == arch["fp"]:
                        raise Failure(f"acknowledged change lost: the command exited 0 but the archive has the old state ({self.describe(fp)}; new {self.describe(ref)})")
                    raise Failure(f"neither the old nor the new state: found {self.describe(fp)}; old {self.describe(arch['fp'])}; new {self.describe(ref)}")
                outcome = "new"
                if ref == arch["fp"]:
                    self.key(op)["noop"] += 1  # e.g. escrow update when a killed one left nothing to do
            self.key(op)[outcome] += 1
            if op == "passwd" and outcome == "new":
                arch["pw"] = extra["new"]
            if op == "export":
                self.check_export(extra["out"], outcome, extra.get("previous"))
            if op == "import" and outcome == "new":
                arch["imports"] += 1
            arch["fp"] = fp if op != "escrow" else self.fingerprint(arch["path"], arch["pw"])
            self.audit_dir(arch, acked)
            self.audit_tmpdir()
        except Failure as e:
            self.fail(op, str(e), arch)
            self.recover(op, arch)
        finally:
            self.drop_snapshot(arch, snapshot)
        if op == "import" and arch["imports"] >= 3:
            self.archives["import"] = self.make_plain("import", customers=3)

    def recover(self, op, arch):
        """After a failure: make sure the next round starts from a known state."""
        try:
            if op == "export":
                for f in os.listdir(self.outdir):
                    if f.startswith("."):
                        shutil.move(os.path.join(self.outdir, f), os.path.join(self.quarantine, f"r{self.round}-{f}"))
            candidates = list(dict.fromkeys([arch["pw"]] + [os.path.join(self.secrets, f) for f in sorted(os.listdir(self.secrets)) if f.startswith("pw-")][-2:]))
            opened, rc = self.open_check(arch["path"], candidates)
            if rc == 6:
                self.sv(["repair", arch["path"], "--yes", "--password-file", opened])
            arch["pw"] = opened
            arch["fp"] = self.fingerprint(arch["path"], opened)
            for f in os.listdir(arch["dir"]):
                if f.startswith(".") or (f.endswith(".tmp") and not f.startswith(os.path.basename(arch["path"]) + ".rekey-")):
                    shutil.move(os.path.join(arch["dir"], f), os.path.join(self.quarantine, f"r{self.round}-{f}"))
            self.audit_tmpdir()
        except Exception as e:  # the archive is beyond use: start that operation on a new one
            self.notes.append(f"round {self.round}: {op} archive replaced after: {e}")
            if op == "escrow":
                raise SystemExit(f"crashtest: the department archive cannot be recovered: {e}")
            self.archives[op] = self.make_plain(op, **self.SEEDS[op])

    def describe(self, fp):
        s = fp["status"]
        return f"records={s.get('records')} gen={s.get('dekGeneration')} slots={len(s.get('slots', []))} history={fp['entries']}/{fp['history'][:8]}"

    def snapshot(self, arch):
        if arch["key"] == "escrow":
            path = os.path.join(arch["dir"], "_crashref.svault")
        else:
            d = os.path.join(self.refdir, arch["key"])
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            path = os.path.join(d, os.path.basename(arch["path"]))
        shutil.copy2(arch["path"], path)
        return path

    def drop_snapshot(self, arch, path):
        d = os.path.dirname(path)
        for f in os.listdir(d):
            if f.startswith(os.path.basename(path)):
                os.unlink(os.path.join(d, f))

    def reference(self, op, arch, snapshot, args, now, extra):
        """The state the same command reaches on the copy when it runs to the end."""
        ref_args = [snapshot if a == arch["path"] else a for a in args]
        if op == "export":
            d = os.path.join(self.refdir, "export-out")
            os.makedirs(d, exist_ok=True)
            extra["ref_out"] = os.path.join(d, os.path.basename(extra["out"]))
            if os.path.exists(extra["ref_out"]):
                os.unlink(extra["ref_out"])
            ref_args = [extra["ref_out"] if a == extra["out"] else a for a in ref_args]
        self.timed(op, ref_args, now)
        pw = extra["new"] if op == "passwd" else arch["pw"]
        return self.fingerprint(snapshot, pw)

    def check_export(self, out, outcome, previous=None):
        """The file is absent (or, with --force, the previous export) or the whole new export; a
        new export file only with its record in the archive (INTERCHANGE.md §6.4: recorded just
        before the file gets its name, so a kill in between leaves a record without the file:
        counted, not a failure); no temporary file beside it."""
        d, base = os.path.split(out)
        temps = [f for f in os.listdir(d) if f.startswith(".") and f.endswith(".tmp")]
        for f in temps:
            shutil.move(os.path.join(d, f), os.path.join(self.quarantine, f"r{self.round}-{f}"))
        exists = os.path.exists(out)
        if exists:
            self.exports.add(out)
        if temps:
            raise Failure(f"plaintext temporary left: {temps[0]} beside {base} (export file {'present' if exists else 'absent'}, archive {outcome} state)")
        got = None
        if exists:
            with open(out, "rb") as f:
                got = f.read()
        placed = exists and got != previous
        if outcome == "old" and placed:
            raise Failure(f"unrecorded export: {base} is on disk ({len(got)} bytes) but the archive has no export record")
        if outcome == "new" and not placed:
            self.recorded_unplaced += 1  # the record was written, the kill came before the name
        if placed and outcome == "new":
            ref_path = os.path.join(self.refdir, "export-out", base)
            with open(ref_path, "rb") as f:
                if f.read() != got:
                    raise Failure(f"partial or different export: {base} ({len(got)} bytes) differs from the complete export")

    # ---------------------------------------------------------------- calibration, run, scan
    SEEDS = {
        "append": dict(customers=3, logs=5),
        "passwd": dict(customers=5),
        "rekey": dict(customers=60, logs=140),
        "import": dict(customers=3),
        "export": dict(customers=50, logs=50, imported=1500),
    }

    def setup(self):
        if os.path.exists(self.work) and os.listdir(self.work):
            raise SystemExit(f"crashtest: {self.work} is not empty")
        for name in ("tmp", "home", "secrets", "inputs", "exports", "ref", "quarantine"):
            os.makedirs(os.path.join(self.work, name), exist_ok=True)
        self.tmpdir, self.home, self.secrets, self.inputs, self.outdir, self.refdir, self.quarantine = (
            os.path.join(self.work, n) for n in ("tmp", "home", "secrets", "inputs", "exports", "ref", "quarantine"))
        self.archives = {}
        for op, seeds in self.SEEDS.items():
            if op in self.ops:
                self.archives[op] = self.make_plain(op, **seeds)
        if "escrow" in self.ops:
            self.archives["escrow"] = self.make_department()
        # Measure each operation's duration on copies (the reference runs refine it later).
        for op in self.ops:
            arch = self.archives[op]
            for i in range(2):
                snap = self.snapshot(arch)
                extra = {}
                if op == "passwd":
                    _, extra["new"] = self.new_password()
                    args = ["passwd", snap, "--password-file", arch["pw"], "--new-password-file", extra["new"], "--insecure-kdf-cost", "10"]
                elif op == "append":
                    args = ["customer", "add", f"{MARK_ASCII}校准{i}{MARK_ZH}", "--force", "-a", snap, "--password-file", arch["pw"]]
                elif op == "rekey":
                    args = ["rekey", snap, "--password-file", arch["pw"]]
                elif op == "import":
                    args = ["import", self.import_csv(f"cal{i}", IMPORT_ROWS), "--yes", "-a", snap, "--password-file", arch["pw"]]
                elif op == "export":
                    out = os.path.join(self.refdir, f"cal-{i}.xlsx")
                    args = ["export", "--out", out, "-a", snap, "--password-file", arch["pw"]]
                elif op == "escrow":
                    # Up to date: the same start-up, unlock and registry check, without the writes.
                    self.drop_snapshot(arch, snap)
                    self.timed(op, ["escrow", "update", arch["path"], "--yes", "--password-file", arch["pw"]], self.tick())
                    continue
                self.timed(op, args, self.tick())
                self.drop_snapshot(arch, snap)
                if op == "export":
                    os.unlink(out)
        self.durations["repair"].append(0.1)

    def run(self):
        self.ops = [o for o in (self.a.ops.split(",") if self.a.ops else OPS) if o != "repair"]
        self.target = self.a.kills
        start = time.monotonic()
        self.setup()
        print(f"crashtest: {self.target} kills, seed {self.a.seed}, work area {self.work}", flush=True)
        print("measured durations: " + ", ".join(f"{op} {self.duration(op) * 1000:.0f} ms" for op in self.ops), flush=True)
        weights = [WEIGHTS[o] for o in self.ops]
        last = time.monotonic()
        while self.total_kills < self.target:
            # Every operation first gets its --min-each kills (a short run covers them all).
            short = [o for o in self.ops if self.stats[o]["kills"] < self.a.min_each]
            op = short[0] if short else self.rng.choices(self.ops, weights)[0]
            self.one(op)
            if time.monotonic() - last > 30:
                last = time.monotonic()
                print(f"  ... {self.total_kills} kills, {len(self.failures)} failures, {time.monotonic() - start:.0f} s", flush=True)
        if self.a.sweep:
            self.sweep()
        self.final_checks()
        self.elapsed = time.monotonic() - start
        return self.report()

    def sweep(self):
        """Each operation killed on entry to the 1st, 2nd, 3rd… call of each system call that
        writes (strace fault injection), until it runs to the end twice in a row: every write
        boundary, not only the likely ones; then the same checks as the random kills."""
        if shutil.which("strace") is None:
            self.notes.append("--sweep: strace not installed, skipped")
            return
        for op in self.ops:
            print(f"  sweep {op} ...", flush=True)
            for name in WRITE_CALLS:
                n, ends = 1, 0
                while ends < 2 and n <= 60000:
                    self.at_write = (name, n)
                    self.last_finished = False
                    self.one(op)
                    ends = ends + 1 if self.last_finished else 0
                    n = n + 1 if n < 30 else n + max(1, n // 6)
            self.at_write = None

    def final_checks(self):
        self.round += 1
        for op, arch in self.archives.items():
            try:
                opened, rc = self.open_check(arch["path"], [arch["pw"]])
                if rc != 0:
                    self.sv(["repair", arch["path"], "--yes", "--password-file", opened])
                if self.fingerprint(arch["path"], opened) != arch["fp"]:
                    raise Failure("final state differs from the last state checked")
                # One more writer (a rekey) runs to the end: killed rekeys' temporaries must go.
                if op == "escrow":
                    self.sv(["escrow", "update", arch["path"], "--yes", "--password-file", opened])
                self.sv(["rekey", arch["path"], "--password-file", opened])
                arch["fp"] = self.fingerprint(arch["path"], opened)
                self.audit_dir(arch, True)
                if arch["pending_tmp"]:
                    raise Failure(f"temporaries left after a complete rekey: {sorted(arch['pending_tmp'])}")
            except Failure as e:
                self.fail(op, f"final check: {e}")
        try:
            self.scan()
        except Failure as e:
            self.fail("export" if "export" in str(e) else "append", str(e))

    def needles(self):
        out = []
        for m in (MARK_ASCII, MARK_ZH):
            for enc in ("utf-8", "gb18030", "utf-16-le", "utf-16-be"):
                out.append((f"{m} ({enc})", m.encode(enc)))
        for p in self.passwords:
            out.append((f"password {p!r}", p.encode("utf-8")))
        return out

    def scan(self):
        """No file of the work area holds a marker or a password, except the harness's own inputs
        and secrets, and the exports it asked for (plaintext by design)."""
        skip_dirs = {self.secrets, self.inputs, self.refdir, self.quarantine}
        needles = self.needles()
        hits = []
        scanned = 0
        for root, dirs, files in os.walk(self.work):
            if root in skip_dirs or any(root.startswith(s + os.sep) for s in skip_dirs):
                continue
            for f in files:
                full = os.path.join(root, f)
                if full in self.exports:
                    continue
                with open(full, "rb") as fh:
                    data = fh.read()
                scanned += 1
                for label, n in needles:
                    if n in data:
                        hits.append(f"{full}: {label}")
        self.scanned = scanned
        if hits:
            raise Failure(f"plaintext on disk: {len(hits)} hit(s): " + "; ".join(hits[:5]))

    def report(self):
        rows = [("operation", "kills", "old state", "new state", "needed repair", "finished first", "failures")]
        order = OPS + sorted(k for k in self.stats if k not in OPS)
        for op in order:
            s = self.stats[op]
            if s["kills"] or s["failures"]:
                rows.append((op, s["kills"], s["old"], s["new"], s["repair"] if op != "repair" else "-", s["finished"], s["failures"]))
        total = [sum(self.stats[o][k] for o in order) for k in ("kills", "old", "new", "repair", "finished", "failures")]
        rows.append(("total", *total))
        widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
        print()
        for i, row in enumerate(rows):
            print("  ".join(str(c).ljust(w) if j == 0 else str(c).rjust(w) for j, (c, w) in enumerate(zip(row, widths))))
            if i == 0 or i == len(rows) - 2:
                print("  ".join("-" * w for w in widths))
        print()
        print("durations (median of uncontested runs): " + ", ".join(f"{op} {self.duration(op) * 1000:.0f} ms" for op in OPS if self.durations[op]))
        print(f"plaintext scan: {getattr(self, 'scanned', 0)} files, {len(self.passwords)} passwords and 2 markers in 4 encodings; {len(self.exports)} export files asked for excluded")
        noops = {op: s["noop"] for op, s in self.stats.items() if s["noop"]}
        if noops:
            print(f"new state equal to the old one (nothing left to do after an earlier kill): {noops}")
        if self.recorded_unplaced:
            print(f"exports recorded in the archive whose file the kill stopped from getting its name: {self.recorded_unplaced}")
        for n in self.notes:
            print("note: " + n)
        for op, r, m in self.failures:
            print(f"FAILURE round {r} {op}: {m}")
        print(f"RESULT kills={self.total_kills} failures={len(self.failures)} seconds={self.elapsed:.0f} seed={self.a.seed}")
        if self.a.json:
            with open(self.a.json, "w") as f:
                json.dump(dict(stats=self.stats, failures=self.failures, kills=self.total_kills, seconds=self.elapsed, seed=self.a.seed,
                               durations={op: self.duration(op) for op in OPS if self.durations[op]}, notes=self.notes), f, ensure_ascii=False, indent=1)
        return 1 if self.failures else 0


def main():
    p = argparse.ArgumentParser(description="SIGKILL salesvault writes at random moments and check what is left.")
    p.add_argument("--bin", required=True, help="the salesvault binary")
    p.add_argument("--kills", type=int, default=1000)
    p.add_argument("--work", required=True, help="an empty or new folder for the archives")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--ops", help="comma-separated subset of " + ",".join(OPS[:-1]))
    p.add_argument("--json", help="also write the figures to this file")
    p.add_argument("--min-each", type=int, default=3, help="kills of each operation before the random choice (default 3)")
    p.add_argument("--sweep", action="store_true", help="then kill each operation at each of its write system calls in turn (strace)")
    p.add_argument("--warn-only", help="failure categories reported as notes (e.g. 'unrecorded export')")
    a = p.parse_args()
    if a.seed is None:
        a.seed = random.SystemRandom().randrange(1 << 31)
    sys.exit(Harness(a).run())


if __name__ == "__main__":
    main()
