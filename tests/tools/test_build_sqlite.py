# SPDX-License-Identifier: GPL-3.0-or-later
"""Tests of ipv6-dhcp-build-sqlite: runs the built tool (path in $BUILD_SQLITE)
and reads what it wrote with Python's sqlite3.

Usage: test_build_sqlite.py [unittest arguments, e.g. a class name]
"""
import ipaddress
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import unittest

TOOL = os.environ.get("BUILD_SQLITE", "")
SCHEMA = ("CREATE TABLE IF NOT EXISTS assignments (id TEXT NOT NULL PRIMARY KEY, "
          "address TEXT, prefix TEXT, csv_mtime INT NOT NULL) WITHOUT ROWID")
T0 = 1_700_000_000_123_456_789  # a CSV modification time, ns


def run(*args):
    p = subprocess.run([TOOL] + [str(a) for a in args], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode >= 0, "killed by signal %d" % -p.returncode
    return p


def rows(db):
    """Every row, sorted by id."""
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return c.execute("SELECT id, address, prefix, csv_mtime FROM assignments "
                         "ORDER BY id").fetchall()
    finally:
        c.close()


class Base(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="dk-build-sqlite-")
        self.csv = os.path.join(self.dir, "assign.csv")
        self.db = os.path.join(self.dir, "assign.sqlite")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write_csv(self, body, mtime=T0, path=None, header="id,address,prefix\n"):
        path = path or self.csv
        with open(path, "w") as f:
            f.write(header + body)
        os.utime(path, ns=(mtime, mtime))
        return path

    def numbered(self, n, mtime=T0, start=0):
        """A CSV of n rows duid:N (N from start) and the rows it should give."""
        body = "".join("duid:%04x,2001:db8::%x,2001:db8:%x::/48\n" % (i, i, i)
                       for i in range(start, start + n))
        self.write_csv(body, mtime)
        # As the original wrote them: str() of the address and the network.
        return [("duid:%04x" % i, str(ipaddress.IPv6Address("2001:db8::%x" % i)),
                 str(ipaddress.IPv6Network("2001:db8:%x::/48" % i)), mtime)
                for i in range(start, start + n)]

    def build(self, *opts, code=0):
        p = run(*opts, self.csv, self.db)
        self.assertEqual(p.returncode, code, p.stdout + p.stderr)
        return p


class Usage(Base):
    def test_usage(self):
        for args in ([], [self.csv], [self.csv, self.db, "extra"], ["-x", self.csv, self.db],
                     ["--max-bad-rows", "x", self.csv, self.db]):
            p = run(*args)
            self.assertEqual(p.returncode, 64, args)
            self.assertIn("usage" if args[:1] != ["--max-bad-rows"] else "not a number", p.stderr)
        self.assertFalse(os.path.exists(self.db))
        p = run("--help")
        self.assertEqual(p.returncode, 0)
        self.assertIn("usage: ipv6-dhcp-build-sqlite", p.stdout)

    def test_missing_csv(self):
        p = run(self.csv, self.db)
        self.assertEqual(p.returncode, 1)
        self.assertIn(self.csv + ": cannot open", p.stderr)
        self.assertFalse(os.path.exists(self.db))


class Build(Base):
    def test_every_id_form(self):
        self.write_csv(
            "duid:00:01:00:01:1D:1D:60:71:00:24:36:EF:1D:89,2001:db8::1,2001:db8:1::/48\n"
            "interface-id:46:61:31:2f:39:2f:33:33,2001:db8::1003,\n"
            "interface-id-str:Fa1/9/35,,2001:db8:1005::/48\n"
            "remote-id:40208:437573746f6d657231,2001:db8::2001,2001:db8:2001::/48\n"
            "remote-id-str:40208:Customer5,2001:0db8:0::2005,2001:db8:2005:0::/48\n"
            "subscriber-id:01:02:AB,2001:db8::3001,\n"
            "subscriber-id-str:sub-7,2001:db8::3007,\n"
            "linklayer-id:1:002436ef1d89,2001:db8::4001,\n"
            "linklayer-id-str:6:ll-str,,2001:db8:4006::/64\n")
        self.build()
        # The original's normalised text ids, str() of addresses and networks.
        self.assertEqual(rows(self.db), sorted([
            ("duid:000100011d1d6071002436ef1d89", "2001:db8::1", "2001:db8:1::/48", T0),
            ("interface-id:4661312f392f3333", "2001:db8::1003", None, T0),
            ("interface-id:4661312f392f3335", None, "2001:db8:1005::/48", T0),
            ("remote-id:40208:437573746f6d657231", "2001:db8::2001", "2001:db8:2001::/48", T0),
            ("remote-id:40208:437573746f6d657235", "2001:db8::2005", "2001:db8:2005::/48", T0),
            ("subscriber-id:0102ab", "2001:db8::3001", None, T0),
            ("subscriber-id:7375622d37", "2001:db8::3007", None, T0),
            ("linklayer-id:1:002436ef1d89", "2001:db8::4001", None, T0),
            ("linklayer-id:6:6c6c2d737472", None, "2001:db8:4006::/64", T0),
        ]))

    def test_wal_files_kept(self):
        self.numbered(3)
        p = self.build("-v")
        self.assertIn("3 rows written, 0 removed", p.stdout)
        # Read-only readers that may not write the folder need both.
        for ext in ("-wal", "-shm"):
            self.assertTrue(os.path.exists(self.db + ext), ext)
        c = sqlite3.connect(self.db)
        self.assertEqual(c.execute("PRAGMA journal_mode").fetchone()[0], "wal")
        c.close()

    def test_update_and_remove(self):
        self.numbered(4)
        self.build()
        # One row changed, one gone (25 %), one new, a newer CSV.
        self.write_csv("duid:0000,2001:db8::0,2001:db8:0::/48\n"
                       "duid:0001,2001:db8::100,2001:db8:100::/56\n"
                       "duid:0002,2001:db8::2,\n"
                       "duid:0009,,2001:db8:9::/48\n", T0 + 1)
        p = self.build("-v")
        self.assertIn("4 rows written, 1 removed, 4 before", p.stdout)
        self.assertEqual(rows(self.db), [
            ("duid:0000", "2001:db8::", "2001:db8::/48", T0 + 1),
            ("duid:0001", "2001:db8::100", "2001:db8:100::/56", T0 + 1),
            ("duid:0002", "2001:db8::2", None, T0 + 1),
            ("duid:0009", None, "2001:db8:9::/48", T0 + 1),
        ])

    def test_same_mtime_is_nothing_to_do(self):
        before = self.numbered(3)
        self.build()
        # Another content with the same modification time: not read into DB.
        self.write_csv("duid:0007,2001:db8::7,\n", T0)
        p = self.build("-v")
        self.assertIn("nothing to do", p.stdout)
        self.assertEqual(rows(self.db), before)

    def test_older_csv_refused(self):
        before = self.numbered(3)
        self.build()
        self.write_csv("duid:0007,2001:db8::7,\n", T0 - 1)
        p = self.build("-f", code=1)
        self.assertIn("older", p.stderr)
        self.assertIn("not changed", p.stderr)
        self.assertEqual(rows(self.db), before)


class Guard(Base):
    """The 30 % rule: exit 2 and nothing changed, unless -f."""

    def test_more_than_30_percent(self):
        before = self.numbered(10)
        self.build()
        # 4 of 10 rows gone, and the others changed: refused whole.
        self.write_csv("".join("duid:%04x,2001:db8::%x,\n" % (i, i + 0x50) for i in range(6)),
                       T0 + 5)
        p = self.build(code=2)
        self.assertIn("remove 4 of the 10 rows, more than 30 %", p.stderr)
        self.assertIn("not changed", p.stderr)
        self.assertEqual(rows(self.db), before)
        # Still refused on the next try; -f does it.
        self.build(code=2)
        self.build("-f")
        self.assertEqual(rows(self.db), [("duid:%04x" % i, "2001:db8::%x" % (i + 0x50), None,
                                          T0 + 5) for i in range(6)])

    def test_exactly_30_percent(self):
        self.numbered(10)
        self.build()
        after = self.numbered(7, T0 + 1)
        self.build()
        self.assertEqual(rows(self.db), after)

    def test_everything_gone(self):
        before = self.numbered(3)
        self.build()
        self.write_csv("", T0 + 1)
        self.build(code=2)
        self.assertEqual(rows(self.db), before)
        self.build("--force")
        self.assertEqual(rows(self.db), [])


class BadInput(Base):
    def test_bad_rows_reported(self):
        before = self.numbered(3)
        self.build()
        self.write_csv("duid:0000,2001:db8::0,\n"
                       "bogus:1,2001:db8::1,\n"
                       "duid:0002,2001:db8::zz,\n"
                       "duid:0003,2001:db8::3,2001:db8:3::1/48\n"
                       "duid:0000,2001:db8::9,\n", T0 + 1)
        p = self.build("-f", code=1)
        for line, what in ((3, "unknown id form: 'bogus:1'"), (4, "bad address '2001:db8::zz'"),
                           (5, "bits set after the prefix length"),
                           (6, "duplicate id, first on line 2")):
            self.assertIn("%s:%d: " % (self.csv, line), p.stderr)
            self.assertIn(what, p.stderr)
        self.assertIn("not changed", p.stderr)
        self.assertEqual(rows(self.db), before)
        # Tolerated: the good rows are built.
        p = self.build("--max-bad-rows", "4", "-f")
        self.assertEqual(rows(self.db), [("duid:0000", "2001:db8::", None, T0 + 1)])

    def test_bad_csv_creates_nothing(self):
        self.write_csv("duid:zz,2001:db8::1,\n")
        p = self.build(code=1)
        self.assertIn(self.csv + ":2: ", p.stderr)
        self.assertFalse(os.path.exists(self.db))

    def test_not_a_database(self):
        self.numbered(2)
        text = "id,address,prefix\n" * 200
        with open(self.db, "w") as f:
            f.write(text)
        p = self.build(code=1)
        self.assertIn(self.db, p.stderr)
        with open(self.db) as f:
            self.assertEqual(f.read(), text)
        os.unlink(self.db)
        c = sqlite3.connect(self.db)
        c.execute("CREATE TABLE assignments (id TEXT PRIMARY KEY, address TEXT)")
        c.execute("INSERT INTO assignments VALUES ('a', 'b')")
        c.commit()
        c.close()
        p = self.build(code=1)
        self.assertIn("not an assignments database", p.stderr)
        c = sqlite3.connect(self.db)
        self.assertEqual(c.execute("SELECT * FROM assignments").fetchall(), [("a", "b")])
        c.close()


class Original(Base):
    def test_python_database_updated(self):
        """A database of the original tool (rollback journal, its rows) is
        updated in place and moves to WAL mode."""
        c = sqlite3.connect(self.db)
        c.execute(SCHEMA)
        c.executemany("INSERT INTO assignments VALUES (?, ?, ?, ?)",
                      [("duid:%04x" % i, "2001:db8::%x" % i, "", T0 - 10) for i in range(10)])
        c.commit()
        self.assertEqual(c.execute("PRAGMA journal_mode").fetchone()[0], "delete")
        c.close()
        after = self.numbered(8)
        self.build()
        self.assertEqual(rows(self.db), after)
        c = sqlite3.connect(self.db)
        self.assertEqual(c.execute("PRAGMA journal_mode").fetchone()[0], "wal")
        c.close()


class Atomic(Base):
    """A reader during the build sees the old table or the new one."""

    def test_one_transaction(self):
        self.numbered(100)
        self.build()
        n = 40000
        self.numbered(n, T0 + 1)
        seen, errors = set(), []
        done = threading.Event()

        def reader():
            c = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=30)
            while not done.is_set():
                try:
                    seen.add(c.execute("SELECT count(*), count(DISTINCT csv_mtime), "
                                       "min(csv_mtime) FROM assignments").fetchone())
                except sqlite3.Error as e:
                    errors.append(str(e))
            c.close()

        t = threading.Thread(target=reader)
        t.start()
        try:
            self.build()
        finally:
            done.set()
            t.join()
        seen.add(sqlite3.connect(self.db).execute(
            "SELECT count(*), count(DISTINCT csv_mtime), min(csv_mtime) FROM assignments"
        ).fetchone())
        self.assertEqual(errors, [])
        self.assertTrue(seen <= {(100, 1, T0), (n, 1, T0 + 1)}, seen)
        self.assertIn((n, 1, T0 + 1), seen)


if __name__ == "__main__":
    if not TOOL or not os.access(TOOL, os.X_OK):
        sys.exit("set BUILD_SQLITE to the path of the built ipv6-dhcp-build-sqlite")
    unittest.main(verbosity=1)
