# SPDX-License-Identifier: GPL-3.0-or-later
"""Tests of ipv6-dhcp-build-lmdb: runs the built tool (path in $BUILD_LMDB)
and reads what it wrote with mdb_dump (lmdb-utils).

Usage: test_build_lmdb.py [unittest arguments, e.g. a class name]
"""
import hashlib
import ipaddress
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

TOOL = os.environ.get("BUILD_LMDB", "")
MDB_DUMP = shutil.which("mdb_dump") or "/usr/bin/mdb_dump"


def run(args, umask=None):
    def pre():
        if umask is not None:
            os.umask(umask)
    p = subprocess.run([TOOL] + list(args), capture_output=True, timeout=120, preexec_fn=pre)
    if p.returncode < 0:
        raise AssertionError("killed by signal %d: %r" % (-p.returncode, args))
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def dump(db, name):
    """The named database of db as {key bytes: value bytes}, by mdb_dump
    (which leaves a lock file: removed, the tool itself makes none)."""
    lock = db + "-lock"
    had_lock = os.path.exists(lock)
    p = subprocess.run([MDB_DUMP, "-n", "-s", name, db], capture_output=True, timeout=60)
    if not had_lock and os.path.exists(lock):
        os.unlink(lock)
    if p.returncode != 0:
        raise AssertionError("mdb_dump %s: %s" % (db, p.stderr.decode()))
    lines = p.stdout.decode().split("\n")
    data = lines[lines.index("HEADER=END") + 1:lines.index("DATA=END")]
    out = {}
    for k, v in zip(data[0::2], data[1::2]):
        out[bytes.fromhex(k.strip())] = bytes.fromhex(v.strip())
    return out


def assignments(db):
    """{key: (address or None, prefix or None)} decoded from the records."""
    out = {}
    for k, v in dump(db, "assignments").items():
        assert len(v) == 36 and v[0] == 1 and v[3] == 0, v.hex()
        addr = str(ipaddress.IPv6Address(v[4:20])) if v[1] & 1 else None
        prefix = ("%s/%d" % (ipaddress.IPv6Address(v[20:36]), v[2])) if v[1] & 2 else None
        out[k] = (addr, prefix)
    return out


def meta(db):
    m = dump(db, "meta")
    return {"format": struct.unpack("!I", m[b"format"])[0],
            "mtime": struct.unpack("!q", m[b"csv-mtime-ns"])[0],
            "rows": struct.unpack("!Q", m[b"rows"])[0]}


def duid_key(hexid):
    return b"\x01" + bytes.fromhex(hexid)


def fingerprint(path):
    st = os.stat(path)
    with open(path, "rb") as f:
        return (st.st_ino, st.st_mtime_ns, hashlib.sha256(f.read()).hexdigest())


class ToolTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="dhcp-build-lmdb-")
        self.csv = os.path.join(self.tmp, "assign.csv")
        self.db = os.path.join(self.tmp, "assign.lmdb")
        self.mtime = 1_700_000_000_000_000_000

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write_csv(self, rows, header="id,address,prefix", mtime=None):
        """Writes the CSV with its modification time (ns), later each time
        unless given."""
        with open(self.csv, "w") as f:
            f.write(header + "\n")
            for r in rows:
                f.write(",".join(r) + "\n")
        if mtime is None:
            self.mtime += 1_000_000_000
            mtime = self.mtime
        os.utime(self.csv, ns=(mtime, mtime))
        return mtime

    @staticmethod
    def rows(n, start=0, prefix_base=0x100):
        return [("duid:00030001%012x" % i, "2001:db8::%x" % (i + 1),
                 "2001:db8:%x::/56" % (prefix_base + i)) for i in range(start, start + n)]

    def build(self, *extra):
        return run(list(extra) + [self.csv, self.db])

    def assertBuilt(self, *extra):
        rc, out, err = self.build(*extra)
        self.assertEqual(rc, 0, err)
        return out, err


class Usage(ToolTest):
    def test_usage_errors(self):
        for args in ([], ["only-one"], ["a", "b", "c"], ["-x", "a", "b"],
                     ["--max-bad-rows", "x", "a", "b"], ["--max-bad-rows"]):
            rc, out, err = run(args)
            self.assertEqual(rc, 64, args)
            self.assertTrue("usage:" in err or "--max-bad-rows: not a number" in err, err)
            self.assertEqual(out, "", args)

    def test_help(self):
        rc, out, err = run(["--help"])
        self.assertEqual(rc, 0)
        self.assertIn("usage: ipv6-dhcp-build-lmdb [-f] [-v]", out)
        self.assertIn("LMDB", out)


class Build(ToolTest):
    def test_new_file(self):
        rows = [("duid:000200009D1049507636546573740001", "2001:db8::1", "2001:db8:1::/48"),
                ("interface-id-str:Fa1/9/35", "2001:db8::1005", ""),
                ("remote-id-str:40208:Customer5", "", "2001:db8:2005::/56"),
                ("linklayer-id:1:00:24:36:ef:1d:89", "2001:db8::4001", "2001:db8:4001::/64")]
        mtime = self.write_csv(rows)
        # A restrictive umask: the file is 0644 all the same.
        rc, out, err = run(["-v", self.csv, self.db], umask=0o077)
        self.assertEqual(rc, 0, err)
        self.assertIn("4 rows written", out)
        self.assertEqual(os.stat(self.db).st_mode & 0o7777, 0o644)
        # One file: no lock file, no DB.tmp left.
        self.assertEqual(sorted(os.listdir(self.tmp)), ["assign.csv", "assign.lmdb"])
        self.assertEqual(meta(self.db), {"format": 1, "mtime": mtime, "rows": 4})
        self.assertEqual(assignments(self.db), {
            duid_key("000200009d1049507636546573740001"): ("2001:db8::1", "2001:db8:1::/48"),
            b"\x02Fa1/9/35": ("2001:db8::1005", None),
            b"\x03" + struct.pack("!I", 40208) + b"Customer5": (None, "2001:db8:2005::/56"),
            b"\x05\x00\x01" + bytes.fromhex("002436ef1d89"): ("2001:db8::4001",
                                                               "2001:db8:4001::/64"),
        })

    def test_quiet_without_v(self):
        self.write_csv(self.rows(3))
        out, err = self.assertBuilt()
        self.assertEqual((out, err), ("", ""))

    def test_rebuild_replaces_the_file(self):
        self.write_csv(self.rows(10))
        self.assertBuilt()
        ino = os.stat(self.db).st_ino
        # Kept open, as a server keeps it: the new file is another inode and
        # the open one is not written.
        with open(self.db, "rb") as held:
            before = held.read()
            rows = self.rows(10)
            rows[3] = (rows[3][0], rows[3][1], "2001:db8:ffff::/56")
            self.write_csv(rows + self.rows(2, start=10))
            self.assertBuilt()
            held.seek(0)
            self.assertEqual(held.read(), before)
        self.assertNotEqual(os.stat(self.db).st_ino, ino)
        a = assignments(self.db)
        self.assertEqual(len(a), 12)
        self.assertEqual(a[duid_key("00030001%012x" % 3)], ("2001:db8::4", "2001:db8:ffff::/56"))
        self.assertEqual(meta(self.db)["rows"], 12)

    def test_stale_tmp_is_replaced(self):
        with open(self.db + ".tmp", "w") as f:
            f.write("left over by a build that died\n")
        self.write_csv(self.rows(3))
        self.assertBuilt()
        self.assertFalse(os.path.exists(self.db + ".tmp"))
        self.assertEqual(len(assignments(self.db)), 3)

    def test_sorted_append_of_many_rows(self):
        # Not in key order in the CSV; every kind of key; LMDB's order is
        # memcmp then length, which MDB_APPEND insists on.
        rows = []
        for i in range(3000, 0, -1):
            rows.append(("duid:%0*x" % (2 * (2 + i % 7), i), "2001:db8::%x" % i, ""))
            if i % 3 == 0:
                rows.append(("remote-id-str:%d:c%d" % (i % 5, i), "", "2001:db8:%x::/56" % i))
        self.write_csv(rows)
        out, err = self.assertBuilt("-v")
        self.assertIn("%d rows written" % len(rows), out)
        a = assignments(self.db)
        self.assertEqual(len(a), len(rows))
        self.assertEqual(a[duid_key("%0*x" % (2 * (2 + 1234 % 7), 1234))], ("2001:db8::4d2", None))
        self.assertEqual(a[b"\x03" + struct.pack("!I", 4) + b"c9"], (None, "2001:db8:9::/56"))

    def test_parallel_builds(self):
        # Two exports built at once into the same DB: one after the other
        # (DB.tmp is locked), the older one refused or first; the newer wins.
        a, b = os.path.join(self.tmp, "a.csv"), os.path.join(self.tmp, "b.csv")
        for name, base, mtime in ((a, 0x1000, 10), (b, 0x2000, 20)):
            with open(name, "w") as f:
                f.write("id,address,prefix\n")
                for i in range(20000):
                    f.write("duid:00030001%012x,2001:db8::%x,2001:db8:%x:%x00::/56\n"
                            % (i, i + 1, base + i // 256, i % 256))
            ns = (1_700_000_000 + mtime) * 10**9
            os.utime(name, ns=(ns, ns))
        for _ in range(3):
            if os.path.exists(self.db):
                os.unlink(self.db)
            procs = [subprocess.Popen([TOOL, c, self.db], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE) for c in (a, b, a, b)]
            codes = [p.wait(timeout=120) for p in procs]
            for p in procs:
                p.stdout.close()
                p.stderr.close()
            self.assertTrue(set(codes) <= {0, 1}, codes)
            self.assertIn(0, codes)
            self.assertEqual(meta(self.db), {"format": 1, "mtime": 1_700_000_020 * 10**9,
                                             "rows": 20000})
            self.assertEqual(assignments(self.db)[duid_key("00030001%012x" % 5)],
                             ("2001:db8::6", "2001:db8:2000:500::/56"))
            self.assertEqual(sorted(os.listdir(self.tmp)), ["a.csv", "assign.lmdb", "b.csv"])

    def test_long_id_refused(self):
        self.write_csv([("duid:" + "ab" * 600, "2001:db8::1", "")])
        rc, out, err = self.build()
        self.assertEqual(rc, 1, err)
        self.assertIn("at most 511", err)
        self.assertFalse(os.path.exists(self.db))


class Mtime(ToolTest):
    def test_same_csv_is_nothing_to_do(self):
        self.write_csv(self.rows(5))
        self.assertBuilt()
        fp = fingerprint(self.db)
        out, err = self.assertBuilt("-v")
        self.assertIn("up to date", out)
        self.assertEqual(fingerprint(self.db), fp)

    def test_equal_mtime_even_if_changed(self):
        # The original's rule: the mtime says which export this is.
        m = self.write_csv(self.rows(5))
        self.assertBuilt()
        fp = fingerprint(self.db)
        self.write_csv(self.rows(5, start=100), mtime=m)
        self.assertBuilt()
        self.assertEqual(fingerprint(self.db), fp)

    def test_older_csv_refused(self):
        m = self.write_csv(self.rows(5))
        self.assertBuilt()
        fp = fingerprint(self.db)
        self.write_csv(self.rows(6), mtime=m - 1)
        rc, out, err = self.build()
        self.assertEqual(rc, 1, err)
        self.assertIn("older", err)
        self.assertEqual(fingerprint(self.db), fp)
        # -f does not override it: -f is about removing rows.
        rc, out, err = self.build("-f")
        self.assertEqual(rc, 1, err)
        self.assertEqual(fingerprint(self.db), fp)

    def test_newer_csv_rebuilds(self):
        self.write_csv(self.rows(5))
        self.assertBuilt()
        m = self.write_csv(self.rows(6))
        self.assertBuilt()
        self.assertEqual(meta(self.db)["mtime"], m)
        self.assertEqual(len(assignments(self.db)), 6)


class Remove(ToolTest):
    def test_thirty_percent_allowed(self):
        self.write_csv(self.rows(10))
        self.assertBuilt()
        # 3 of 10 old ids gone (and new ones added): allowed.
        self.write_csv(self.rows(7, start=3) + self.rows(5, start=50))
        out, err = self.assertBuilt("-v")
        self.assertIn("3 ids removed of 10", out)
        self.assertEqual(len(assignments(self.db)), 12)

    def test_more_refused_db_unchanged(self):
        self.write_csv(self.rows(10))
        self.assertBuilt()
        fp = fingerprint(self.db)
        # 4 of 10 removed: refused, even with new rows making up the count.
        self.write_csv(self.rows(6, start=4) + self.rows(10, start=100))
        rc, out, err = self.build()
        self.assertEqual(rc, 2, err)
        self.assertIn("would remove 4 of the 10 ids", err)
        self.assertIn("-f", err)
        self.assertEqual(fingerprint(self.db), fp)
        self.assertEqual(sorted(os.listdir(self.tmp)), ["assign.csv", "assign.lmdb"])
        # -f: done.
        out, err = self.assertBuilt("-f")
        self.assertEqual(len(assignments(self.db)), 16)
        self.assertNotIn(duid_key("00030001%012x" % 0), assignments(self.db))

    def test_changed_values_are_not_removals(self):
        self.write_csv(self.rows(10))
        self.assertBuilt()
        self.write_csv(self.rows(10, prefix_base=0x900))
        out, err = self.assertBuilt("-v")
        self.assertIn("0 ids removed of 10", out)
        self.assertEqual(assignments(self.db)[duid_key("00030001%012x" % 0)][1],
                         "2001:db8:900::/56")

    def test_empty_csv_refused(self):
        self.write_csv(self.rows(3))
        self.assertBuilt()
        fp = fingerprint(self.db)
        self.write_csv([])
        rc, out, err = self.build()
        self.assertEqual(rc, 2, err)
        self.assertEqual(fingerprint(self.db), fp)

    def test_not_our_file_needs_force(self):
        with open(self.db, "w") as f:
            f.write("precious\n")
        fp = fingerprint(self.db)
        self.write_csv(self.rows(3))
        rc, out, err = self.build()
        self.assertEqual(rc, 2, err)
        self.assertIn("not an LMDB", err)
        self.assertEqual(fingerprint(self.db), fp)
        self.assertBuilt("-f")
        self.assertEqual(len(assignments(self.db)), 3)


class BadRows(ToolTest):
    def test_every_bad_row_reported(self):
        self.write_csv(self.rows(5))
        self.assertBuilt()
        fp = fingerprint(self.db)
        rows = self.rows(5) + [("bogus:1", "2001:db8::99", ""),
                               ("duid:0001", "not-an-address", ""),
                               ("duid:00030001%012x" % 0, "2001:db8::98", "")]
        self.write_csv(rows)
        rc, out, err = self.build()
        self.assertEqual(rc, 1, err)
        self.assertIn("%s:7: unknown id form: 'bogus:1'" % self.csv, err)
        self.assertIn("%s:8: " % self.csv, err)
        self.assertIn("%s:9: duplicate id, first on line 2" % self.csv, err)
        self.assertEqual(fingerprint(self.db), fp)
        # Tolerated with --max-bad-rows: reported, skipped, built.
        rc, out, err = self.build("--max-bad-rows", "3")
        self.assertEqual(rc, 0, err)
        self.assertIn("%s:7: " % self.csv, err)
        self.assertEqual(len(assignments(self.db)), 5)

    def test_missing_csv(self):
        rc, out, err = run([os.path.join(self.tmp, "nope.csv"), self.db])
        self.assertEqual(rc, 1)
        self.assertIn("nope.csv", err)
        self.assertFalse(os.path.exists(self.db))

    def test_bad_header(self):
        with open(self.csv, "w") as f:
            f.write("who,what\nduid:0001,x\n")
        rc, out, err = self.build()
        self.assertEqual(rc, 1, err)
        self.assertIn(self.csv + ":1", err)
        self.assertFalse(os.path.exists(self.db))


if __name__ == "__main__":
    if not TOOL or not os.access(TOOL, os.X_OK):
        sys.exit("BUILD_LMDB must name the built ipv6-dhcp-build-lmdb")
    if not os.access(MDB_DUMP, os.X_OK):
        sys.exit("mdb_dump (lmdb-utils) is needed: scripts/install-deps.sh installs it")
    unittest.main()
